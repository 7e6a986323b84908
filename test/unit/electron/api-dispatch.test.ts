// The one server-side dispatch behind IPC and the web host: name check, input parse, the transport's input hook, the
// call, output parse, the command's output hook, keys masked in replies, errors and events.
import { describe, expect, it } from 'vitest';
import { CommandRefused, createDispatch, forwardEvents } from '../../../electron/api-dispatch';
import { refuseUploadRefs } from '../../../electron/main/ipc-guard';
import { REDACTED } from '../../../electron/redact';
import type { EventName, ValidatorApi } from '../../../shared/api';
import { recordingApi } from '../../helpers/recording-api';
import type { IpcReply } from '../../../shared/api-wire';

const KEY = 'my-stored-provider-key-0001';
const GEMINI_SHAPED = `AIza${'Sy0123456789abcdefghijklmnopqrstu'}`;

const failure = (reply: IpcReply) => (reply.ok ? null : reply.error);

describe('api dispatch', () => {
  it('calls a known command with its schema-parsed input', async () => {
    const { api, calls } = recordingApi({
      previewBatch: () => ({}) as never,
      listRuns: () => [],
    });
    const dispatch = createDispatch({ api, log: () => undefined });
    expect(await dispatch('listRuns', {})).toEqual({ ok: true, value: [] });
    expect(calls).toEqual([{ name: 'listRuns', input: {} }]);
  });

  it.each(['deleteEverything', 'constructor', '__proto__'])('refuses the unknown command %s without calling the Api', async (name) => {
    const { api, calls } = recordingApi({});
    expect(failure(await createDispatch({ api, log: () => undefined })(name, {}))?.code).toBe('not_found');
    expect(calls).toEqual([]);
  });

  it.each([
    ['getResults', { runId: 'r1', offset: -1, limit: 10 }, /offset/],
    ['getResults', { runId: 'r1', offset: 0, limit: 100000 }, /limit/],
    ['setApiKey', { provider: 'openai', key: 'x' }, /provider/],
    ['listRuns', { extra: true }, /extra|Unrecognized/i],
    ['pauseBatch', 'r1', /input/],
    ['previewBatch', undefined, /input/],
    ['previewBatch', { file: { kind: 'path', path: '' }, attachments: null }, /file/],
  ])('refuses a bad %s payload with a readable reason', async (command, payload, reason) => {
    const { api, calls } = recordingApi({});
    const error = failure(await createDispatch({ api, log: () => undefined })(command, payload));
    expect(error?.code).toBe('bad_request');
    expect(error?.error).toContain(`Invalid ${command} request`);
    expect(error?.error).toMatch(reason);
    expect(calls).toEqual([]);
  });

  it("runs the transport's input hook and reports its refusal with the refusal's code", async () => {
    const { api, calls } = recordingApi({ startBatch: () => ({ runId: '1' }) });
    const dispatch = createDispatch({
      api,
      input: refuseUploadRefs,
      log: () => undefined,
    });
    const error = failure(
      await dispatch('startBatch', {
        file: { kind: 'upload', id: 'abcdefgh1234' },
        attachments: null,
      }),
    );
    expect(error).toEqual({
      code: 'bad_request',
      error: expect.stringMatching(/file paths/),
    });
    expect(calls).toEqual([]);
    const hooked = createDispatch({
      api,
      input: () => {
        throw new CommandRefused('forbidden', 'not yours');
      },
      log: () => undefined,
    });
    expect(
      failure(
        await hooked('startBatch', {
          file: { kind: 'path', path: '/x.csv' },
          attachments: null,
        }),
      ),
    ).toEqual({ code: 'forbidden', error: 'not yours' });
  });

  it('applies a per-command output hook to the validated output only', async () => {
    const exported = {
      path: '/data/exports/a.csv',
      fileName: 'a.csv',
      bytes: 3,
      rows: 1,
      extra: 'dropped',
    };
    const { api } = recordingApi({ exportResults: () => exported });
    const dispatch = createDispatch({
      api,
      output: {
        exportResults: (o) => ({ ...o, downloadUrl: `/dl/${o.fileName}` }),
      },
      log: () => undefined,
    });
    expect(await dispatch('exportResults', { runId: '1', format: 'csv' })).toEqual({
      ok: true,
      value: {
        path: '/data/exports/a.csv',
        fileName: 'a.csv',
        bytes: 3,
        rows: 1,
        downloadUrl: '/dl/a.csv',
      },
    });
  });

  it('masks configured and key-shaped strings in replies, errors and refusals', async () => {
    const { api } = recordingApi({
      ackAlert: () => ({
        id: 'a1',
        at: 1,
        kind: 'provider_misconfigured',
        provider: 'gemini',
        message: `API key not valid: ${KEY}`,
        acknowledgedAt: null,
        count: 1,
        firstAt: 1,
      }),
      pauseBatch: () => {
        throw new Error(`provider said: API key not valid. Please pass a valid API key. (${GEMINI_SHAPED})`);
      },
    });
    const dispatch = createDispatch({
      api,
      secrets: () => [KEY],
      log: () => undefined,
    });
    const ok = await dispatch('ackAlert', { id: 'a1' });
    expect(JSON.stringify(ok)).not.toContain(KEY);
    expect(ok).toMatchObject({
      ok: true,
      value: { message: `API key not valid: ${REDACTED}` },
    });
    const thrown = failure(await dispatch('pauseBatch', { runId: '1' }));
    expect(thrown?.error).toBe(`provider said: API key not valid. Please pass a valid API key. (${REDACTED})`);
    const refused = failure(
      await dispatch('setApiKey', {
        provider: 'groq',
        key: `${KEY}${'x'.repeat(600)}`,
      }),
    );
    expect(refused?.code).toBe('bad_request');
    expect(JSON.stringify(refused)).not.toContain(KEY);
  });

  it('forwards events parsed by their schema and masked, and drops those outside it', () => {
    const listeners = new Map<string, (p: unknown) => void>();
    const api = {
      on: (e: EventName, fn: (p: unknown) => void) => (listeners.set(e, fn), () => listeners.delete(e)),
    } as Pick<ValidatorApi, 'on'>;
    const got: unknown[] = [];
    const logs: string[] = [];
    const off = forwardEvents(
      api,
      (event, payload) => got.push({ event, payload }),
      (m) => logs.push(m),
      () => [KEY],
    );
    const alert = {
      id: 'a1',
      at: 1,
      kind: 'provider_misconfigured',
      provider: 'groq',
      message: `bad key ${KEY}`,
      acknowledgedAt: null,
      count: 1,
      firstAt: 1,
      secret: KEY,
    };
    listeners.get('alert')?.(alert);
    listeners.get('alert')?.({ id: 3 });
    expect(got).toEqual(
      [
        {
          event: 'alert',
          payload: {
            ...alert,
            message: `bad key ${REDACTED}`,
            secret: undefined,
          },
        },
      ].map((g) => JSON.parse(JSON.stringify(g))),
    );
    expect(logs).toEqual(['events: dropped a alert event outside its schema']);
    off();
    expect(listeners.size).toBe(0);
  });
});
