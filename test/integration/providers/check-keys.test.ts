// Test connection: the in-process check against the simulator (key, models, precondition, limits) and the
// `event-validator check-keys` command as a child process: plain words, exit 1 when a provider does not work, no key.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { checkConnection } from '../../../electron/providers/connection-check';
import type { Simulator } from '../../../electron/providers/simulator/server';
import { cliEnv, startCli } from '../../helpers/cli';
import { simulator } from './fixtures';

let sim: Simulator;
let dir: string;
beforeAll(async () => {
  sim = await simulator();
  dir = mkdtempSync(path.join(tmpdir(), 'ev-check-keys-'));
});
afterAll(async () => {
  await sim.close();
  rmSync(dir, { recursive: true, force: true });
});
beforeEach(() => sim.control.reset());

const opts = (over: Partial<Parameters<typeof checkConnection>[1]> = {}) => ({
  apiKey: sim.keys.gemini,
  baseUrl: sim.baseUrl,
  textModel: 'gemini-2.5-pro',
  visionModel: 'gemini-2.5-flash',
  timeoutMs: 5_000,
  ...over,
});

describe('checkConnection', () => {
  it('Gemini: key ok and both models usable, with one countTokens each and no generation', async () => {
    const r = await checkConnection('gemini', opts());
    expect(r).toMatchObject({
      keyOk: true,
      problem: null,
      models: [
        { model: 'gemini-2.5-pro', usable: true },
        { model: 'gemini-2.5-flash', usable: true },
      ],
    });
    expect(sim.control.log().map((e) => e.route)).toEqual(['countTokens', 'countTokens']);
    expect(r.summary[0]).toBe('Gemini accepted the key.');
  });

  it('Gemini: an unknown model, a bad key and a precondition are said in words', async () => {
    const unknown = await checkConnection('gemini', opts({ visionModel: 'gemini-9-ultra' }));
    expect(unknown.models[1]).toMatchObject({ model: 'gemini-9-ultra', usable: false, problem: expect.stringContaining('gemini-9-ultra') });
    const bad = await checkConnection('gemini', opts({ apiKey: 'AIza-wrong' }));
    expect(bad).toMatchObject({ keyOk: false, problem: expect.stringContaining('API key not valid') });
    sim.control.script({ provider: 'gemini', responses: [{ fault: 'gemini-precondition' }] });
    const region = await checkConnection('gemini', opts());
    expect(region).toMatchObject({ keyOk: true, problem: expect.stringContaining('User location is not supported') });
    expect(region.summary[0]).toContain('accepted no request');
  });

  it('Groq: the model list says which configured models the key may use', async () => {
    const r = await checkConnection('groq', opts({ apiKey: sim.keys.groq, textModel: 'llama-3.3-70b-versatile', visionModel: 'llama-9-405b' }));
    expect(r).toMatchObject({
      keyOk: true,
      models: [
        { model: 'llama-3.3-70b-versatile', usable: true },
        { model: 'llama-9-405b', usable: false },
      ],
    });
    expect(sim.control.log().map((e) => e.route)).toEqual(['models']);
    expect((await checkConnection('groq', opts({ apiKey: 'gsk_wrong' }))).keyOk).toBe(false);
  });
});

describe('event-validator check-keys', () => {
  it('reports both providers in words and exits 0; a bad key exits 1 without printing it', async () => {
    const ok = await startCli(['check-keys', '--data-dir', path.join(dir, 'a')], cliEnv(sim.baseUrl, path.join(dir, 'home-a'))).exited;
    expect(ok.code, ok.stderr).toBe(0);
    expect(ok.stdout).toContain('Gemini accepted the key.');
    expect(ok.stdout).toContain('Groq accepted the key.');
    const badKey = 'AIzaNotAValidKey1234567890abcdefghijkl';
    const bad = await startCli(
      ['check-keys', '--json', '--data-dir', path.join(dir, 'b')],
      cliEnv(sim.baseUrl, path.join(dir, 'home-b'), { GEMINI_API_KEY: badKey }),
    ).exited;
    expect(bad.code, bad.stderr).toBe(1);
    const out = JSON.parse(bad.stdout) as { reports: Array<{ provider: string; keyOk: boolean }> };
    expect(out.reports.map((r) => [r.provider, r.keyOk])).toEqual([
      ['gemini', false],
      ['groq', true],
    ]);
    expect(bad.stdout + bad.stderr).not.toContain(badKey);
  }, 60_000);

  it('refuses an unknown option with exit 2', async () => {
    const r = await startCli(['check-keys', '--nope'], cliEnv(sim.baseUrl, path.join(dir, 'home-c'))).exited;
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('unknown option "--nope"');
  }, 30_000);
});
