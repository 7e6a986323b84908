// `event-validator simulate --port N [--preset free|tier1] [--time-scale K] [--seed S]`: the provider simulator on its
// own. Its first lines give the base URL and the keys it accepts; it runs until SIGINT/SIGTERM.
import { PRESET_NAMES, type PresetName } from '../providers/simulator/presets';
import { SIM_KEY_PREFIX, startSimulator } from '../providers/simulator/server';

const USAGE = 'usage: event-validator simulate [--port N] [--preset free|tier1] [--time-scale K] [--seed S]';

interface Args {
  port: number;
  preset: PresetName;
  timeScale: number;
  seed: number;
}

export function parseSimulateArgs(argv: string[]): Args | string {
  const args: Args = { port: 0, preset: 'free', timeScale: 1, seed: 1 };
  for (let i = 0; i < argv.length; i++) {
    const flag = argv[i] as string;
    const value = argv[i + 1];
    if (flag === '--help' || flag === '-h') return USAGE;
    if (value === undefined) return `simulate: ${flag} needs a value\n${USAGE}`;
    i++;
    const num = Number(value);
    switch (flag) {
      case '--port':
        if (!Number.isInteger(num) || num < 0 || num > 65535) return `simulate: --port must be an integer 0–65535, got "${value}"`;
        args.port = num;
        break;
      case '--preset':
        if (!PRESET_NAMES.includes(value as PresetName)) return `simulate: --preset must be one of ${PRESET_NAMES.join(', ')}, got "${value}"`;
        args.preset = value as PresetName;
        break;
      case '--time-scale':
        if (!Number.isFinite(num) || num < 0) return `simulate: --time-scale must be a number ≥ 0, got "${value}"`;
        args.timeScale = num;
        break;
      case '--seed':
        if (!Number.isInteger(num)) return `simulate: --seed must be an integer, got "${value}"`;
        args.seed = num;
        break;
      default:
        return `simulate: unknown option "${flag}"\n${USAGE}`;
    }
  }
  return args;
}

export async function main(argv: string[]): Promise<number> {
  const args = parseSimulateArgs(argv);
  if (typeof args === 'string') {
    (args === USAGE ? console.log : console.error)(args);
    return args === USAGE ? 0 : 2;
  }
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
