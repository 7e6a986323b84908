// The dashboard's last-minute RPM/TPM: counted from each admission's start, settled tokens replace the estimate, and a
// refund counts nowhere; admissions a minute old leave, even long lists (the arrays compact).
import { describe, expect, it } from 'vitest';
import { LastMinute } from '../../../electron/engine/limiter/last-minute';

describe('last-minute admissions', () => {
  it('counts started, settled and refunded admissions as they are at the time asked', () => {
    const m = new LastMinute();
    const a = m.add(0, 1_000, 0);
    const b = m.add(0, 2_000, 0);
    const c = m.add(0, 3_000, 0);
    expect(m.count(0)).toEqual({ rpm: 3, tpm: 6_000 });
    m.started(b, 5_000); // waited for a slot: counts from its start, not before
    m.settled(a, 400);
    m.refunded(c);
    expect(m.count(1_000)).toEqual({ rpm: 1, tpm: 400 });
    expect(m.count(5_000)).toEqual({ rpm: 2, tpm: 2_400 });
    expect(m.count(60_000)).toEqual({ rpm: 1, tpm: 2_000 }); // a's minute is over; b started later
    expect(m.count(65_000)).toEqual({ rpm: 0, tpm: 0 });
    m.settled(b, 9); // an update for an admission already gone changes nothing
    expect(m.count(65_000)).toEqual({ rpm: 0, tpm: 0 });
  });

  it('keeps places valid across compaction: 5,000 admissions, one per 20 ms, each settled a second later', () => {
    const m = new LastMinute();
    const places: number[] = [];
    for (let i = 0; i < 5_000; i++) {
      const now = i * 20;
      places.push(m.add(now, 10, now));
      if (i >= 50) m.settled(places[i - 50] as number, 1); // settled a second (50 admissions) after its admission
    }
    const now = 4_999 * 20;
    // The last minute holds 3,000 admissions (those from ms 40,000 on): the newest 50 unsettled, the rest settled at 1 token.
    expect(m.count(now)).toEqual({ rpm: 3_000, tpm: 2_950 + 50 * 10 });
  });
});
