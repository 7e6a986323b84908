// The Instances view's tables rendered from a snapshot (react-dom's static renderer, no browser): "shared via Redis",
// the shared store's quota per key hash and model, its breaker and slots, and each live instance.
import { renderToStaticMarkup } from 'react-dom/server';
import { describe, expect, it } from 'vitest';
import { FleetTables } from '../../renderer/features/dashboard/FleetTables';
import type { FleetSnapshot } from '../../shared/telemetry';

const snapshot: FleetSnapshot = {
  at: 0,
  sharedVia: 'redis',
  redis: '127.0.0.1:6379',
  error: null,
  instances: [
    {
      id: 'w1',
      role: 'worker',
      host: 'box',
      pid: 42,
      startedAt: 0,
      seenAt: 0,
      active: 1,
      finished: 3,
      providers: [{ provider: 'gemini', rpm: 6, rpmLimit: 135, inFlight: 2, tpm: 0, breaker: 'closed', pausedUntil: null, exhaustedUntil: null }],
    },
  ],
  shared: {
    quotas: [
      {
        provider: 'gemini',
        keyHash: 'abcdef0123456789',
        model: 'gemini-2.5-flash',
        live: 2,
        waiting: 1,
        dims: [{ name: 'RPM', used: 7, limit: 135 }],
      },
    ],
    providers: [{ provider: 'gemini', keyHash: 'abcdef0123456789', breaker: 'closed', breakerUntil: null, forced: false, slotsInUse: 2 }],
  },
};

const text = (html: string) => html.replace(/<[^>]+>/g, ' ').replace(/\s+/g, ' ');

describe('the Instances view from a fleet snapshot', () => {
  it('says the quota is shared via Redis and shows what the shared store holds, per key hash and model', () => {
    const html = renderToStaticMarkup(<FleetTables fleet={snapshot} />);
    expect(text(html)).toContain('shared via Redis (127.0.0.1:6379) · 1 live instance');
    expect(html).toContain('aria-label="Shared quota in Redis"');
    expect(text(html)).toContain('Gemini · key abcdef01 · gemini-2.5-flash RPM 7 / 135 2 1');
    expect(text(html)).toContain('Gemini · key abcdef01 CLOSED 2');
    expect(html.match(/data-testid="instance-row"/g)).toHaveLength(1);
    expect(html).not.toContain('abcdef0123456789'); // the hash is shortened; the key itself never reaches the view
  });

  it('without the shared part (no REDIS_URL, or demo mode) shows no shared-store tables', () => {
    const html = renderToStaticMarkup(<FleetTables fleet={{ ...snapshot, sharedVia: null, redis: null, shared: undefined }} />);
    expect(text(html)).toContain('Not shared: this instance alone owns its quota');
    expect(html).not.toContain('Shared quota in Redis');
  });
});
