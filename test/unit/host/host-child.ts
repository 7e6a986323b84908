// A web host in a process of its own, for the load test: the test Api behind it, the limits and caps given as JSON in
// argv[2]. Prints {"port","token"} once listening; answers "rss" messages over the IPC channel with its RSS and
// retained heap + external bytes (after a GC).
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { createHost, type HostOptions } from '../../../electron/host/host';
import { testApi } from './host-api';

const options = JSON.parse(process.argv[2] ?? '{}') as Pick<HostOptions, 'limits' | 'uploadCaps'>;
const staticDir = await mkdtemp(path.join(tmpdir(), 'host-child-static-'));
const host = await createHost({ api: testApi().api, port: 0, staticDir, ...options, log: () => undefined });
process.on('message', (msg) => {
  if (msg !== 'rss') return;
  (globalThis as { gc?: () => void }).gc?.();
  const m = process.memoryUsage();
  process.send?.({ rss: m.rss, retained: m.heapUsed + m.external });
});
process.once('disconnect', () => void host.close().then(() => process.exit(0)));
console.log(JSON.stringify({ port: host.port, token: host.token }));
