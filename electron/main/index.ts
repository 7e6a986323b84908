// Electron main entry (electron-vite: out/main/index.js): the desktop shell around the one Api.
import { createApi } from '../api';
import { runDesktopApp } from './desktop-app';

runDesktopApp((ctx) => createApi(ctx));
