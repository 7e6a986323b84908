// `event-validator serve [--port N]`: the operator console in any browser, on 127.0.0.1 only.
// The first line of output is the URL with this launch's token; everything else goes to stderr.
import { createApi } from '../api';
import { createHost } from '../host/host';
import { ensureRendererBuilt } from '../host/renderer-build';
import { defaultDataDir } from '../store/data-dir';
import { FileKeyVault } from '../store/file-key-vault';
import { parseArgs, portFlag, reportArgs, value, type CommandSpec, type Flag } from './args';

export const SERVE = {
  command: 'serve',
  summary: 'The operator console on 127.0.0.1: prints the URL with its token first; Ctrl+C stops.',
  prefix: 'serve: ',
  flags: {
    port: portFlag(),
    dataDir: value('--data-dir', 'DIR', 'where the database, exports and key file live (default: the per-user data folder)'),
  },
} satisfies CommandSpec<Record<string, Flag>>;

export async function main(argv: string[]): Promise<number> {
  const parsed = parseArgs(SERVE, argv);
  if (typeof parsed === 'string') return reportArgs(SERVE, parsed);
  const { port } = parsed.values;
  const userDataDir = parsed.values.dataDir ?? defaultDataDir();

  const staticDir = await ensureRendererBuilt((line) => console.error(line));
  const api = await createApi({ userDataDir, vault: new FileKeyVault(userDataDir) });
  const host = await createHost({ api, port, staticDir });
  console.log(host.url);
  console.error(`Serving the console on 127.0.0.1 only (data in ${userDataDir}). Open the URL above; Ctrl+C stops.`);

  await new Promise<void>((resolve) => {
    // A closed terminal (SIGHUP) too: the host removes its uploads folder on the way out.
    for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) process.once(signal, resolve);
  });
  console.error('Stopping…');
  await host.close();
  await api.close();
  return 0;
}
