// `event-validator <command>`: the headless main job. Each command lives in electron/cli/<command>.ts.
const COMMANDS: Record<string, { summary: string; load: () => Promise<{ main(argv: string[]): Promise<number> }> }> = {
  validate: { summary: 'validate BATCH.csv|xlsx --attachments DIR [--out FILE] [--db FILE] [--threshold N] [--resume [RUN]] [--json]', load: () => import('./cli/validate') },
  serve: { summary: 'serve [--port N] [--data-dir DIR]: the operator console on 127.0.0.1 (prints the URL with its token first)', load: () => import('./cli/serve') },
  'check-keys': { summary: 'check-keys [--data-dir DIR] [--json]: one cheap real request per provider (Test connection)', load: () => import('./cli/check-keys') },
  simulate: { summary: 'simulate --port N [--preset free|tier1] [--time-scale K]: the provider simulator', load: () => import('./cli/simulate') },
};

function usage(): string {
  return ['usage: event-validator <command> [options]', '', ...Object.entries(COMMANDS).map(([n, c]) => `  ${n.padEnd(10)} ${c.summary}`)].join('\n');
}

async function run(argv: string[]): Promise<number> {
  const [name, ...rest] = argv;
  if (!name || name === '--help' || name === '-h') {
    console.log(usage());
    return name ? 0 : 2;
  }
  const command = COMMANDS[name];
  if (!command) {
    console.error(`event-validator: unknown command "${name}"\n\n${usage()}`);
    return 2;
  }
  return (await command.load()).main(rest);
}

process.exitCode = await run(process.argv.slice(2));

export {};
