// A recording Api for transport tests: only the commands a test names answer; any other call fails the test, so a
// transport that calls what it should not is caught.
import type { ValidatorApi } from '../../shared/api';

export type Handlers = Partial<Record<keyof ValidatorApi, (input: unknown) => unknown>>;

export function recordingApi(handlers: Handlers): { api: ValidatorApi; calls: { name: string; input: unknown }[] } {
  const calls: { name: string; input: unknown }[] = [];
  const api = new Proxy({} as ValidatorApi, {
    get: (_t, name: string) => async (input: unknown) => {
      calls.push({ name, input });
      const h = handlers[name as keyof ValidatorApi];
      if (!h) throw new Error(`unexpected call ${name}`);
      return h(input);
    },
  });
  return { api, calls };
}
