// The provider simulator (docs/providers.md): one loopback HTTP/1.1 server that speaks the Gemini and Groq wires with
// their quotas, errors and faults, for tests, benchmarks and the app's offline demo mode. 127.0.0.1 only.
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { RealClock, type Clock } from '../../engine/clock';
import { seededRng } from '../../engine/rng';
import { CONTROL_PREFIX, handleControl } from './control-routes';
import { handleGemini } from './gemini-routes';
import { GROQ_PREFIX, handleGroq } from './groq-routes';
import { BodyTooLarge, readBody, Waits } from './http';
import type { PresetName } from './presets';
import { SimState } from './state';
import type { SimulatorControl } from './types';

export interface SimulatorOptions {
  /** 0 (default) picks a free port. */
  port?: number;
  preset?: PresetName;
  /** Multiplies simulated model latency: 1 is real-world, 0.01 a hundred times faster, 0 instant. */
  timeScale?: number;
  /** The clock quotas, outages and waits run on; real time by default. */
  clock?: Clock;
  /** Seed of the latency draws, so runs repeat. */
  seed?: number;
  /** Which API keys are valid; default: any key that starts with "sim-". */
  acceptKey?: (key: string) => boolean;
  /** Request-log entries kept (default 500, the latest); each holds its request body, attachments included. */
  logLimit?: number;
}

export interface Simulator {
  baseUrl: string;
  /** Keys the simulator accepts, ready to hand to the adapters. */
  keys: { gemini: string; groq: string };
  control: SimulatorControl;
  close(): Promise<void>;
}

export const SIM_KEY_PREFIX = 'sim-';

export async function startSimulator(opts: SimulatorOptions = {}): Promise<Simulator> {
  const preset = opts.preset ?? 'free';
  const timeScale = opts.timeScale ?? 1;
  const clock = opts.clock ?? new RealClock();
  const state = new SimState(
    clock,
    seededRng(opts.seed ?? 1),
    preset,
    timeScale,
    opts.acceptKey ?? ((k) => k.startsWith(SIM_KEY_PREFIX)),
    opts.logLimit ?? 500,
  );
  const waits = new Waits(clock);
  const keys = { gemini: `${SIM_KEY_PREFIX}gemini-key`, groq: `${SIM_KEY_PREFIX}groq-key` };
  let baseUrl = '';

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    let raw: Buffer;
    try {
      raw = await readBody(req);
    } catch (err) {
      const status = err instanceof BodyTooLarge ? 413 : 400;
      res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify({ error: { message: (err as Error).message } }));
      return;
    }
    if (url.pathname.startsWith(CONTROL_PREFIX)) return handleControl(state, () => ({ baseUrl, keys, preset, timeScale }), req, res, url, raw);
    if (url.pathname.startsWith(GROQ_PREFIX)) return handleGroq(state, waits, req, res, url, raw);
    return handleGemini(state, waits, req, res, url, raw);
  }

  const server = createServer((req, res) => {
    handle(req, res).catch((err: unknown) => {
      // A bug in the simulator must show as a 500 with the reason, not a hung request.
      if (!res.headersSent) res.writeHead(500, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ error: { code: 500, message: `simulator error: ${(err as Error).message}`, status: 'INTERNAL' } }));
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(opts.port ?? 0, '127.0.0.1', () => resolve());
  });
  baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

  return {
    baseUrl,
    keys,
    control: state,
    close: () =>
      new Promise<void>((resolve) => {
        waits.cancelAll();
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
