// The BrowserWindow settings the app really passes to Electron.
import { describe, expect, it } from 'vitest';
import { mainWindowOptions, secureWebPreferences } from '../../../electron/main/window-options';

describe('main window security settings', () => {
  const prefs = secureWebPreferences('/app/out/preload/index.cjs');

  it('isolates and sandboxes the renderer without Node or webviews', () => {
    expect(prefs).toMatchObject({
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      nodeIntegrationInWorker: false,
      nodeIntegrationInSubFrames: false,
      webviewTag: false,
      webSecurity: true,
      allowRunningInsecureContent: false,
      experimentalFeatures: false,
      navigateOnDragDrop: false,
    });
  });

  it('loads the CommonJS preload the sandbox requires', () => {
    expect(prefs.preload).toMatch(/\.cjs$/);
  });

  it('the window uses exactly these preferences and starts hidden until ready', () => {
    const options = mainWindowOptions('/app/out/preload/index.cjs');
    expect(options.webPreferences).toEqual(prefs);
    expect(options.show).toBe(false);
  });
});
