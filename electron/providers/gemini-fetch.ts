// The seam into @google/generative-ai 0.24 (docs/providers.md §5). The SDK takes no fetch option: it calls the global
// fetch at request time. We wrap the global fetch once; a request the Gemini adapter marks with TAP_HEADER (stripped
// before it leaves) gets a byte-capped body, and its error body's `status` word (FAILED_PRECONDITION, which the SDK's
// error drops) is recorded, and so are the time its response headers came and the server's own time (Server-Timing), which
// bound when the request reached the server (docs/engine.md §1, "Arrival"). Every other fetch passes through untouched.
import { capResponse, MAX_RESPONSE_BYTES, type ResponseTooLargeError } from './capped-body';

export const TAP_HEADER = 'x-event-validator-tap';

/** What one call's response showed beyond what the SDK passes on. */
export interface FetchTap {
  /** The `error.status` of a non-2xx JSON body, e.g. "FAILED_PRECONDITION". */
  errorStatus?: string;
  overflow?: ResponseTooLargeError;
  /** The tap's clock when the response headers came. */
  headersAt?: number;
  /** The longest `dur` of the response's Server-Timing metrics (Gemini's front end: `gfet4t7; dur=2345`), in ms. */
  serverMs?: number;
}

/** What a tap needs to time the headers (the adapter's clock). */
interface TapEntry {
  tap: FetchTap;
  now?: () => number;
}

const taps = new Map<string, TapEntry>();
let seq = 0;
let installed: typeof fetch | null = null;

function headerOf(init: RequestInit | undefined): string | null {
  const h = init?.headers;
  return h instanceof Headers ? h.get(TAP_HEADER) : null;
}

/** The longest `dur=` of a Server-Timing header ("gfet4t7; dur=2345, db;dur=12"), or undefined. */
export function serverTimingMs(header: string | null): number | undefined {
  let ms: number | undefined;
  for (const m of header?.matchAll(/(?:^|;)\s*dur=([0-9]+(?:\.[0-9]+)?)/g) ?? []) ms = Math.max(ms ?? 0, Number(m[1]));
  return ms;
}

async function readErrorStatus(res: Response, tap: FetchTap): Promise<Response> {
  const text = await res.text(); // already capped
  try {
    const status = (JSON.parse(text) as { error?: { status?: unknown } }).error?.status;
    if (typeof status === 'string') tap.errorStatus = status;
  } catch {
    // a plain-text error body (a proxy's 502 page): nothing to record
  }
  return new Response(text, { status: res.status, statusText: res.statusText, headers: res.headers });
}

function install(): void {
  if (installed) return;
  const original = globalThis.fetch;
  installed = original;
  globalThis.fetch = async (input: string | URL | Request, init?: RequestInit): Promise<Response> => {
    const id = headerOf(init);
    const entry = id === null ? undefined : taps.get(id);
    if (!entry || !init) return original(input, init);
    const { tap } = entry;
    const headers = new Headers(init.headers);
    headers.delete(TAP_HEADER);
    const raw = await original(input, { ...init, headers });
    if (entry.now) tap.headersAt = entry.now();
    const serverMs = serverTimingMs(raw.headers.get('server-timing'));
    if (serverMs !== undefined) tap.serverMs = serverMs;
    const res = capResponse(raw, MAX_RESPONSE_BYTES, (err) => {
      tap.overflow = err;
    });
    return res.ok ? res : readErrorStatus(res, tap);
  };
}

/** Open a tap for one call: the header to send, what it saw, and `close` (always call it). `now` times the headers. */
export function openTap(now?: () => number): { headers: Record<string, string>; tap: FetchTap; close(): void } {
  install();
  const id = `g${++seq}`;
  const tap: FetchTap = {};
  taps.set(id, { tap, ...(now && { now }) });
  return { headers: { [TAP_HEADER]: id }, tap, close: () => taps.delete(id) };
}
