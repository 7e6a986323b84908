// Trust no sender and no payload (docs/security.md). Pure functions, unit-tested without Electron:
// ipc.ts turns an IpcMainInvokeEvent into SenderFacts and calls these before any command runs.
import type { CommandName } from '../../shared/api';
import { CommandRefused } from '../api-dispatch';
import { originOf } from './app-origin';

/** What main knows about who sent an IPC message. */
export interface SenderFacts {
  /** Id of the WebContents that sent it. */
  webContentsId: number;
  /** URL of the sending frame; null once the frame navigated away or was destroyed. */
  frameUrl: string | null;
  /** True only for the top-level frame of that WebContents. */
  isMainFrame: boolean;
}

/** The one sender the app trusts: its window's main frame showing the app's own origin. */
export interface TrustedSender {
  webContentsId: number;
  origin: string;
}

/** True when `url` is on exactly `expectedOrigin` (scheme, host and port). */
export function isTrustedOrigin(url: string | null, expectedOrigin: string): boolean {
  return url !== null && originOf(url) === expectedOrigin;
}

/** Throws CommandRefused ('forbidden') unless the message comes from the trusted window's main frame on our origin. */
export function checkSender(sender: SenderFacts, trusted: TrustedSender | null): void {
  if (!trusted) throw new CommandRefused('forbidden', 'IPC refused: the app window is not open.');
  if (sender.webContentsId !== trusted.webContentsId) {
    throw new CommandRefused('forbidden', `IPC refused: sender ${sender.webContentsId} is not the app window.`);
  }
  if (!sender.isMainFrame) throw new CommandRefused('forbidden', 'IPC refused: the sender is a subframe, not the app page.');
  if (sender.frameUrl === null) throw new CommandRefused('forbidden', 'IPC refused: the sending frame is gone.');
  if (!isTrustedOrigin(sender.frameUrl, trusted.origin)) {
    throw new CommandRefused('forbidden', `IPC refused: origin ${originOf(sender.frameUrl) ?? 'unknown'} is not ${trusted.origin}.`);
  }
}

function hasUploadRef(v: unknown): boolean {
  if (Array.isArray(v)) return v.some(hasUploadRef);
  if (typeof v !== 'object' || v === null) return false;
  return (v as { kind?: unknown }).kind === 'upload' || Object.values(v).some(hasUploadRef);
}

/** The IPC input hook: upload refs belong to the web host; the desktop app gets real paths from the preload's pathForFile. */
export function refuseUploadRefs(name: CommandName, input: unknown): unknown {
  if (hasUploadRef(input)) throw new CommandRefused('bad_request', `Invalid ${name} request: the desktop app takes file paths, not upload ids.`);
  return input;
}
