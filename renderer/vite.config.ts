// Builds the renderer for both hosts: Electron (app:// protocol) and the web host. Output: out/renderer.
// (Vite defines import.meta.dirname for config files; this folder's lint bans Node imports.)
import { defineConfig } from 'vite';
import react from '@vitejs/plugin-react';

export default defineConfig({
  root: import.meta.dirname,
  base: './',
  plugins: [react()],
  build: {
    outDir: '../out/renderer',
    emptyOutDir: true,
    // No inline scripts: the CSP allows 'self' only.
    modulePreload: { polyfill: false },
    chunkSizeWarningLimit: 1500,
  },
});
