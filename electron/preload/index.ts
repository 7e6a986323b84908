// Sandboxed preload (bundled to CommonJS): exposes the Api and the file-path bridge, nothing else. The
// renderer never sees ipcRenderer itself, so it can reach only the contract's channels.
import { contextBridge, ipcRenderer, webUtils } from 'electron';
import { PRELOAD_GLOBALS } from '../../shared/api';
import { EVENT_CHANNEL, type EventMessage } from '../../shared/api-wire';
import { buildPreloadFiles, buildValidatorApi } from './surface';

const api = buildValidatorApi(
  (channel, payload) => ipcRenderer.invoke(channel, payload),
  (listener) => {
    ipcRenderer.on(EVENT_CHANNEL, (_event, message: EventMessage) => listener(message));
  },
);

contextBridge.exposeInMainWorld(PRELOAD_GLOBALS.api, api);
contextBridge.exposeInMainWorld(
  PRELOAD_GLOBALS.files,
  buildPreloadFiles((file) => webUtils.getPathForFile(file)),
);
