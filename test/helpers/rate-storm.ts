// A 429 storm on Gemini through the real app (createApi on the provider simulator, real SDKs): bare 429s the engine
// cannot explain (each cuts the rate), then one whose body names a TPM limit (a cap), while the sample batch runs.
// Recovery is slowed so the cut is still there when the test looks (docs/console.md §15).
import { join, resolve } from 'node:path';
import type { ApiService } from '../../electron/api';
import type { Simulator } from '../../electron/providers/simulator/server';

const SAMPLE = resolve('test/fixtures/sample');

/** The TPM limit the scripted 429 body names (the simulator's gemini-quota-multi-minute fault). */
export const NAMED_TPM = 125_000;

/** The env that points the app at the simulator, with its keys. */
export function simulatorEnv(sim: Simulator): Record<string, string> {
  return { GEMINI_API_KEY: sim.keys.gemini, GROQ_API_KEY: sim.keys.groq, GEMINI_BASE_URL: sim.baseUrl, GROQ_BASE_URL: sim.baseUrl };
}

/** Runs the sample batch through the storm; resolves once it finished, with the run's id. */
export async function stormGemini(sim: Simulator, api: ApiService): Promise<string> {
  await api.updateConfig({ patch: { providers: { gemini: { aimd: { cleanCallsToIncrease: 1_000 } } } }, reason: 'slow recovery for the test' });
  sim.control.script({ provider: 'gemini', responses: [{ fault: 'gemini-quota-bare', times: 4 }, { fault: 'gemini-quota-multi-minute' }] });
  const finished = new Promise<void>((done) => {
    const off = api.on('progress', (p) => {
      if (p.state === 'finished') {
        off();
        done();
      }
    });
  });
  const { runId } = await api.startBatch({
    file: { kind: 'path', path: join(SAMPLE, 'batch.csv') },
    attachments: { kind: 'path', path: join(SAMPLE, 'attachments') },
  });
  await finished;
  return runId;
}
