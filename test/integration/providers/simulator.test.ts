// The simulator's other routes and its control API, driven by the real SDKs and plain HTTP, and the standalone command.
import { spawn } from 'node:child_process';
import { request as httpRequest } from 'node:http';
import { fileURLToPath } from 'node:url';
import { GoogleGenerativeAI } from '@google/generative-ai';
import Groq from 'groq-sdk';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createGeminiAdapter } from '../../../electron/providers/gemini';
import { startSimulator, type Simulator } from '../../../electron/providers/simulator/server';
import { buildThemeRequest } from '../../../electron/validation/prompts';
import { never, simulator, submission } from './fixtures';

let sim: Simulator;
beforeAll(async () => {
  sim = await simulator();
});
afterAll(() => sim.close());
beforeEach(() => sim.control.reset());

const req = buildThemeRequest(submission);
/** The real Gemini adapter on the simulator, every call on one model. */
const geminiOn = (model: string, timeoutMs: number, on: Simulator = sim) =>
  createGeminiAdapter({ apiKey: on.keys.gemini, baseUrl: on.baseUrl, textModel: model, visionModel: model, timeoutMs });

describe('simulator routes', () => {
  it('Gemini streamGenerateContent (SSE) and countTokens through the SDK', async () => {
    const model = new GoogleGenerativeAI(sim.keys.gemini).getGenerativeModel(
      { model: 'gemini-2.5-pro', systemInstruction: req.system, generationConfig: { responseMimeType: 'application/json' } },
      { baseUrl: sim.baseUrl },
    );
    const contents = [{ role: 'user', parts: [{ text: req.prompt }] }];
    const stream = await model.generateContentStream({ contents });
    let chunks = 0;
    for await (const _ of stream.stream) chunks++;
    const final = await stream.response;
    expect(chunks).toBeGreaterThan(1);
    expect(JSON.parse(final.text())).toMatchObject({ aligned: true });
    const counted = await model.countTokens({
      generateContentRequest: { contents, systemInstruction: { role: 'system', parts: [{ text: req.system }] } },
    });
    const estimate = createGeminiAdapter({ apiKey: 'x', textModel: 'm', visionModel: 'm', timeoutMs: 1 }).estimateTokens(req);
    expect(counted.totalTokens).toBe(estimate);
    expect(sim.control.log().map((e) => e.route)).toEqual(['streamGenerateContent', 'countTokens']);
  });

  it('Groq streamed chat completion and the model list through the SDK', async () => {
    const groq = new Groq({ apiKey: sim.keys.groq, baseURL: sim.baseUrl, maxRetries: 0 });
    const stream = await groq.chat.completions.create({
      model: 'llama-3.1-8b-instant',
      messages: [
        { role: 'system', content: req.system },
        { role: 'user', content: req.prompt },
      ],
      response_format: { type: 'json_object' },
      stream: true,
    });
    let text = '';
    for await (const chunk of stream) text += chunk.choices[0]?.delta?.content ?? '';
    expect(JSON.parse(text)).toMatchObject({ aligned: true });
    const models = await groq.models.list();
    expect(models.data.map((m) => m.id)).toEqual(['llama-3.1-8b-instant', 'llama-3.3-70b-versatile', 'meta-llama/llama-4-scout-17b-16e-instruct']);
  });

  it("an outage lasts its span on the simulator's clock", async () => {
    const gemini = geminiOn('gemini-2.5-pro', 5_000);
    sim.control.outage({ provider: 'gemini', model: 'gemini-2.5-pro', durationMs: 150 });
    expect(await gemini.call(req, never())).toMatchObject({ ok: false, kind: 'overloaded' });
    await new Promise((r) => setTimeout(r, 200));
    expect((await gemini.call(req, never())).ok).toBe(true);
  });
});

describe('control API over HTTP', () => {
  const post = (path: string, body: unknown) =>
    fetch(`${sim.baseUrl}/__sim/${path}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });

  it('scripts a response, logs the request, resets', async () => {
    expect((await post('script', { provider: 'groq', responses: [{ status: 503 }] })).status).toBe(200);
    const res = await fetch(`${sim.baseUrl}/openai/v1/chat/completions`, {
      method: 'POST',
      headers: { authorization: `Bearer ${sim.keys.groq}`, 'content-type': 'application/json' },
      body: JSON.stringify({ model: 'llama-3.1-8b-instant', messages: [{ role: 'user', content: 'json please' }] }),
    });
    expect(res.status).toBe(503);
    const log = (await (await fetch(`${sim.baseUrl}/__sim/log`)).json()) as { entries: Array<{ status: number; outcome: string; key: string }> };
    expect(log.entries).toMatchObject([{ status: 503, outcome: 'scripted', key: 'sim-groq****' }]);
    expect((await post('reset', {})).status).toBe(200);
    expect(sim.control.log()).toEqual([]);
  });

  it('refuses bad payloads with the reason', async () => {
    const bad = await post('script', { provider: 'openai', responses: [] });
    expect(bad.status).toBe(400);
    expect(((await bad.json()) as { error: string }).error).toMatch(/provider/);
    const notJson = await fetch(`${sim.baseUrl}/__sim/quota`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{' });
    expect(notJson.status).toBe(400);
    expect((await fetch(`${sim.baseUrl}/__sim/nothing`)).status).toBe(404);
  });

  it('follows the web host rules: a foreign Host or Origin gets 403, a non-JSON write 415, and nothing changes', async () => {
    const port = Number(new URL(sim.baseUrl).port);
    const raw = (method: string, path: string, headers: Record<string, string>, body = '') =>
      new Promise<number>((resolve, reject) => {
        const r = httpRequest({ host: '127.0.0.1', port, method, path: `/__sim/${path}`, headers }, (res) => {
          res.resume();
          resolve(res.statusCode ?? 0);
        });
        r.on('error', reject);
        r.end(body);
      });
    const script = JSON.stringify({ provider: 'groq', responses: [{ status: 503 }] });
    const json = { 'content-type': 'application/json' };
    expect(await raw('GET', 'log', { host: `rebind.example:${port}` })).toBe(403);
    expect(await raw('POST', 'script', { ...json, host: `127.0.0.1:${port}`, origin: 'http://evil.example' }, script)).toBe(403);
    expect(await raw('POST', 'script', { 'content-type': 'text/plain', host: `127.0.0.1:${port}` }, script)).toBe(415);
    expect(await raw('POST', 'script', { host: `localhost:${port}` }, script)).toBe(415);
    const chat = () =>
      fetch(`${sim.baseUrl}/openai/v1/chat/completions`, {
        method: 'POST',
        headers: { authorization: `Bearer ${sim.keys.groq}`, 'content-type': 'application/json' },
        body: JSON.stringify({ model: 'llama-3.1-8b-instant', messages: [{ role: 'user', content: 'json please' }] }),
      });
    expect((await chat()).status).toBe(200); // none of the refused scripts took effect
    expect(await raw('POST', 'script', { ...json, host: `localhost:${port}`, origin: `http://localhost:${port}` }, script)).toBe(200);
    expect((await chat()).status).toBe(503);
  });

  it('a hold keeps requests before their headers, and a burst answers every one held with one fault', async () => {
    const gemini = geminiOn('gemini-2.5-flash', 30_000);
    const held = async () => ((await (await fetch(`${sim.baseUrl}/__sim/held`)).json()) as { entries: Array<{ seq: number; charged?: object }> }).entries;
    expect((await post('hold', { provider: 'gemini', durationMs: -1 })).status).toBe(400);
    expect((await post('hold', { provider: 'gemini', model: 'gemini-2.5-flash', durationMs: 60_000 })).status).toBe(200);
    const calls = [gemini.call(req, never()), gemini.call(req, never()), gemini.call(req, never())];
    while ((await held()).length < 3) await new Promise((r) => setTimeout(r, 10));
    expect((await held()).every((e) => e.charged)).toBe(true); // held after the quota counted them
    // Groq is not held.
    const chat = await fetch(`${sim.baseUrl}/openai/v1/chat/completions`, {
      method: 'POST',
      headers: { authorization: `Bearer ${sim.keys.groq}`, 'content-type': 'application/json' },
      body: JSON.stringify({ model: 'llama-3.1-8b-instant', messages: [{ role: 'user', content: 'json please' }] }),
    });
    expect(chat.status).toBe(200);

    const wrongWire = await post('burst', { provider: 'gemini', fault: 'groq-capacity-498' });
    expect(wrongWire.status).toBe(400);
    expect(((await wrongWire.json()) as { error: string }).error).toMatch(/fault: that fault is not on this provider/);
    const burst = await post('burst', { provider: 'gemini', fault: 'gemini-quota-bare' });
    expect(await burst.json()).toEqual({ ok: true, answered: 3 });
    for (const outcome of await Promise.all(calls)) expect(outcome).toMatchObject({ ok: false, kind: 'rate_limit' });
    expect(sim.control.log().filter((e) => e.provider === 'gemini')).toMatchObject(
      Array.from({ length: 3 }, () => ({ status: 429, outcome: 'burst', charged: { tokens: expect.any(Number) } })),
    );
    expect(await held()).toEqual([]);
    // The burst ended the hold: the next request is answered at once, and a burst with nothing held answers none.
    expect((await gemini.call(req, never())).ok).toBe(true);
    expect(await (await post('burst', { provider: 'gemini', fault: 'gemini-quota-bare' })).json()).toEqual({ ok: true, answered: 0 });
  });

  it('a hold that runs out lets its requests go on as planned', async () => {
    const gemini = geminiOn('gemini-2.5-flash', 30_000);
    sim.control.hold({ provider: 'gemini', durationMs: 300 });
    const call = gemini.call(req, never());
    while (sim.control.held().length < 1) await new Promise((r) => setTimeout(r, 10));
    expect((await call).ok).toBe(true);
    expect(sim.control.held()).toEqual([]);
    expect(sim.control.log()).toMatchObject([{ status: 200, outcome: 'ok' }]);
  });

  it('changes a quota mid-run', async () => {
    expect((await post('quota', { provider: 'gemini', model: 'gemini-2.5-flash', limits: { rpm: 1 } })).status).toBe(200);
    const gemini = geminiOn('gemini-2.5-flash', 5_000);
    expect((await gemini.call(req, never())).ok).toBe(true);
    expect(await gemini.call(req, never())).toMatchObject({ ok: false, kind: 'rate_limit', dimension: 'RPM' });
  });
});

describe('simulated latency', () => {
  it('draws from the seeded distribution, scaled by the time factor', async () => {
    const slow = await startSimulator({ timeScale: 0.02, seed: 3 });
    try {
      const gemini = geminiOn('gemini-2.5-pro', 5_000, slow);
      const out = await gemini.call(req, never());
      // Pro without attachments has a 4 s median: at 0.02 that is ~80 ms, far above a loopback round trip.
      expect(out.ok && out.latencyMs).toBeGreaterThan(20);
    } finally {
      await slow.close();
    }
  });
});

describe('event-validator simulate', () => {
  it('prints its base URL and keys first, serves, and stops on SIGTERM', async () => {
    const bin = fileURLToPath(new URL('../../../bin/event-validator.mjs', import.meta.url));
    const child = spawn(process.execPath, [bin, 'simulate', '--port', '0', '--preset', 'tier1', '--time-scale', '0'], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    const firstLines = await new Promise<string[]>((resolve, reject) => {
      child.stdout.on('data', (d) => {
        out += d;
        const lines = out.split('\n');
        if (lines.length > 2) resolve(lines);
      });
      child.on('exit', (code) => reject(new Error(`exited early with ${code}`)));
    });
    const url = /listening on (http:\/\/127\.0\.0\.1:\d+)/.exec(firstLines[0] ?? '')?.[1];
    expect(url).toBeDefined();
    expect(firstLines[1]).toContain('gemini=sim-gemini-key groq=sim-groq-key');
    const info = (await (await fetch(`${url}/__sim/info`)).json()) as { preset: string };
    expect(info.preset).toBe('tier1');
    child.kill('SIGTERM');
    expect(await new Promise((r) => child.on('exit', r))).toBe(0);
  }, 30_000);

  it('refuses bad options with a clear error', async () => {
    const bin = fileURLToPath(new URL('../../../bin/event-validator.mjs', import.meta.url));
    const child = spawn(process.execPath, [bin, 'simulate', '--time-scale', 'fast'], { stdio: ['ignore', 'pipe', 'pipe'] });
    let err = '';
    child.stderr.on('data', (d) => (err += d));
    expect(await new Promise((r) => child.on('exit', r))).toBe(2);
    expect(err).toContain('--time-scale must be a number');
  }, 30_000);
});
