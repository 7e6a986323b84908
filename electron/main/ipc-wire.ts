// The IPC wire between main and the preload: channel names and the reply envelope. Commands reply with an
// envelope instead of throwing, so the operator gets main's message verbatim (ipcRenderer.invoke would
// otherwise prefix "Error invoking remote method ..." and drop the error code).
import type { ApiErrorBody, CommandName, EventName } from '../../shared/api';

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
