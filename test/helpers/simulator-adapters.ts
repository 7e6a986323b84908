// The real Gemini and Groq SDK adapters pointed at a loopback simulator, built by the app's own buildAdapters in
// simulated mode (its sim- key, the config's models, timeouts and thinking budget), for the benchmark and the tests.
import { buildAdapters } from '../../electron/app/adapters';
import type { ProviderAdapter } from '../../electron/engine/adapter';
import type { Clock } from '../../electron/engine/clock';
import type { Simulator } from '../../electron/providers/simulator/server';
import type { EngineConfig } from '../../shared/config';
import type { ProviderId } from '../../shared/provider';

export function simulatorAdapters(config: EngineConfig, sim: Pick<Simulator, 'baseUrl'>, clock: Clock): Record<ProviderId, ProviderAdapter> {
  const { gemini, groq } = buildAdapters(config, {}, sim.baseUrl, clock);
  if (!gemini || !groq) throw new Error('both providers must be enabled to talk to the simulator');
  return { gemini, groq };
}
