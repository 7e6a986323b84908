// The one place that knows which platform we run on: Electron's preload globals, else the web host.
import { PRELOAD_GLOBALS, type PreloadFiles, type ValidatorApi } from '../../shared/api';
import { electronPlatform } from './electron';
import type { Platform } from './types';
import { webPlatform } from './web';

function pick(): Platform {
  const globals = window as unknown as Record<string, unknown>;
  const api = globals[PRELOAD_GLOBALS.api] as ValidatorApi | undefined;
  const files = globals[PRELOAD_GLOBALS.files] as PreloadFiles | undefined;
  return api && files ? electronPlatform(api, files) : webPlatform();
}

export const platform: Platform = pick();
export const api: ValidatorApi = platform.api;
export type { PickedFolder, Platform } from './types';
