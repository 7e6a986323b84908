// Prints the README's configuration table from the env table (electron/app/config-env.ts) and the defaults in shared/config.ts (`npx tsx scripts/config-table.ts`).
// A test compares the README with this output, so the documented defaults can't drift from the code.
import { ENV_VARS } from '../electron/app/config-env';
import { DEFAULT_CONFIG } from '../shared/config';

function valueAt(path: string): unknown {
  return path.split('.').reduce<unknown>((node, key) => (node as Record<string, unknown>)[key], DEFAULT_CONFIG);
}

function show(value: unknown, parse: string): string {
  if (value === undefined) return '(provider default)';
  if (parse === 'seconds') return `${Number(value) / 1000}`;
  if (Array.isArray(value)) return value.join(',');
  if (value === 0 && parse === 'number') return '0 (none)';
  return String(value);
}

export function configTable(): string {
  const rows = ENV_VARS.map((v) => `| \`${v.name}\` | ${show(valueAt(v.path), v.parse)} | ${v.description} |`);
  return ['| env | default | meaning |', '|---|---|---|', ...rows].join('\n');
}

if (import.meta.url === `file://${process.argv[1]}`) console.log(configTable());
