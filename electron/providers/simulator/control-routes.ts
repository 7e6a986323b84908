// The control API under /__sim/* (JSON), which the SDKs never hit: scripts, outages, quota changes, holds and bursts,
// reset, the log.
// Every payload is validated; a bad one gets a 400 that says what is wrong. Loopback only, this server's Host/Origin only.
import type { IncomingMessage, ServerResponse } from 'node:http';
import { z } from 'zod';
import { PROVIDER_IDS } from '../../../shared/provider';
import { foreignRequest } from '../../host/auth';
import { faultFits, WIRE_FAULTS } from './faults';
import type { SimState } from './state';

export const CONTROL_PREFIX = '/__sim/';

const ms = z.number().finite().nonnegative();
const scripted = z
  .object({
    status: z.number().int().min(100).max(599).optional(),
    headers: z.record(z.string(), z.string()).optional(),
    body: z.unknown().optional(),
    reply: z.unknown().optional(),
    fault: z.enum(WIRE_FAULTS).optional(),
    finishReason: z.string().optional(),
    blockReason: z.string().optional(),
    delayMs: ms.optional(),
    stallMs: ms.optional(),
    drop: z.enum(['before-headers', 'mid-body']).optional(),
    malformed: z.boolean().optional(),
    times: z.number().int().positive().optional(),
  })
  .strict();
const provider = z.enum(PROVIDER_IDS);
const scriptSpec = z.object({ provider, model: z.string().optional(), responses: z.array(scripted).min(1) }).strict();
const outageSpec = z
  .object({ provider, model: z.string().optional(), durationMs: ms, status: z.union([z.literal(500), z.literal(503)]).optional() })
  .strict();
const holdSpec = z.object({ provider, model: z.string().optional(), durationMs: ms }).strict();
const burstSpec = z
  .object({ provider, model: z.string().optional(), fault: z.enum(WIRE_FAULTS) })
  .strict()
  .refine((b) => faultFits(b.provider, b.fault), { message: 'that fault is not on this provider’s wire', path: ['fault'] });
const limit = z.number().finite().positive();
const quotaSpec = z
  .object({
    provider,
    model: z.string().min(1),
    key: z.string().optional(),
    limits: z.object({ rpm: limit.optional(), tpm: limit.optional(), rpd: limit.optional(), tpd: limit.optional() }).strict(),
  })
  .strict();

export interface SimInfo {
  baseUrl: string;
  keys: Record<string, string>;
  preset: string;
  timeScale: number;
}

export function handleControl(state: SimState, info: () => SimInfo, req: IncomingMessage, res: ServerResponse, url: URL, raw: Buffer): void {
  const reply = (status: number, body: unknown) => {
    res.writeHead(status, { 'content-type': 'application/json' });
    res.end(JSON.stringify(body));
  };
  // The web host's rules (docs/providers.md §6): a web page must not script verdicts or, through DNS rebinding, read
  // the log (it holds submission content). Host and Origin must be this server's own, and writes must be JSON.
  const foreign = foreignRequest(req, Number(new URL(info().baseUrl).port));
  if (foreign) return reply(403, { error: foreign });
  const contentType = (req.headers['content-type'] ?? '').split(';')[0]?.trim().toLowerCase();
  if (req.method !== 'GET' && req.method !== 'DELETE' && contentType !== 'application/json') {
    return reply(415, { error: `the control API takes application/json, not "${contentType || 'no content type'}"` });
  }
  const action = `${req.method} ${url.pathname.slice(CONTROL_PREFIX.length)}`;
  let payload: unknown = undefined;
  if (raw.length) {
    try {
      payload = JSON.parse(raw.toString('utf8'));
    } catch (err) {
      return reply(400, { error: `the body is not JSON: ${(err as Error).message}` });
    }
  }
  const parsed = <T>(schema: z.ZodType<T>, run: (v: T) => object | void) => {
    const r = schema.safeParse(payload);
    if (!r.success) return reply(400, { error: r.error.issues.map((i) => `${i.path.join('.') || 'body'}: ${i.message}`).join('; ') });
    reply(200, { ok: true, ...run(r.data) });
  };
  switch (action) {
    case 'GET info':
      return reply(200, { ...info(), models: { gemini: state.models('gemini'), groq: state.models('groq') } });
    case 'GET log':
      return reply(200, { entries: state.log() });
    case 'DELETE log':
      state.clearLog();
      return reply(200, { ok: true });
    case 'POST script':
      return parsed(scriptSpec, (s) => state.script(s));
    case 'POST outage':
      return parsed(outageSpec, (s) => state.outage(s));
    case 'POST quota':
      return parsed(quotaSpec, (s) => state.setQuota(s));
    case 'POST hold':
      return parsed(holdSpec, (s) => state.hold(s));
    case 'GET held':
      return reply(200, { entries: state.held() });
    case 'POST burst':
      return parsed(burstSpec, (s) => ({ answered: state.burst(s) }));
    case 'POST reset':
      state.reset();
      return reply(200, { ok: true });
    default:
      return reply(404, { error: `unknown control action "${action}"; see GET /__sim/info` });
  }
}
