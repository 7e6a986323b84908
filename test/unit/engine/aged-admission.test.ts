// An admission that waited for a concurrency slot longer than the window it was charged in (docs/engine.md §1,
// "Aged admissions"): its charge has left the window and others were admitted on that room, so sent now it would be
// one request too many for the server. It goes back through the limiter instead. On virtual time, one engine.
import { describe, expect, it } from 'vitest';
import { DEFAULT_CONFIG, type EngineConfig } from '../../../shared/config';
import { VirtualClock } from '../../../electron/engine/clock';
import { Engine } from '../../../electron/engine/engine';
import type { Budget } from '../../../electron/engine/budget';
import { ADMISSION_AGED } from '../../../electron/engine/provider-call';
import { seededRng } from '../../../electron/engine/rng';
import { peakCount } from '../../helpers/window-peak';
import { request, ScriptedProvider } from './scripted-provider';

const RPM = 2;
const WINDOW = 60_000;

const config: EngineConfig = {
  ...DEFAULT_CONFIG,
  stagger: { enabled: false, minMs: 0, maxMs: 0 },
  providerOrder: ['gemini'],
  providers: {
    ...DEFAULT_CONFIG.providers,
    gemini: {
      ...DEFAULT_CONFIG.providers.gemini,
      rpm: RPM,
      safetyFactor: 1,
      maxConcurrent: 2,
      timeoutMs: 300_000,
      jitter: { enabled: false, min: 1, max: 1 },
    },
    groq: { ...DEFAULT_CONFIG.providers.groq, enabled: false },
  },
};

describe('an admission older than its window', () => {
  it('is not sent: two long calls hold both slots past two windows, and the provider never sees more than its RPM', async () => {
    const clock = new VirtualClock();
    const gemini = new ScriptedProvider('gemini', clock);
    // The first two calls take 130 s: both slots are held while the calls admitted at 60 s and at 120 s wait for one.
    const latencies = [130_000, 130_000];
    const call = gemini.call.bind(gemini);
    gemini.call = (req, signal) => {
      gemini.latencyMs = latencies.shift() ?? 1_000;
      return call(req, signal);
    };
    const engine = new Engine({ config, clock, rng: seededRng(1), adapters: { gemini } });
    const ids = ['1', '2', '3', '4', '5', '6'];
    const budgets = ids.map((id) => engine.newBudget(id));
    const results = await clock.run(
      Promise.all(ids.map((id, i) => engine.call({ submissionId: id, budget: budgets[i] as Budget, request: request() }))),
    );
    expect(results.map((r) => r.status)).toEqual(ids.map(() => 'ok'));
    expect(gemini.log).toHaveLength(ids.length);
    expect(
      peakCount(
        gemini.log.map((e) => e.at),
        WINDOW,
      ),
      'requests the provider received in one window',
    ).toBeLessThanOrEqual(RPM);
    // The calls admitted at 60 s went back unsent, their timelines say why, and no budget paid for them.
    const unsent = budgets.flatMap((b) => b.timeline.filter((s) => s.step === 'attempt' && s.sentAt === null));
    expect(unsent.length).toBeGreaterThan(0);
    expect(unsent.map((s) => [s.next, s.note])).toEqual(unsent.map(() => ['retry', ADMISSION_AGED]));
    expect(budgets.map((b) => b.used)).toEqual(ids.map(() => 1));
  });
});
