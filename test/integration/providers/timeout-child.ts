// Run by no-dangling-timer.test.ts in its own Node process: one timed-out call per adapter, then nothing.
// The process must exit by itself right after, so no timer or socket of ours may outlive the calls.
import { createGeminiAdapter } from '../../../electron/providers/gemini';
import { createGroqAdapter } from '../../../electron/providers/groq';
import { buildThemeRequest } from '../../../electron/validation/prompts';
import { submission } from './fixtures';

const baseUrl = process.env.SIM_URL as string;
const signal = new AbortController().signal;
const req = buildThemeRequest(submission);
const gemini = createGeminiAdapter({
  apiKey: 'sim-child',
  baseUrl,
  textModel: 'gemini-2.5-flash',
  visionModel: 'gemini-2.5-flash',
  timeoutMs: 1_000,
});
const groq = createGroqAdapter({
  apiKey: 'sim-child',
  baseUrl,
  textModel: 'llama-3.3-70b-versatile',
  visionModel: 'llama-3.3-70b-versatile',
  timeoutMs: 1_000,
});
const results = [await gemini.call(req, signal), await groq.call(req, signal)];
console.log(JSON.stringify({ kinds: results.map((r) => (r.ok ? 'ok' : r.kind)), doneAt: Date.now() }));
