// QuotaFeedback on its own, against a recording sink (docs/providers.md §4): what each server answer makes it do to
// the limiter, with no provider state around it.
import { describe, expect, it } from 'vitest';
import { DEFAULT_CONFIG } from '../../../shared/config';
import type { CallFailure } from '../../../shared/provider';
import { VirtualClock } from '../../../electron/engine/clock';
import { nextMidnight } from '../../../electron/engine/limiter/calendar-day';
import type { RateLimiter } from '../../../electron/engine/limiter/limiter';
import { QUOTA_MODELS } from '../../../electron/engine/limiter/quota-model';
import { QuotaFeedback, type FeedbackSink } from '../../../electron/engine/quota-feedback';

const cfg = DEFAULT_CONFIG.providers.gemini;

function feedback() {
  const clock = new VirtualClock(Date.UTC(2026, 0, 5, 12));
  const log: string[] = [];
  const sink: FeedbackSink = {
    limiter: () => ({ sync: () => undefined }) as unknown as RateLimiter,
    setRateFactor: (f) => log.push(`factor ${f.toFixed(3)}`),
    capMinute: (name, limit) => log.push(`cap ${name} ${limit ?? 'lifted'}`),
    pause: (until, reason) => log.push(`pause +${until - clock.now()} ${reason}`),
    exhaust: (until) => log.push(`exhaust ${until}`),
    emit: () => undefined,
  };
  return { clock, log, fb: new QuotaFeedback('gemini', clock, QUOTA_MODELS.gemini, cfg, sink) };
}

const rate429 = (extra: Partial<CallFailure> = {}): CallFailure => ({
  ok: false,
  provider: 'gemini',
  model: 'gemini-2.5-pro',
  kind: 'rate_limit',
  status: 429,
  message: 'quota',
  latencyMs: 100,
  ...extra,
});

describe('QuotaFeedback', () => {
  it('says which limits the server named below the configured ones, from how many responses; a new config forgets them', () => {
    const { fb } = feedback();
    expect(fb.learned()).toEqual({ calls: 0 });
    fb.onFailure(rate429({ dimension: 'RPM', quota: { limitRequests: 10 } }));
    fb.onFailure(rate429({ dimension: 'RPM', quota: { limitRequests: 10 } }));
    fb.onFailure(rate429({ dimension: 'TPM', quota: { limitTokens: cfg.tpm * 2 } })); // above the config: nothing learned
    expect(fb.learned()).toEqual({ rpm: 10, calls: 2 });
    fb.setConfig({ ...cfg, rpm: 20 });
    expect(fb.learned()).toEqual({ calls: 0 });
  });

  it('a restore forgets the caps and what the planner was told: the same limit named again caps again', () => {
    const { log, fb } = feedback();
    fb.onFailure(rate429({ dimension: 'TPM', quota: { limitTokens: 1_000 } }));
    fb.restore();
    expect(fb.learned()).toEqual({ calls: 0 });
    fb.onFailure(rate429({ dimension: 'TPM', quota: { limitTokens: 1_000 } }));
    expect(fb.learned()).toEqual({ tpm: 1_000, calls: 1 });
    expect(log.filter((l) => l.startsWith('cap'))).toEqual(['cap TPM 1000', 'cap TPM 1000']);
    expect(fb.rateState().reported).toEqual([]); // a body's limit is a cap, not a header's report
  });

  it('cuts the rate once per congestion event: a 429 for a request sent before the cut says nothing new', async () => {
    const { clock, log, fb } = feedback();
    fb.onFailure(rate429());
    await clock.advance(50);
    fb.onFailure(rate429({ latencyMs: 200 })); // sent 150 ms before the cut
    expect(log).toEqual([`factor ${cfg.aimd.decrease.toFixed(3)}`]);
    await clock.advance(1_000);
    fb.onFailure(rate429());
    expect(log).toEqual([`factor ${cfg.aimd.decrease.toFixed(3)}`, `factor ${(cfg.aimd.decrease ** 2).toFixed(3)}`]);
  });

  it('never cuts below a tenth of the configured rate', async () => {
    const { clock, log, fb } = feedback();
    for (let i = 0; i < 40; i++) {
      fb.onFailure(rate429());
      await clock.advance(1_000);
    }
    expect(fb.rateFactor).toBe(0.1);
    expect(log.at(-1)).toBe('factor 0.100');
  });

  it('raises the rate by one step after the configured run of clean calls, and a failure restarts the count', async () => {
    const { clock, fb } = feedback();
    fb.onFailure(rate429());
    const cut = fb.rateFactor;
    await clock.advance(1_000);
    for (let i = 0; i < cfg.aimd.cleanCallsToIncrease - 1; i++) fb.onSuccess('gemini-2.5-pro', undefined);
    fb.onFailure({ ...rate429(), kind: 'server', status: 500 });
    for (let i = 0; i < cfg.aimd.cleanCallsToIncrease - 1; i++) fb.onSuccess('gemini-2.5-pro', undefined);
    expect(fb.rateFactor).toBe(cut);
    fb.onSuccess('gemini-2.5-pro', undefined);
    expect(fb.rateFactor).toBeCloseTo(Math.min(1, cut + cfg.aimd.increaseStep), 9);
  });

  it('a 429 that names its per-minute limit caps that dimension and is explained: no cut, the pause it asked for', async () => {
    const { log, fb } = feedback();
    fb.onFailure(rate429({ dimension: 'RPM', retryAfterMs: 7_000, quota: { limitRequests: 10 } }));
    expect(log).toEqual(['cap RPM 10', 'pause +7000 429 on RPM: server asked to retry in 7.0 s']);
    expect(fb.rateFactor).toBe(1);
  });

  it("an operator's new limits lift the caps the server named", async () => {
    const { log, fb } = feedback();
    fb.onFailure(rate429({ quota: { limitTokens: 1_000 } }));
    fb.setConfig(cfg);
    expect(log).toEqual(['cap TPM 1000', 'cap TPM lifted']);
  });

  it("a spent daily quota exhausts the provider until Gemini's next midnight Pacific, and never cuts the rate", async () => {
    const { clock, log, fb } = feedback();
    fb.onFailure(rate429({ kind: 'daily_quota', dimension: 'RPD' }));
    expect(log).toEqual([`exhaust ${nextMidnight(clock.now())}`]);
  });

  it('adopts the fleet factor without sharing it back, and ignores 429s sent before the fleet cut', async () => {
    const { clock, log, fb } = feedback();
    fb.adopt(0.5, clock.now());
    await clock.advance(50);
    fb.onFailure(rate429({ latencyMs: 200 }));
    expect(log).toEqual(['factor 0.500']);
  });
});
