// The wire beside the contract: the IPC channel names between main and the preload, the reply envelope every
// transport's dispatch produces, and the one way a client turns "call this command" into a ValidatorApi.
// Commands reply with an envelope instead of throwing, so the operator gets main's message verbatim
// (ipcRenderer.invoke would otherwise prefix "Error invoking remote method ..." and drop the error code).
import { COMMAND_NAMES, type ApiErrorBody, type CommandName, type EventName, type ValidatorApi } from './api';

export const COMMAND_CHANNEL_PREFIX = 'api:';
/** main → renderer pushes; the payload is an {@link EventMessage}. */
export const EVENT_CHANNEL = 'api-event';

export function commandChannel(name: CommandName): string {
  return `${COMMAND_CHANNEL_PREFIX}${name}`;
}

export type IpcReply = { ok: true; value: unknown } | { ok: false; error: ApiErrorBody };

export interface EventMessage {
  event: EventName;
  payload: unknown;
}

/** Sends one command over a transport and resolves with its output, or rejects with the operator's message. */
export type CommandCall = (name: CommandName, input: unknown) => Promise<unknown>;

export type ApiCommands = Omit<ValidatorApi, 'on'>;

/** Every command of the contract over one transport call: the preload and the web client both build on this. */
export function commandsOver(call: CommandCall): ApiCommands {
  return Object.fromEntries(COMMAND_NAMES.map((name) => [name, (input: unknown) => call(name, input)])) as unknown as ApiCommands;
}
