// One IPC command from sender check to reply. Pure: ipc.ts feeds it Electron's events, tests feed it facts.
// After the sender check everything is the shared dispatch (electron/api-dispatch.ts), as for the web host.
import type { ValidatorApi } from '../../shared/api';
import type { IpcReply } from '../../shared/api-wire';
import { CommandRefused, createDispatch } from '../api-dispatch';
import { checkSender, refuseUploadRefs, type SenderFacts, type TrustedSender } from './ipc-guard';

export interface IpcRouterDeps {
  api: ValidatorApi;
  /** The sender the app trusts right now (null while no window is open). */
  trusted: () => TrustedSender | null;
  /** Stored API keys, masked out of any text that leaves main. */
  secrets: () => Iterable<string>;
  log: (message: string) => void;
}

export type IpcRoute = (sender: SenderFacts, command: string, payload: unknown) => Promise<IpcReply>;

export function createIpcRouter(deps: IpcRouterDeps): IpcRoute {
  const dispatch = createDispatch({ api: deps.api, input: refuseUploadRefs, secrets: deps.secrets, log: (m) => deps.log(`ipc: ${m}`) });
  return async (sender, command, payload) => {
    try {
      checkSender(sender, deps.trusted());
    } catch (e) {
      if (!(e instanceof CommandRefused)) throw e;
      deps.log(`ipc: ${command.slice(0, 100)} rejected (${e.code}): ${e.message}`);
      return { ok: false, error: { code: e.code, error: e.message } };
    }
    return dispatch(command, payload);
  };
}
