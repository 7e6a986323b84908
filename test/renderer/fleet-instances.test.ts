// The Instances view's figures: fleet-wide sums per provider against the one shared limit, and each instance's share.
import { describe, expect, it } from 'vitest';
import { fleetProviders, shareOf, sharedProviderRows, sharedQuotaRows } from '../../renderer/features/dashboard/fleet-figures';
import type { FleetInstance, FleetSnapshot } from '../../shared/telemetry';

const inst = (id: string, gemini: { rpm: number; inFlight: number; breaker?: 'closed' | 'open' }): FleetInstance => ({
  id,
  role: 'worker',
  host: 'h',
  pid: 1,
  startedAt: 0,
  seenAt: 0,
  active: 1,
  finished: 0,
  providers: [
    {
      provider: 'gemini',
      rpm: gemini.rpm,
      rpmLimit: 135,
      inFlight: gemini.inFlight,
      tpm: 0,
      breaker: gemini.breaker ?? 'closed',
      pausedUntil: null,
      exhaustedUntil: null,
    },
    { provider: 'groq', rpm: 0, rpmLimit: 20, inFlight: 0, tpm: 0, breaker: 'closed', pausedUntil: null, exhaustedUntil: null },
  ],
});
const fleet = (instances: FleetInstance[]): FleetSnapshot => ({ at: 0, sharedVia: 'redis', redis: '127.0.0.1:6379', instances, error: null });

describe('Instances figures', () => {
  it('sums in-flight calls and requests over the fleet and counts breakers not closed', () => {
    const rows = fleetProviders(fleet([inst('a', { rpm: 30, inFlight: 2 }), inst('b', { rpm: 90, inFlight: 5, breaker: 'open' })]));
    expect(rows.find((r) => r.provider === 'gemini')).toEqual({
      provider: 'gemini',
      inFlight: 7,
      rpm: 120,
      rpmLimit: 135,
      breakersOpen: 1,
      instances: 2,
    });
  });
  it('shares add up to 1, and are unknown while the fleet made no request', () => {
    const s = fleet([inst('a', { rpm: 30, inFlight: 0 }), inst('b', { rpm: 90, inFlight: 0 })]);
    expect(shareOf(s, 'a')).toBe(0.25);
    expect(shareOf(s, 'b')).toBe(0.75);
    expect(shareOf(fleet([inst('a', { rpm: 0, inFlight: 0 })]), 'a')).toBeNull();
  });
});

describe('Instances figures from the shared store', () => {
  const shared: FleetSnapshot = {
    ...fleet([inst('a', { rpm: 2, inFlight: 1 })]),
    shared: {
      quotas: [
        {
          provider: 'gemini',
          keyHash: '0123456789abcdef',
          model: 'gemini-2.5-flash',
          live: 3,
          waiting: 2,
          dims: [
            { name: 'RPM', used: 12, limit: 135 },
            { name: 'TPM', used: 48_000.4, limit: 900_000 },
          ],
        },
      ],
      providers: [
        { provider: 'gemini', keyHash: '0123456789abcdef', breaker: 'open', breakerUntil: null, forced: true, slotsInUse: 4 },
        { provider: 'groq', keyHash: 'fedcba9876543210', breaker: 'closed', breakerUntil: null, forced: false, slotsInUse: 0 },
      ],
    },
  };
  it('shows what the fleet used of each shared limit per key hash and model, and who waits', () => {
    const [row] = sharedQuotaRows(shared);
    expect(row).toEqual({
      id: 'gemini:0123456789abcdef:gemini-2.5-flash',
      quota: 'Gemini · key 01234567 · gemini-2.5-flash',
      used: 'RPM 12 / 135 · TPM 48,001 / 900,000',
      live: 3,
      waiting: 2,
    });
  });
  it('shows each key’s shared breaker and the calls holding its slots; nothing when the store is not shared', () => {
    expect(sharedProviderRows(shared).map((p) => [p.key, p.breaker, p.slotsInUse])).toEqual([
      ['Gemini · key 01234567', 'OPEN (forced, until reset)', 4],
      ['Groq · key fedcba98', 'CLOSED', 0],
    ]);
    expect(sharedQuotaRows(fleet([]))).toEqual([]);
    expect(sharedProviderRows(fleet([]))).toEqual([]);
  });
});
