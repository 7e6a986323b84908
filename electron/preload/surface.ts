// What the preload puts on `window` (PRELOAD_GLOBALS): exactly the ValidatorApi, built from the contract's
// command map over an injected invoke so tests build it without Electron, plus the file-path bridge.
import { EVENT_NAMES, type EventName, type PreloadFiles, type ValidatorApi } from '../../shared/api';
import { commandChannel, commandsOver, type EventMessage, type IpcReply } from '../../shared/api-wire';

export type Invoke = (channel: string, payload: unknown) => Promise<unknown>;
/** Registers the single listener for main's event pushes. */
export type ListenEvents = (listener: (message: EventMessage) => void) => void;

export function buildValidatorApi(invoke: Invoke, listen: ListenEvents): ValidatorApi {
  const commands = commandsOver(async (name, input) => {
    const reply = (await invoke(commandChannel(name), input)) as IpcReply;
    if (reply.ok) return reply.value;
    // Only the message survives contextBridge; main wrote it for the operator.
    throw new Error(reply.error.error);
  });

  const listeners = new Map<EventName, Set<(payload: unknown) => void>>(EVENT_NAMES.map((e) => [e, new Set()]));
  listen((message) => {
    for (const fn of listeners.get(message.event) ?? []) {
      try {
        fn(message.payload);
      } catch (e) {
        console.error(`validator: a ${message.event} listener threw`, e);
      }
    }
  });

  return {
    ...commands,
    on(event, fn) {
      const set = listeners.get(event);
      if (!set) throw new Error(`Unknown event "${String(event)}".`);
      if (typeof fn !== 'function') throw new Error(`The ${event} listener must be a function.`);
      const listener = fn as (payload: unknown) => void;
      set.add(listener);
      return () => {
        set.delete(listener);
      };
    },
  } satisfies ValidatorApi;
}

/** The file-path bridge over an injected getPathForFile (webUtils' in the preload). */
export function buildPreloadFiles(getPathForFile: (file: File) => string): PreloadFiles {
  return {
    pathForFile(file) {
      try {
        // '' means the File is not on disk (built in memory); callers treat that as "no path".
        return getPathForFile(file as File);
      } catch {
        throw new Error('pathForFile needs a File from a drop or a file input.');
      }
    },
  };
}
