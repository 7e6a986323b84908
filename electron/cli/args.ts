// The CLI's one argument parser: each command declares its flags (type, repeatable, required, default, help text)
// and gets both its parsed options and its `--help` from that declaration. Flags come as `--name VALUE`; a value
// that starts with `--` is taken for the next flag, so a forgotten value is named instead of swallowing a flag.

/** A refused argument; `withUsage` appends the command's usage line (structural mistakes, not out-of-range values). */
export class ArgError extends Error {
  override readonly name = 'ArgError';
  constructor(
    message: string,
    readonly withUsage = false,
  ) {
    super(message);
  }
}

interface FlagBase {
  readonly name: `--${string}`;
  readonly help: string;
}
/** `--json`: present or not. */
export interface Toggle extends FlagBase {
  readonly kind: 'toggle';
}
/** `--db FILE`: one value (the last one given wins). `T` includes undefined unless the flag has a default or is required. */
export interface Value<T> extends FlagBase {
  readonly kind: 'value';
  readonly placeholder: string;
  readonly parse: (v: string, name: string) => T;
  readonly fallback?: T;
  readonly required: boolean;
}
/** `--config FILE …`: repeatable, every value in order. */
export interface List<T> extends FlagBase {
  readonly kind: 'list';
  readonly placeholder: string;
  readonly parse: (v: string, name: string) => T;
}
/** `--resume [RUN]`: the next argument is its value only when `accepts` it; undefined absent, null given bare. */
export interface Optional<T> extends FlagBase {
  readonly kind: 'optional';
  readonly placeholder: string;
  readonly accepts: (v: string) => boolean;
  readonly parse: (v: string, name: string) => T;
}
export type Flag = Toggle | Value<unknown> | List<unknown> | Optional<unknown>;

type Parse<T> = (v: string, name: string) => T;
const text: Parse<string> = (v) => v;

export const toggle = (name: `--${string}`, help: string): Toggle => ({ kind: 'toggle', name, help });

export function value(name: `--${string}`, placeholder: string, help: string): Value<string | undefined>;
export function value<T>(name: `--${string}`, placeholder: string, help: string, o: { parse: Parse<T>; default: T }): Value<T>;
export function value<T = string>(name: `--${string}`, placeholder: string, help: string, o: { parse?: Parse<T>; required: true }): Value<T>;
export function value<T>(name: `--${string}`, placeholder: string, help: string, o: { parse: Parse<T> }): Value<T | undefined>;
export function value<T>(
  name: `--${string}`,
  placeholder: string,
  help: string,
  o: { parse?: Parse<T>; default?: T; required?: boolean } = {},
): Value<T | undefined> {
  return {
    kind: 'value',
    name,
    placeholder,
    help,
    parse: o.parse ?? (text as Parse<T>),
    required: o.required ?? false,
    ...('default' in o ? { fallback: o.default } : {}),
  };
}

export function list(name: `--${string}`, placeholder: string, help: string): List<string>;
export function list<T>(name: `--${string}`, placeholder: string, help: string, parse: Parse<T>): List<T>;
export function list<T>(name: `--${string}`, placeholder: string, help: string, parse?: Parse<T>): List<T> {
  return { kind: 'list', name, placeholder, help, parse: parse ?? (text as Parse<T>) };
}

export const optional = <T>(
  name: `--${string}`,
  placeholder: string,
  help: string,
  accepts: (v: string) => boolean,
  parse: Parse<T>,
): Optional<T> => ({
  kind: 'optional',
  name,
  placeholder,
  help,
  accepts,
  parse,
});

/** A numeric value checked by `ok`; the refusal says what it must be (`mustBe`) and, unless `got` is false, what it got. */
export const numberIn =
  (ok: (n: number) => boolean, mustBe: string, o: { got?: boolean; usage?: boolean } = {}): Parse<number> =>
  (v, name) => {
    const n = Number(v);
    if (v.trim() === '' || !ok(n)) throw new ArgError(`${name} must be ${mustBe}${o.got === false ? '' : `, got "${v}"`}`, o.usage);
    return n;
  };

/** `--port N` of a command that listens on 127.0.0.1 (serve, simulate). */
export const portFlag = (): Value<number> =>
  value('--port', 'N', 'the loopback port (0: any free one)', {
    parse: numberIn((n) => Number.isInteger(n) && n >= 0 && n <= 65535, 'a whole number from 0 to 65535'),
    default: 0,
  });

export interface CommandSpec<F extends Record<string, Flag>> {
  /** `validate`, `worker`, …: the usage line says `event-validator <command>`. */
  readonly command: string;
  /** One line on what the command does, under the usage line of `--help`. */
  readonly summary: string;
  /** Put before every refusal (`worker: `); empty for commands whose messages stand alone. */
  readonly prefix: string;
  /** One positional argument (`BATCH.csv|xlsx`) and what it is, for "only one batch file, got …". */
  readonly positional?: { readonly placeholder: string; readonly noun: string; readonly help: string };
  readonly flags: F;
  /** Extra lines at the end of `--help` (environment the command needs, how the forms combine). */
  readonly notes?: readonly string[];
}

type Parsed<X> = X extends Toggle
  ? boolean
  : X extends List<infer T>
    ? T[]
    : X extends Optional<infer T>
      ? T | null | undefined
      : X extends Value<infer T>
        ? T
        : never;
export type Values<F extends Record<string, Flag>> = { -readonly [K in keyof F]: Parsed<F[K]> };
export interface ParsedArgs<F extends Record<string, Flag>> {
  values: Values<F>;
  /** The positional argument, null when none was given. */
  positional: string | null;
}

const shape = (f: Flag): string => {
  if (f.kind === 'toggle') return f.name;
  if (f.kind === 'optional') return `${f.name} [${f.placeholder}]`;
  return `${f.name} ${f.placeholder}${f.kind === 'list' ? ' …' : ''}`;
};

/** The one-line usage, appended to structural refusals. */
export function usageLine(spec: CommandSpec<Record<string, Flag>>): string {
  const parts = Object.values(spec.flags).map((f) => (f.kind === 'value' && f.required ? shape(f) : `[${shape(f)}]`));
  return ['usage: event-validator', spec.command, ...(spec.positional ? [spec.positional.placeholder] : []), ...parts].join(' ');
}

/** `--help`: the usage line, the summary, one line per flag, the notes. */
export function helpText(spec: CommandSpec<Record<string, Flag>>): string {
  const rows: Array<[string, string]> = [
    ...(spec.positional ? [[spec.positional.placeholder, spec.positional.help] as [string, string]] : []),
    ...Object.values(spec.flags).map((f): [string, string] => {
      const fallback = f.kind === 'value' && f.fallback !== undefined ? ` (default ${String(f.fallback)})` : '';
      return [shape(f), `${f.help}${f.kind === 'value' && f.required ? ' (required)' : ''}${fallback}`];
    }),
    ['--help, -h', 'this help'],
  ];
  const width = Math.max(...rows.map(([l]) => l.length));
  return [usageLine(spec), '', spec.summary, '', ...rows.map(([l, h]) => `  ${l.padEnd(width)}  ${h}`), ...(spec.notes ?? [])].join('\n');
}

/**
 * Parse `argv` against the declaration: the options, or a string to print, which is the help text itself for
 * `--help`/`-h` (exit 0, see `reportArgs`) or the refusal, prefixed and with the usage line when structural (exit 2).
 */
export function parseArgs<F extends Record<string, Flag>>(spec: CommandSpec<F>, argv: readonly string[]): ParsedArgs<F> | string {
  const byName = new Map(Object.entries(spec.flags).map(([key, f]) => [f.name as string, { key, f }]));
  const values: Record<string, unknown> = {};
  for (const [key, f] of Object.entries(spec.flags)) {
    values[key] = f.kind === 'toggle' ? false : f.kind === 'list' ? [] : f.kind === 'value' ? f.fallback : undefined;
  }
  const given = new Set<string>();
  let positional: string | null = null;
  try {
    for (let i = 0; i < argv.length; i++) {
      const arg = argv[i] as string;
      if (arg === '--help' || arg === '-h') return helpText(spec);
      const known = byName.get(arg);
      if (!known) {
        if (arg.startsWith('-') || !spec.positional) throw new ArgError(`unknown option "${arg}"`, true);
        if (positional !== null) throw new ArgError(`only one ${spec.positional.noun}, got "${positional}" and "${arg}"`);
        positional = arg;
        continue;
      }
      const { key, f } = known;
      given.add(key);
      if (f.kind === 'toggle') {
        values[key] = true;
        continue;
      }
      const next = argv[i + 1];
      if (f.kind === 'optional') {
        const takes = next !== undefined && f.accepts(next);
        values[key] = takes ? f.parse(next, f.name) : null;
        if (takes) i++;
        continue;
      }
      if (next === undefined || next.startsWith('--')) throw new ArgError(`${f.name} needs a value`, true);
      i++;
      const v = f.parse(next, f.name);
      if (f.kind === 'list') (values[key] as unknown[]).push(v);
      else values[key] = v;
    }
    const missing = Object.entries(spec.flags).find(([key, f]) => f.kind === 'value' && f.required && !given.has(key));
    if (missing) throw new ArgError(`${missing[1].name} is required`, true);
  } catch (e) {
    if (!(e instanceof ArgError)) throw e;
    return `${spec.prefix}${e.message}${e.withUsage ? `\n${usageLine(spec)}` : ''}`;
  }
  return { values: values as Values<F>, positional };
}

/** Print what `parseArgs` returned as a string: the help on stdout (exit 0), a refusal on stderr (exit 2). */
export function reportArgs(spec: CommandSpec<Record<string, Flag>>, printed: string): number {
  if (printed === helpText(spec)) {
    console.log(printed);
    return 0;
  }
  console.error(printed);
  return 2;
}
