// `event-validator serve [--port N]`: the operator console in any browser, on 127.0.0.1 only.
// The first line of output is the URL with this launch's token; everything else goes to stderr.
import { parseArgs } from 'node:util';
import { createApi } from '../api';
import { createHost } from '../host/host';
import { ensureRendererBuilt } from '../host/renderer-build';
import { defaultDataDir } from '../store/data-dir';
import { FileKeyVault } from '../store/file-key-vault';

const USAGE = 'usage: event-validator serve [--port N] [--data-dir DIR]';

export async function main(argv: string[]): Promise<number> {
  let values: { port?: string; 'data-dir'?: string };
  try {
    ({ values } = parseArgs({ args: argv, options: { port: { type: 'string' }, 'data-dir': { type: 'string' } }, strict: true }));
  } catch (e) {
    console.error(`serve: ${(e as Error).message}\n${USAGE}`);
    return 2;
  }
  const port = values.port === undefined ? 0 : Number(values.port);
  if (!Number.isInteger(port) || port < 0 || port > 65535) {
    console.error(`serve: --port must be a whole number from 0 to 65535, got "${values.port}"\n${USAGE}`);
    return 2;
  }
  const userDataDir = values['data-dir'] ?? defaultDataDir();

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
