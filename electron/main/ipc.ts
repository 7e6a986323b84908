// Wires the IPC router to ipcMain: one `api:<command>` handler per command of the contract.
import { ipcMain, type IpcMainInvokeEvent } from 'electron';
import { COMMAND_NAMES } from '../../shared/api';
import type { SenderFacts } from './ipc-guard';
import type { IpcRoute } from './ipc-router';
import { commandChannel } from '../../shared/api-wire';

function frameUrl(event: IpcMainInvokeEvent): string | null {
  try {
    return event.senderFrame?.url ?? null;
  } catch {
    return null; // the frame was disposed while the message was in flight
  }
}

export function senderFacts(event: IpcMainInvokeEvent): SenderFacts {
  const frame = event.senderFrame;
  return { webContentsId: event.sender.id, frameUrl: frameUrl(event), isMainFrame: frame !== null && frame.parent === null };
}

/** Registers a handler per command; returns the function that removes them all. */
export function registerIpc(route: IpcRoute): () => void {
  for (const name of COMMAND_NAMES) {
    ipcMain.handle(commandChannel(name), (event, payload: unknown) => route(senderFacts(event), name, payload));
  }
  return () => COMMAND_NAMES.forEach((name) => ipcMain.removeHandler(commandChannel(name)));
}
