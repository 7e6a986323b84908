// One IPC command from sender check to reply. Pure: ipc.ts feeds it Electron's events, tests feed it facts.
// Replies are parsed by the command's output schema, so only contract fields ever reach the renderer.
import { COMMANDS, type ValidatorApi } from '../../shared/api';
import { checkSender, IpcRejected, parsePayload, type SenderFacts, type TrustedSender } from './ipc-guard';
import type { IpcReply } from './ipc-wire';
import { redactSecrets } from './redact';

export interface IpcRouterDeps {
  api: ValidatorApi;
  /** The sender the app trusts right now (null while no window is open). */
  trusted: () => TrustedSender | null;
  /** Stored API keys, masked out of any error text that leaves main. */
  secrets: () => Iterable<string>;
  log: (message: string) => void;
}

export type IpcRoute = (sender: SenderFacts, command: string, payload: unknown) => Promise<IpcReply>;

export function createIpcRouter(deps: IpcRouterDeps): IpcRoute {
  return async (sender, command, payload) => {
    try {
      checkSender(sender, deps.trusted());
      const { name, input } = parsePayload(command, payload);
      const run = deps.api[name] as (input: unknown) => Promise<unknown>;
      const value = await run(input);
      const out = COMMANDS[name].output.safeParse(value);
      if (!out.success) {
        deps.log(`ipc: ${name} produced a reply outside its output schema`);
        return { ok: false, error: { code: 'failed', error: `Internal error: the ${name} reply did not match the contract.` } };
      }
      return { ok: true, value: out.data };
    } catch (e) {
      if (e instanceof IpcRejected) {
        deps.log(`ipc: ${command} rejected (${e.code}): ${e.message}`);
        return { ok: false, error: { code: e.code, error: e.message } };
      }
      const message = redactSecrets(e instanceof Error ? e.message : String(e), deps.secrets());
      return { ok: false, error: { code: 'failed', error: message } };
    }
  };
}
