// Where the headless app keeps its database and key file when no --db is given.
// Electron uses app.getPath('userData') instead; both end up in a per-user folder, never in the repo.
import { homedir } from 'node:os';
import { join } from 'node:path';

export function defaultDataDir(env: Record<string, string | undefined> = process.env): string {
  if (env.EVENT_VALIDATOR_HOME) return env.EVENT_VALIDATOR_HOME;
  if (process.platform === 'win32') return join(env.APPDATA ?? join(homedir(), 'AppData', 'Roaming'), 'event-validator');
  if (process.platform === 'darwin') return join(homedir(), 'Library', 'Application Support', 'event-validator');
  return join(env.XDG_DATA_HOME ?? join(homedir(), '.local', 'share'), 'event-validator');
}
