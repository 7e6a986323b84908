// The recorded-wire contract suite (docs/providers.md §7). Every file in test/fixtures/wire is one real response shape.
// Each is replayed on a loopback server to the real SDK adapters, produced by the simulator, and run through the engine:
// outcome kind, retry decision, delay, dimension, and what the engine does next must match the fixture's `expect`.
// Adding a newly found shape is adding its fixture.
import { readdirSync, readFileSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_CONFIG, type EngineConfig } from '../../../shared/config';
import type { CallOutcome, ProviderId, QuotaDimension } from '../../../shared/provider';
import type { ProviderAdapter } from '../../../electron/engine/adapter';
import { RealClock } from '../../../electron/engine/clock';
import { Engine } from '../../../electron/engine/engine';
import { isRetryable } from '../../../electron/engine/retry';
import { seededRng } from '../../../electron/engine/rng';
import { createGeminiAdapter } from '../../../electron/providers/gemini';
import { TAP_HEADER } from '../../../electron/providers/gemini-fetch';
import { createGroqAdapter } from '../../../electron/providers/groq';
import type { Simulator } from '../../../electron/providers/simulator/server';
import type { ScriptedResponse } from '../../../electron/providers/simulator/types';
import { buildThemeRequest } from '../../../electron/validation/prompts';
import { repoRoot } from '../../helpers/cli';
import { never, simulator, submission } from './fixtures';

type EngineReaction = 'exhausted' | 'paused' | 'unavailable' | 'misconfigured' | 'rate_cut' | 'retried_larger' | 'undetermined' | 'backoff';
interface WireFixture {
  source: string;
  provider: ProviderId;
  model?: string;
  status: number;
  headers: Record<string, string>;
  body: unknown;
  simulator: { script?: ScriptedResponse; model?: string; apiKey?: string; outage?: 500 | 503 };
  expect: { kind: string; retry: boolean; delayMs: number | null; dimension: QuotaDimension | null; engine: EngineReaction; reason: string | null };
}

const DIR = path.join(repoRoot, 'test/fixtures/wire');
const FIXTURES = readdirSync(DIR)
  .filter((f) => f.endsWith('.json'))
  .map((f) => ({ name: f, fx: JSON.parse(readFileSync(path.join(DIR, f), 'utf8')) as WireFixture }));
/** Reactions after which the provider (or model) gets nothing more this run. */
const STOPS: ReadonlySet<EngineReaction> = new Set(['exhausted', 'unavailable', 'misconfigured']);

/** A loopback server that answers every request with the fixture; it holds the first answers briefly, so a batch has
 * requests in flight when the first answer arrives, and counts how many were received by then. */
interface Replay {
  url: string;
  requests: IncomingMessage[];
  bodies: string[];
  receivedBeforeFirstAnswer: number;
  close(): Promise<void>;
}
async function replay(fx: WireFixture, holdMs = 0): Promise<Replay> {
  const r: Replay = { url: '', requests: [], bodies: [], receivedBeforeFirstAnswer: 0, close: async () => undefined };
  let answered = holdMs === 0;
  const pending: Array<() => void> = [];
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      r.requests.push(req);
      r.bodies.push(Buffer.concat(chunks).toString('utf8'));
      const answer = () => {
        const body = typeof fx.body === 'string' ? fx.body : JSON.stringify(fx.body);
        res.writeHead(fx.status, fx.headers);
        res.end(body);
      };
      if (answered) {
        if (r.receivedBeforeFirstAnswer === 0) r.receivedBeforeFirstAnswer = r.requests.length;
        return answer();
      }
      pending.push(answer);
      if (pending.length === 1) {
        setTimeout(() => {
          answered = true;
          r.receivedBeforeFirstAnswer = r.requests.length;
          for (const a of pending.splice(0)) a();
        }, holdMs);
      }
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  r.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  r.close = () => new Promise<void>((resolve) => server.close(() => resolve()));
  return r;
}

const MODELS: Record<ProviderId, string> = { gemini: DEFAULT_CONFIG.providers.gemini.textModel, groq: DEFAULT_CONFIG.providers.groq.textModel };
function adapterFor(p: ProviderId, baseUrl: string, model: string, apiKey: string): ProviderAdapter {
  const opts = { apiKey, baseUrl, textModel: model, visionModel: model, timeoutMs: 10_000 };
  return p === 'gemini' ? createGeminiAdapter(opts) : createGroqAdapter(opts);
}

function checkOutcome(out: CallOutcome, e: WireFixture['expect']): void {
  if (out.ok) throw new Error(`expected ${e.kind}, got a success`);
  expect(out.kind, out.message).toBe(e.kind);
  expect(isRetryable(out)).toBe(e.retry);
  if (e.delayMs === null) expect(out.retryAfterMs).toBeUndefined();
  else expect(out.retryAfterMs).toBeCloseTo(e.delayMs, 3);
  expect(out.dimension ?? null).toBe(e.dimension);
  if (e.reason && ['precondition', 'no_quota', 'not_found', 'auth', 'safety', 'too_large'].includes(e.kind)) expect(out.message).toContain(e.reason);
}

function engineConfig(p: ProviderId, maxAttempts: number): EngineConfig {
  const providers = {
    gemini: { ...DEFAULT_CONFIG.providers.gemini, maxConcurrent: 4 },
    groq: { ...DEFAULT_CONFIG.providers.groq, maxConcurrent: 4 },
  };
  // parkMaxMinutes 0: the engine's own answer to this one shape, not a wait for the provider to recover (parking has
  // its own tests).
  return {
    ...DEFAULT_CONFIG,
    providers,
    providerOrder: [p],
    parkMaxMinutes: 0,
    retry: { maxAttempts, baseDelayMs: 1, maxDelayMs: 1 },
    stagger: { enabled: false, minMs: 0, maxMs: 0 },
  };
}

let sim: Simulator;
beforeAll(async () => {
  sim = await simulator();
});
afterAll(() => sim.close());

describe.each(FIXTURES)('wire fixture $name', ({ fx }) => {
  const model = fx.model ?? MODELS[fx.provider];

  it('names its source', () => {
    expect(fx.source.length).toBeGreaterThan(20);
  });

  it('through the real SDK: kind, retry decision, delay and dimension; nothing of ours on the wire', async () => {
    const server = await replay(fx);
    try {
      checkOutcome(
        await adapterFor(fx.provider, server.url, model, 'AIzaFixtureKey0000000000000000000000000').call(buildThemeRequest(submission), never()),
        fx.expect,
      );
      expect(server.requests).toHaveLength(1);
      expect(server.requests[0]?.headers[TAP_HEADER]).toBeUndefined();
    } finally {
      await server.close();
    }
  });

  it('the simulator can produce it', async () => {
    sim.control.reset();
    const s = fx.simulator;
    if (s.script) sim.control.script({ provider: fx.provider, responses: [s.script] });
    if (s.outage) sim.control.outage({ provider: fx.provider, durationMs: 3_600_000, status: s.outage });
    const a = adapterFor(fx.provider, sim.baseUrl, s.model ?? MODELS[fx.provider], s.apiKey ?? sim.keys[fx.provider]);
    checkOutcome(await a.call(buildThemeRequest(submission), never()), fx.expect);
  });

  it(`the engine's next step: ${fx.expect.engine}`, async () => {
    const stops = STOPS.has(fx.expect.engine);
    const server = await replay(fx, stops ? 150 : 0);
    try {
      const clock = new RealClock();
      const adapter = adapterFor(fx.provider, server.url, model, 'AIzaFixtureKey0000000000000000000000000');
      const cfg = engineConfig(fx.provider, fx.expect.engine === 'retried_larger' ? 3 : stops ? 3 : 1);
      const engine = new Engine({ config: cfg, clock, rng: seededRng(3), adapters: { [fx.provider]: adapter } });
      const rpmBefore = engine.providerSnapshots().find((x) => x.provider === fx.provider)?.rpmLimit ?? 0;
      const rows = stops ? 12 : 1;
      const results = await Promise.all(
        Array.from({ length: rows }, (_, i) =>
          engine.call({ submissionId: `s${i}`, budget: engine.newBudget(`s${i}`), request: buildThemeRequest(submission) }),
        ),
      );
      // No verdict from a failure: every row is undetermined (Review), with the reason in words.
      for (const r of results) {
        expect(r.status).toBe('undetermined');
        if (fx.expect.reason && r.status === 'undetermined') expect(r.reason).toContain(fx.expect.reason);
      }
      const snap = engine.providerSnapshots().find((x) => x.provider === fx.provider);
      if (!snap) throw new Error('no snapshot');
      const now = clock.now();
      switch (fx.expect.engine) {
        case 'exhausted':
          expect(snap.exhaustedUntil).toBeGreaterThan(now);
          break;
        case 'misconfigured':
          expect(snap.misconfigured).toContain(fx.expect.reason ?? '');
          break;
        case 'unavailable':
          expect(snap.unavailableModels.map((u) => u.model)).toEqual([model]);
          expect(snap.misconfigured).toBeNull();
          break;
        case 'paused':
          expect(snap.pausedUntil).toBeGreaterThan(now);
          expect(snap.rpmLimit).toBeCloseTo(rpmBefore); // explained: no AIMD cut on top of the pause
          break;
        case 'rate_cut':
          expect(snap.rpmLimit).toBeLessThan(rpmBefore);
          break;
        case 'retried_larger': {
          expect(server.bodies).toHaveLength(2);
          expect(server.bodies[1]).not.toBe(server.bodies[0]);
          break;
        }
        case 'undetermined':
        case 'backoff':
          expect(snap.exhaustedUntil).toBeNull();
          expect(snap.misconfigured).toBeNull();
          expect(snap.unavailableModels).toEqual([]);
          break;
      }
      // A stop answer: the provider gets at most what was already in flight when the first such answer arrived.
      if (stops) {
        expect(server.receivedBeforeFirstAnswer).toBeGreaterThan(1); // the batch really had calls in flight
        expect(server.requests.length).toBeLessThanOrEqual(server.receivedBeforeFirstAnswer);
        expect(server.requests.length).toBeLessThan(rows);
      } else if (fx.expect.engine !== 'retried_larger') expect(server.requests).toHaveLength(1);
    } finally {
      await server.close();
    }
  });
});
