// `event-validator <command>`: the headless main job. Each command lives in electron/cli/<command>.ts.
import { maskWrites } from './redact';

// Whatever a command prints (provider messages included) passes the key mask first.
maskWrites(process.stdout);
maskWrites(process.stderr);

const COMMANDS: Record<string, { summary: string; load: () => Promise<{ main(argv: string[]): Promise<number> }> }> = {
  validate: {
    summary: 'validate BATCH.csv|xlsx --attachments DIR [--out FILE] [--db FILE] [--threshold N] [--resume [RUN]] [--json] [--distributed]',
    load: () => import('./cli/validate'),
  },
  plan: {
    summary: 'plan BATCH.csv|xlsx --attachments DIR [--db FILE] [--config FILE …] [--seeds N] [--json]: predict time, calls and 429s',
    load: () => import('./cli/plan'),
  },
  serve: {
    summary: 'serve [--port N] [--data-dir DIR]: the operator console on 127.0.0.1 (prints the URL with its token first)',
    load: () => import('./cli/serve'),
  },
  worker: {
    summary: 'worker [--attachments DIR] [--db FILE] [--concurrency N]: a fleet worker for validate --distributed (needs REDIS_URL)',
    load: () => import('./cli/worker'),
  },
  'check-keys': {
    summary: 'check-keys [--data-dir DIR] [--json]: one cheap real request per provider (Test connection)',
    load: () => import('./cli/check-keys'),
  },
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
