// Test connection (docs/providers.md §8): one cheap real request per provider that spends no generation quota. Gemini:
// countTokens on each configured model (key, model and any precondition such as the region answer there). Groq: the
// model list, which says whether the key works and which models it may use. The answer is in plain words.
import { GoogleGenerativeAI } from '@google/generative-ai';
import Groq from 'groq-sdk';
import type { ProviderId, QuotaInfo } from '../../shared/provider';
import { RealClock } from '../engine/clock';
import { cappedFetch } from './capped-body';
import type { ProviderClientOptions } from './client-options';
import { startDeadline } from './deadline';
import { classifyGemini } from './gemini-errors';
import { openTap } from './gemini-fetch';
import { classifyGroq, quotaFromHeaders } from './groq-errors';
import type { CallContext } from './outcome';

export interface ConnectionReport {
  provider: ProviderId;
  /** The key was accepted. */
  keyOk: boolean;
  /** Each configured model and whether this key may use it (with the provider's sentence when not). */
  models: { model: string; usable: boolean; problem: string | null }[];
  /** Limits the provider reported with the answer (Groq's x-ratelimit-* headers), when it sent any. */
  limits: QuotaInfo | null;
  /** A problem with the whole provider (bad key, region, billing), in the provider's words. */
  problem: string | null;
  /** One line per fact, for a person. */
  summary: string[];
}

const CHECK_TIMEOUT_MS = 15_000;

export async function checkConnection(p: ProviderId, opts: ProviderClientOptions): Promise<ConnectionReport> {
  const models = [...new Set([opts.textModel, opts.visionModel])];
  const result = p === 'gemini' ? await checkGemini(models, opts) : await checkGroq(models, opts);
  return { provider: p, ...result, summary: summarize(p, result) };
}

type Checked = Omit<ConnectionReport, 'provider' | 'summary'>;
const PROVIDER_WIDE = new Set(['auth', 'precondition', 'network', 'timeout', 'server', 'overloaded']);

async function checkGemini(models: string[], opts: ProviderClientOptions): Promise<Checked> {
  const clock = opts.clock ?? new RealClock();
  const client = new GoogleGenerativeAI(opts.apiKey);
  const requestOptions = opts.baseUrl ? { baseUrl: opts.baseUrl.replace(/\/+$/, '') } : {};
  const out: Checked = { keyOk: true, models: [], limits: null, problem: null };
  for (const model of models) {
    const ctx: CallContext = { provider: 'gemini', model, startedAt: clock.now(), now: () => clock.now() };
    const deadline = startDeadline(clock, Math.min(opts.timeoutMs, CHECK_TIMEOUT_MS), new AbortController().signal);
    const tap = openTap();
    try {
      await client.getGenerativeModel({ model }, requestOptions).countTokens('ping', { signal: deadline.signal, customHeaders: tap.headers });
      out.models.push({ model, usable: true, problem: null });
    } catch (err) {
      const f = classifyGemini(ctx, err, deadline, tap.tap);
      if (f.ok) continue;
      if (PROVIDER_WIDE.has(f.kind)) {
        out.keyOk = f.kind !== 'auth' && out.keyOk;
        out.problem = f.message;
        return out;
      }
      out.models.push({ model, usable: false, problem: f.message });
    } finally {
      tap.close();
      deadline.dispose();
    }
  }
  return out;
}

async function checkGroq(models: string[], opts: ProviderClientOptions): Promise<Checked> {
  const clock = opts.clock ?? new RealClock();
  const client = new Groq({
    apiKey: opts.apiKey,
    ...(opts.baseUrl && { baseURL: opts.baseUrl.replace(/\/+$/, '') }),
    maxRetries: 0,
    timeout: Math.min(opts.timeoutMs, CHECK_TIMEOUT_MS),
    fetch: cappedFetch(),
  });
  const ctx: CallContext = { provider: 'groq', model: models[0] ?? '', startedAt: clock.now(), now: () => clock.now() };
  const deadline = startDeadline(clock, Math.min(opts.timeoutMs, CHECK_TIMEOUT_MS), new AbortController().signal);
  try {
    const { data, response } = await client.models.list({ signal: deadline.signal }).withResponse();
    const listed = new Set((data.data ?? []).map((m) => m.id));
    return {
      keyOk: true,
      models: models.map((model) =>
        listed.has(model) ? { model, usable: true, problem: null } : { model, usable: false, problem: `Groq does not list ${model} for this key` },
      ),
      limits: quotaFromHeaders(response.headers) ?? null,
      problem: null,
    };
  } catch (err) {
    const f = classifyGroq(ctx, err, deadline);
    const message = f.ok ? 'unexpected answer' : f.message;
    return { keyOk: f.ok || f.kind !== 'auth', models: [], limits: null, problem: message };
  } finally {
    deadline.dispose();
  }
}

function summarize(p: ProviderId, r: Checked): string[] {
  const name = p === 'gemini' ? 'Gemini' : 'Groq';
  const lines: string[] = [];
  if (!r.keyOk) lines.push(`${name} rejected the key: ${r.problem ?? 'no reason given'}`);
  else if (r.problem) lines.push(`${name} accepted no request: ${r.problem}`);
  else lines.push(`${name} accepted the key.`);
  for (const m of r.models) lines.push(m.usable ? `${m.model}: usable.` : `${m.model}: not usable (${m.problem}).`);
  const l = r.limits;
  if (l) {
    const parts = [
      l.limitRequests !== undefined && `${l.limitRequests} requests per day (${l.remainingRequests ?? '?'} left)`,
      l.limitTokens !== undefined && `${l.limitTokens} tokens per minute (${l.remainingTokens ?? '?'} left)`,
    ].filter(Boolean);
    if (parts.length) lines.push(`Limits reported: ${parts.join(', ')}.`);
  } else if (r.keyOk && !r.problem) {
    lines.push(`${name} reports its limits only on generation requests; the configured limits apply.`);
  }
  return lines;
}
