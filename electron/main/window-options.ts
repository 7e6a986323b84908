// The one BrowserWindow configuration the app uses. Exported so the security settings are asserted by tests
// exactly as they are passed to Electron.
import type { BrowserWindowConstructorOptions, WebPreferences } from 'electron';

export function secureWebPreferences(preloadPath: string): WebPreferences {
  return {
    preload: preloadPath,
    // The renderer is untrusted: isolated world, OS sandbox, no Node, no <webview>.
    contextIsolation: true,
    sandbox: true,
    nodeIntegration: false,
    nodeIntegrationInWorker: false,
    nodeIntegrationInSubFrames: false,
    webviewTag: false,
    webSecurity: true,
    allowRunningInsecureContent: false,
    experimentalFeatures: false,
    // A file dropped outside the drop zone must not navigate the window to file://.
    navigateOnDragDrop: false,
    safeDialogs: true,
    spellcheck: false,
  };
}

export function mainWindowOptions(preloadPath: string): BrowserWindowConstructorOptions {
  return {
    title: 'Event Validator',
    width: 1440,
    height: 900,
    minWidth: 1024,
    minHeight: 680,
    // Shown on 'ready-to-show' so the operator never sees a blank white frame.
    show: false,
    backgroundColor: '#10141a',
    autoHideMenuBar: true,
    webPreferences: secureWebPreferences(preloadPath),
  };
}
