// Child process for concurrent-open.test.ts: for each database path read from stdin, open the store (which
// migrates a new file), close it, and answer one line: "ok" or "error: <message>".
import { createInterface } from 'node:readline';
import { openStore } from '../../../electron/store/store';

for await (const file of createInterface({ input: process.stdin })) {
  try {
    openStore(file).close();
    process.stdout.write('ok\n');
  } catch (e) {
    process.stdout.write(`error: ${(e as Error).message}\n`);
  }
}
