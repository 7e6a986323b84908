// The preload's window.validator is exactly the contract's ValidatorApi, built over an injected invoke.
import { describe, expect, it } from 'vitest';
import { APP_ORIGIN } from '../../../electron/main/app-origin';
import { createIpcRouter } from '../../../electron/main/ipc-router';
import { commandChannel, type EventMessage } from '../../../shared/api-wire';
import { buildPreloadFiles, buildValidatorApi } from '../../../electron/preload/surface';
import { COMMAND_NAMES, type ValidatorApi } from '../../../shared/api';

function build(reply: (channel: string, payload: unknown) => unknown = () => ({ ok: true, value: null })) {
  const invoked: { channel: string; payload: unknown }[] = [];
  let push: ((m: EventMessage) => void) | null = null;
  const api = buildValidatorApi(
    async (channel, payload) => {
      invoked.push({ channel, payload });
      return reply(channel, payload);
    },
    (listener) => {
      push = listener;
    },
  );
  return { api, invoked, push: (m: EventMessage) => push?.(m) };
}

describe('preload surface', () => {
  it('has exactly one function per contract command, plus on()', () => {
    const { api } = build();
    expect(Object.keys(api).sort()).toEqual([...COMMAND_NAMES, 'on'].sort());
    for (const value of Object.values(api)) expect(typeof value).toBe('function');
  });

  it('sends each command on its api:<command> channel with the input as is', async () => {
    const { api, invoked } = build(() => ({ ok: true, value: [] }));
    await expect(api.listRuns({})).resolves.toEqual([]);
    await api.getResults({ runId: 'r1', offset: 0, limit: 50 });
    expect(invoked).toEqual([
      { channel: commandChannel('listRuns'), payload: {} },
      { channel: 'api:getResults', payload: { runId: 'r1', offset: 0, limit: 50 } },
    ]);
  });

  it("rejects with main's message when main refuses", async () => {
    const { api } = build(() => ({ ok: false, error: { code: 'bad_request', error: 'Invalid listRuns request: input: bad' } }));
    await expect(api.listRuns({})).rejects.toThrow(/^Invalid listRuns request: input: bad$/);
  });

  it('dispatches pushed events to their listeners until unsubscribed', () => {
    const { api, push } = build();
    const got: unknown[] = [];
    const off = api.on('alert', (a) => got.push(a.id));
    api.on('audit', () => got.push('wrong'));
    push({ event: 'alert', payload: { id: 'a1' } });
    off();
    push({ event: 'alert', payload: { id: 'a2' } });
    expect(got).toEqual(['a1']);
  });

  it('keeps other listeners going when one throws, and refuses unknown events', () => {
    const { api, push } = build();
    const got: string[] = [];
    api.on('alert', () => {
      throw new Error('listener bug');
    });
    api.on('alert', () => got.push('second'));
    const original = console.error;
    console.error = () => undefined;
    try {
      push({ event: 'alert', payload: {} });
    } finally {
      console.error = original;
    }
    expect(got).toEqual(['second']);
    expect(() => (api.on as (e: string, f: () => void) => void)('nope', () => undefined)).toThrow(/Unknown event "nope"/);
  });

  it('works end to end over the real router, with IPC-style structured cloning', async () => {
    const impl = { listAlerts: async () => [] } as unknown as ValidatorApi;
    const route = createIpcRouter({
      api: impl,
      trusted: () => ({ webContentsId: 1, origin: APP_ORIGIN }),
      secrets: () => [],
      log: () => undefined,
    });
    const sender = { webContentsId: 1, frameUrl: 'app://app/index.html', isMainFrame: true };
    const api = buildValidatorApi(
      async (channel, payload) => structuredClone(await route(sender, channel.replace(/^api:/, ''), structuredClone(payload))),
      () => undefined,
    );
    await expect(api.listAlerts({ includeAcknowledged: false })).resolves.toEqual([]);
    await expect(api.listAlerts({} as never)).rejects.toThrow(/Invalid listAlerts request: includeAcknowledged/);
  });
});

describe('preload file-path bridge', () => {
  it('resolves a File to its path through webUtils', () => {
    const seen: unknown[] = [];
    const files = buildPreloadFiles((f) => {
      seen.push(f);
      return '/data/batch.csv';
    });
    const file = new File(['id\n1\n'], 'batch.csv');
    expect(files.pathForFile(file)).toBe('/data/batch.csv');
    expect(seen).toEqual([file]);
  });

  it('gives a clear error for something that is not a File', () => {
    const files = buildPreloadFiles(() => {
      throw new TypeError('Error processing argument at index 0, conversion failure');
    });
    expect(() => files.pathForFile('/etc/passwd')).toThrow('pathForFile needs a File from a drop or a file input.');
  });
});
