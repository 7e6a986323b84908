// `event-validator check-keys [--data-dir DIR] [--json]`: Test connection from the command line (docs/providers.md §8).
// One cheap real request per provider with the stored or env key; prints what each provider answered, never the key.
// Exit 0 when every provider with a key works, 1 when one does not, 2 on bad options.
import { PROVIDER_IDS } from '../../shared/provider';
import { openAppContext } from '../app/context';
import { parseArgs, reportArgs, toggle, value, type CommandSpec, type Flag } from './args';

export const CHECK_KEYS = {
  command: 'check-keys',
  summary: 'Test connection from the command line: one cheap real request per provider with the stored or env key.',
  prefix: 'check-keys: ',
  flags: {
    dataDir: value('--data-dir', 'DIR', 'the data folder whose stored keys to check (default: the per-user one)'),
    json: toggle('--json', 'one JSON object with every report'),
  },
  notes: ['', 'exit codes: 0 every provider with a key works, 1 one does not, 2 bad options'],
} satisfies CommandSpec<Record<string, Flag>>;

export async function main(argv: string[]): Promise<number> {
  const parsed = parseArgs(CHECK_KEYS, argv);
  if (typeof parsed === 'string') return reportArgs(CHECK_KEYS, parsed);
  const { dataDir, json: asJson } = parsed.values;
  const ctx = await openAppContext(dataDir ? { dataDir } : {});
  try {
    const reports = [];
    for (const p of PROVIDER_IDS) reports.push(await ctx.checkConnection(p));
    if (asJson) console.log(JSON.stringify({ simulated: ctx.simulated, reports }));
    else {
      if (ctx.simulated) console.log('No API key is set: checking the built-in simulator (demo mode).');
      for (const r of reports) console.log(`${r.provider}:\n${r.summary.map((l) => `  ${l}`).join('\n')}`);
    }
    const configured = reports.filter((r) => ctx.simulated || ctx.hasKey(r.provider));
    return configured.every((r) => r.keyOk && r.problem === null && r.models.every((m) => m.usable)) ? 0 : 1;
  } finally {
    await ctx.close();
  }
}
