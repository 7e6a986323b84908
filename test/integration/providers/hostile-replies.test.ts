// Hostile provider answers (issue 16 items 6 and 7, docs/providers.md §5): a reply nested 200k levels deep inside a
// schema-valid object is malformed, not a crash; a never-ending body is cut at the cap, the connection closed, and the
// call fails as `server` long before the timeout, for both SDKs.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ProviderId } from '../../../shared/provider';
import { MAX_RESPONSE_BYTES } from '../../../electron/providers/capped-body';
import { createGeminiAdapter } from '../../../electron/providers/gemini';
import { createGroqAdapter } from '../../../electron/providers/groq';
import { MAX_REPLY_DEPTH } from '../../../electron/providers/schema-check';
import type { Simulator } from '../../../electron/providers/simulator/server';
import { buildThemeRequest } from '../../../electron/validation/prompts';
import { never, simulator, submission } from './fixtures';

let sim: Simulator;
beforeAll(async () => {
  sim = await simulator();
});
afterAll(() => sim.close());

const MODELS: Record<ProviderId, string> = { gemini: 'gemini-2.5-flash', groq: 'llama-3.3-70b-versatile' };
const adapter = (p: ProviderId, baseUrl: string, apiKey: string, timeoutMs = 20_000) => {
  const opts = { apiKey, baseUrl, textModel: MODELS[p], visionModel: MODELS[p], timeoutMs };
  return p === 'gemini' ? createGeminiAdapter(opts) : createGroqAdapter(opts);
};

describe.each(['gemini', 'groq'] as const)('%s: hostile replies', (p) => {
  it('a schema-valid reply nested 100k or 200k levels deep is malformed (depth, then size bound)', async () => {
    sim.control.reset();
    const deep = (levels: number) => `{"aligned": true, "reason": "ok", "extra": ${'['.repeat(levels)}${']'.repeat(levels)}}`;
    sim.control.script({ provider: p, responses: [{ reply: deep(100_000) }, { reply: deep(200_000) }] });
    const a = adapter(p, sim.baseUrl, sim.keys[p]);
    expect(await a.call(buildThemeRequest(submission), never())).toMatchObject({
      ok: false,
      kind: 'malformed',
      message: `reply nests deeper than ${MAX_REPLY_DEPTH} levels`,
    });
    expect(await a.call(buildThemeRequest(submission), never())).toMatchObject({
      ok: false,
      kind: 'malformed',
      message: expect.stringContaining('characters, over the'),
    });
  });

  it('a never-ending chunked body is cut at the cap: server failure, connection closed, bounded bytes', async () => {
    let written = 0;
    let closed = false;
    const chunk = Buffer.alloc(64 * 1024, 0x20);
    const server: Server = createServer((req, res) => {
      req.resume();
      res.writeHead(200, { 'content-type': 'application/json' });
      res.write('{"candidates":[{"content":{"parts":[{"text":"');
      const pump = () => {
        // Bounded even if the client never stopped reading: 64 MB at most.
        while (!closed && written < 64 * 1024 * 1024) {
          written += chunk.length;
          if (!res.write(chunk)) return void res.once('drain', pump);
        }
        res.end();
      };
      res.on('close', () => (closed = true));
      pump();
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    try {
      const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
      const out = await adapter(p, url, 'AIzaHostileTest000000000000000000000000').call(buildThemeRequest(submission), never());
      expect(out).toMatchObject({ ok: false, kind: 'server', message: expect.stringContaining('response body passed') });
      await expect.poll(() => closed, { timeout: 10_000 }).toBe(true);
      // The socket buffers a few MB beyond what we read; far below the 64 MB the server would send.
      expect(written).toBeLessThan(MAX_RESPONSE_BYTES * 4);
    } finally {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    }
  });
});
