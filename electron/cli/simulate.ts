// `event-validator simulate --port N [--preset free|tier1] [--time-scale K] [--seed S]`: the provider simulator on its
// own. Its first lines give the base URL and the keys it accepts; it runs until SIGINT/SIGTERM.
import { PRESET_NAMES, type PresetName } from '../providers/simulator/presets';
import { SIM_KEY_PREFIX, startSimulator } from '../providers/simulator/server';
import { ArgError, numberIn, parseArgs, portFlag, reportArgs, value, type CommandSpec, type Flag, type Values } from './args';

export const SIMULATE = {
  command: 'simulate',
  summary: 'The provider simulator on its own; its first lines give the base URL and the keys it accepts.',
  prefix: 'simulate: ',
  flags: {
    port: portFlag(),
    preset: value('--preset', PRESET_NAMES.join('|'), 'the quota tier it enforces', {
      parse: (v, name): PresetName => {
        if (!PRESET_NAMES.includes(v as PresetName)) throw new ArgError(`${name} must be one of ${PRESET_NAMES.join(', ')}, got "${v}"`);
        return v as PresetName;
      },
      default: 'free' as PresetName,
    }),
    timeScale: value('--time-scale', 'K', 'latency multiplier (1 = real latencies)', {
      parse: numberIn((n) => Number.isFinite(n) && n >= 0, 'a number ≥ 0'),
      default: 1,
    }),
    seed: value('--seed', 'S', 'seed of its random latencies and faults', { parse: numberIn(Number.isInteger, 'an integer'), default: 1 }),
  },
} satisfies CommandSpec<Record<string, Flag>>;

export function parseSimulateArgs(argv: string[]): Values<typeof SIMULATE.flags> | string {
  const parsed = parseArgs(SIMULATE, argv);
  return typeof parsed === 'string' ? parsed : parsed.values;
}

export async function main(argv: string[]): Promise<number> {
  const args = parseSimulateArgs(argv);
  if (typeof args === 'string') return reportArgs(SIMULATE, args);
  const sim = await startSimulator({ port: args.port, preset: args.preset, timeScale: args.timeScale, seed: args.seed });
  console.log(`simulator listening on ${sim.baseUrl}`);
  console.log(`keys: gemini=${sim.keys.gemini} groq=${sim.keys.groq} (any key that starts with "${SIM_KEY_PREFIX}" is accepted)`);
  console.log(`preset ${args.preset}, time scale ${args.timeScale}; control API at ${sim.baseUrl}/__sim/info`);
  await new Promise<void>((resolve) => {
    process.once('SIGINT', resolve);
    process.once('SIGTERM', resolve);
  });
  await sim.close();
  return 0;
}
