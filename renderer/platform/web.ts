// The web-host client: the ValidatorApi over fetch + one WebSocket, and uploads for files and folders.
// The host set an HttpOnly token cookie when the page was opened, so same-origin requests are authorised.
import type { ApiErrorBody, CommandInput, CommandName, CommandOutput, EventName, EventPayload, FileRef, ValidatorApi } from '../../shared/api';
import type { Platform, PickedFolder, Progress } from './types';

const PARALLEL_UPLOADS = 4;

async function reply<T>(res: Response): Promise<T> {
  const body = (await res.json().catch(() => null)) as (T & Partial<ApiErrorBody>) | null;
  if (!res.ok) throw new Error(body?.error ?? `${res.status} ${res.statusText}`);
  return body as T;
}

function call<K extends CommandName>(name: K, input: CommandInput<K>): Promise<CommandOutput<K>> {
  return fetch(`/api/${name}`, {
    method: 'POST',
    credentials: 'same-origin',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(input),
  }).then((res) => reply<CommandOutput<K>>(res));
}

type Listener = (payload: unknown) => void;

/** One WebSocket for all subscriptions, reconnecting with backoff while anyone listens. */
function eventStream() {
  const listeners = new Map<EventName, Set<Listener>>();
  let socket: WebSocket | null = null;
  let retryMs = 500;
  let retryTimer: ReturnType<typeof setTimeout> | undefined;

  function connect() {
    const ws = new WebSocket(`${location.protocol === 'https:' ? 'wss' : 'ws'}://${location.host}/api/events`);
    socket = ws;
    ws.onopen = () => (retryMs = 500);
    ws.onmessage = (m) => {
      const { event, payload } = JSON.parse(String(m.data)) as { event: EventName; payload: unknown };
      listeners.get(event)?.forEach((fn) => fn(payload));
    };
    ws.onclose = () => {
      socket = null;
      if ([...listeners.values()].some((s) => s.size > 0)) {
        retryTimer = setTimeout(connect, retryMs);
        retryMs = Math.min(retryMs * 2, 5_000);
      }
    };
  }

  return function on<E extends EventName>(event: E, fn: (payload: EventPayload<E>) => void): () => void {
    const set = listeners.get(event) ?? new Set<Listener>();
    listeners.set(event, set);
    set.add(fn as Listener);
    if (!socket && retryTimer === undefined) connect();
    return () => {
      set.delete(fn as Listener);
      if ([...listeners.values()].every((s) => s.size === 0)) {
        clearTimeout(retryTimer);
        retryTimer = undefined;
        socket?.close();
        socket = null;
      }
    };
  };
}

export function webApi(): ValidatorApi {
  const api = {
    previewBatch: (i) => call('previewBatch', i),
    startBatch: (i) => call('startBatch', i),
    pauseBatch: (i) => call('pauseBatch', i),
    resumeBatch: (i) => call('resumeBatch', i),
    cancelBatch: (i) => call('cancelBatch', i),
    rerunUndetermined: (i) => call('rerunUndetermined', i),
    listRuns: (i) => call('listRuns', i),
    getResults: (i) => call('getResults', i),
    getSubmission: (i) => call('getSubmission', i),
    exportResults: (i) => call('exportResults', i),
    resetBreaker: (i) => call('resetBreaker', i),
    forceOpenBreaker: (i) => call('forceOpenBreaker', i),
    pauseProvider: (i) => call('pauseProvider', i),
    getConfig: (i) => call('getConfig', i),
    updateConfig: (i) => call('updateConfig', i),
    getRules: (i) => call('getRules', i),
    updateRules: (i) => call('updateRules', i),
    getKeyStatus: (i) => call('getKeyStatus', i),
    setApiKey: (i) => call('setApiKey', i),
    readAuditLog: (i) => call('readAuditLog', i),
    listAlerts: (i) => call('listAlerts', i),
    ackAlert: (i) => call('ackAlert', i),
    getSnapshot: (i) => call('getSnapshot', i),
    getTelemetryHistory: (i) => call('getTelemetryHistory', i),
    on: eventStream(),
  } satisfies ValidatorApi;
  return api;
}

async function upload(url: string, file: File): Promise<unknown> {
  return reply(await fetch(url, { method: 'POST', credentials: 'same-origin', body: file }));
}

export function webPlatform(): Platform {
  return {
    api: webApi(),
    async refForFile(file: File, onProgress?: Progress): Promise<FileRef> {
      const { id } = (await upload(`/api/upload?name=${encodeURIComponent(file.name)}`, file)) as { id: string };
      onProgress?.(file.size, file.size);
      return { kind: 'upload', id };
    },
    async refForFolder(folder: PickedFolder, onProgress?: Progress): Promise<FileRef> {
      const files = await folder.files();
      const { id } = (await reply(await fetch('/api/upload-folder', { method: 'POST', credentials: 'same-origin' }))) as { id: string };
      let next = 0;
      let done = 0;
      const worker = async () => {
        while (next < files.length) {
          const item = files[next++];
          if (!item) break;
          await upload(`/api/upload-folder/${id}?path=${encodeURIComponent(item.relativePath)}`, item.file);
          onProgress?.(++done, files.length);
        }
      };
      await Promise.all(Array.from({ length: PARALLEL_UPLOADS }, worker));
      return { kind: 'upload', id };
    },
  };
}
