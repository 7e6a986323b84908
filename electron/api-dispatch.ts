// The server side of every transport, written once: Electron IPC (electron/main/ipc-router.ts) and the web host
// (electron/host/host.ts) hand a command name and a payload here and send back the envelope it returns.
// Name check, input parse, the transport's input hook (file references), the call, output parse (only contract
// fields leave), the command's output hook (the web host's download URL), and keys masked out of all of it.
import {
  COMMANDS,
  EVENT_NAMES,
  EVENTS,
  describeZodError,
  isCommandName,
  type ApiErrorBody,
  type CommandName,
  type CommandOutput,
  type EventName,
  type ValidatorApi,
} from '../shared/api';
import type { IpcReply } from '../shared/api-wire';
import { redactDeep, redactSecrets } from './redact';

/** A refusal the transport reports with its code (a bad file reference, an unknown upload). */
export class CommandRefused extends Error {
  override name = 'CommandRefused';
  constructor(
    readonly code: ApiErrorBody['code'],
    message: string,
  ) {
    super(message);
  }
}

export type OutputHooks = {
  [K in CommandName]?: (output: CommandOutput<K>) => CommandOutput<K> | Promise<CommandOutput<K>>;
};

export interface DispatchOptions {
  api: ValidatorApi;
  /** The parsed input as the Api takes it: the web host swaps upload ids for paths, IPC refuses upload ids. */
  input?: (name: CommandName, input: unknown) => unknown | Promise<unknown>;
  /** Per-command additions to a validated output. */
  output?: OutputHooks;
  /** Keys to mask besides those the process already uses (redact.ts remembers those). */
  secrets?: () => Iterable<string>;
  log: (message: string) => void;
}

export type Dispatch = (command: string, payload: unknown) => Promise<IpcReply>;

function refusal(code: ApiErrorBody['code'], error: string): IpcReply {
  return { ok: false, error: { code, error } };
}

export function createDispatch(opts: DispatchOptions): Dispatch {
  const secrets = () => [...(opts.secrets?.() ?? [])];
  return async (command, payload) => {
    if (!isCommandName(command)) return refusal('not_found', `Unknown command "${redactSecrets(command, secrets()).slice(0, 100)}".`);
    const spec = COMMANDS[command];
    const parsed = spec.input.safeParse(payload);
    // zod may quote the bad value (a refused key included): mask it.
    if (!parsed.success) return refusal('bad_request', redactSecrets(`Invalid ${command} request: ${describeZodError(parsed.error)}`, secrets()));
    try {
      const input = opts.input ? await opts.input(command, parsed.data) : parsed.data;
      const run = opts.api[command] as (input: unknown) => Promise<unknown>;
      const out = spec.output.safeParse(await run(input));
      if (!out.success) {
        opts.log(`dispatch: ${command} produced a reply outside its output schema`);
        return refusal('failed', `Internal error: the ${command} reply did not match the contract.`);
      }
      const hook = opts.output?.[command] as ((o: unknown) => unknown) | undefined;
      const value = hook ? await hook(out.data) : out.data;
      return { ok: true, value: redactDeep(value, secrets()) };
    } catch (e) {
      const message = redactSecrets(e instanceof Error ? e.message : String(e), secrets());
      return refusal(e instanceof CommandRefused ? e.code : 'failed', message);
    }
  };
}

/**
 * Every Api event, parsed by its schema (contract fields only) and masked, to one transport's `deliver`.
 * Returns the unsubscribe function.
 */
export function forwardEvents(
  api: Pick<ValidatorApi, 'on'>,
  deliver: (event: EventName, payload: unknown) => void,
  log: (message: string) => void,
  secrets: () => Iterable<string> = () => [],
): () => void {
  const offs = EVENT_NAMES.map((event) =>
    api.on(event, (payload: unknown) => {
      const parsed = EVENTS[event].safeParse(payload);
      if (!parsed.success) {
        log(`events: dropped a ${event} event outside its schema`);
        return;
      }
      deliver(event, redactDeep(parsed.data, secrets()));
    }),
  );
  return () => offs.forEach((off) => off());
}
