// The CLI's declarative parser: each flag kind, defaults, required flags, refusals (prefix, usage line) and the
// `--help` text generated from the same declaration.
import { describe, expect, it } from 'vitest';
import {
  ArgError,
  helpText,
  list,
  numberIn,
  optional,
  parseArgs,
  toggle,
  usageLine,
  value,
  type CommandSpec,
  type Flag,
} from '../../../electron/cli/args';

const SPEC = {
  command: 'demo',
  summary: 'A command to exercise the parser.',
  prefix: 'demo: ',
  positional: { placeholder: 'FILE', noun: 'input file', help: 'what to read' },
  flags: {
    out: value('--out', 'FILE', 'where to write'),
    level: value('--level', 'N', 'how hard', { parse: numberIn((n) => Number.isInteger(n) && n >= 1, 'a whole number ≥ 1'), default: 3 }),
    name: value('--name', 'TEXT', 'who asks', { required: true }),
    tags: list('--tag', 'T', 'a label; repeatable'),
    resume: optional('--resume', 'RUN', 'a run, or the latest', (v) => /^\d+$/.test(v), Number),
    json: toggle('--json', 'machine output'),
    mode: value('--mode', 'M', 'fast or slow', {
      parse: (v, flag) => {
        if (v !== 'fast' && v !== 'slow') throw new ArgError(`${flag} must be fast or slow`, true);
        return v;
      },
    }),
  },
  notes: ['', 'a note'],
} satisfies CommandSpec<Record<string, Flag>>;

const parse = (...argv: string[]) => parseArgs(SPEC, argv);

describe('CLI argument parser', () => {
  it('reads each kind of flag, in any order, with defaults for what is absent', () => {
    expect(parse('in.csv', '--name', 'ana', '--tag', 'a', '--json', '--tag', 'b', '--resume', '7', '--level', '5')).toEqual({
      positional: 'in.csv',
      values: { out: undefined, level: 5, name: 'ana', tags: ['a', 'b'], resume: 7, json: true, mode: undefined },
    });
    expect(parse('--name', 'ana')).toEqual({
      positional: null,
      values: { out: undefined, level: 3, name: 'ana', tags: [], resume: undefined, json: false, mode: undefined },
    });
  });

  it('takes the optional value only when it is one, and leaves the next argument alone otherwise', () => {
    const bare = parse('--name', 'x', '--resume', 'in.csv');
    expect(bare).toMatchObject({ positional: 'in.csv', values: { resume: null } });
    expect(parse('--name', 'x', '--resume')).toMatchObject({ values: { resume: null } });
  });

  it('refuses a missing value, an unknown option, a second positional and a missing required flag', () => {
    const usage = usageLine(SPEC);
    expect(parse('--name')).toBe(`demo: --name needs a value\n${usage}`);
    expect(parse('--name', 'x', '--out', '--json')).toBe(`demo: --out needs a value\n${usage}`);
    expect(parse('--name', 'x', '--bogus')).toBe(`demo: unknown option "--bogus"\n${usage}`);
    expect(parse('--name', 'x', 'a.csv', 'b.csv')).toBe('demo: only one input file, got "a.csv" and "b.csv"');
    expect(parse('a.csv')).toBe(`demo: --name is required\n${usage}`);
  });

  it('says what a value must be, with what it got, and adds the usage only when the flag asks for it', () => {
    expect(parse('--name', 'x', '--level', '0')).toBe('demo: --level must be a whole number ≥ 1, got "0"');
    expect(parse('--name', 'x', '--level', '')).toBe('demo: --level must be a whole number ≥ 1, got ""');
    expect(parse('--name', 'x', '--mode', 'odd')).toBe(`demo: --mode must be fast or slow\n${usageLine(SPEC)}`);
  });

  it('answers --help and -h with the help generated from the declaration, before checking anything else', () => {
    expect(parse('--bogus', '--help')).toMatch(/^demo: unknown option "--bogus"/); // arguments are read in order
    expect(parse('-h', '--bogus')).toBe(helpText(SPEC));
    const help = helpText(SPEC).split('\n');
    expect(help[0]).toBe('usage: event-validator demo FILE [--out FILE] [--level N] --name TEXT [--tag T …] [--resume [RUN]] [--json] [--mode M]');
    expect(help).toContain('A command to exercise the parser.');
    expect(help).toContainEqual(expect.stringMatching(/^ {2}--level N +how hard \(default 3\)$/));
    expect(help).toContainEqual(expect.stringMatching(/^ {2}--name TEXT +who asks \(required\)$/));
    expect(help).toContainEqual(expect.stringMatching(/^ {2}--help, -h +this help$/));
    expect(help.at(-1)).toBe('a note');
  });

  it('lets an error that is not a refusal through', () => {
    const broken = {
      ...SPEC,
      flags: {
        x: value('--x', 'X', 'breaks', {
          parse: () => {
            throw new TypeError('bug');
          },
        }),
      },
    };
    expect(() => parseArgs(broken, ['--x', '1'])).toThrow(TypeError);
  });
});
