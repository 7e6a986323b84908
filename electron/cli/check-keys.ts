// `event-validator check-keys [--data-dir DIR] [--json]`: Test connection from the command line (docs/providers.md §8).
// One cheap real request per provider with the stored or env key; prints what each provider answered, never the key.
// Exit 0 when every provider with a key works, 1 when one does not, 2 on bad options.
import { PROVIDER_IDS } from '../../shared/provider';
import { openAppContext } from '../app/context';

const USAGE = 'usage: event-validator check-keys [--data-dir DIR] [--json]';

export async function main(argv: string[]): Promise<number> {
  let dataDir: string | undefined;
  let asJson = false;
  for (let i = 0; i < argv.length; i++) {
    const flag = argv[i];
    if (flag === '--help' || flag === '-h') {
      console.log(USAGE);
      return 0;
    }
    if (flag === '--json') asJson = true;
    else if (flag === '--data-dir' && argv[i + 1] !== undefined) dataDir = argv[++i];
    else {
      console.error(`check-keys: ${flag === '--data-dir' ? '--data-dir needs a value' : `unknown option "${flag}"`}\n${USAGE}`);
      return 2;
    }
  }
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
