// The seam into @google/generative-ai 0.24 (docs/providers.md §5). The SDK takes no fetch option: it calls the global
// fetch at request time. We wrap the global fetch once; a request the Gemini adapter marks with TAP_HEADER (stripped
// before it leaves) gets a byte-capped body, and its error body's `status` word (FAILED_PRECONDITION, which the SDK's
// error drops) is recorded. Every other fetch in the process passes through untouched.
import { capResponse, MAX_RESPONSE_BYTES, type ResponseTooLargeError } from './capped-body';

export const TAP_HEADER = 'x-event-validator-tap';

/** What one call's response showed beyond what the SDK passes on. */
export interface FetchTap {
  /** The `error.status` of a non-2xx JSON body, e.g. "FAILED_PRECONDITION". */
  errorStatus?: string;
  overflow?: ResponseTooLargeError;
}

const taps = new Map<string, FetchTap>();
let seq = 0;
let installed: typeof fetch | null = null;

function headerOf(init: RequestInit | undefined): string | null {
  const h = init?.headers;
  return h instanceof Headers ? h.get(TAP_HEADER) : null;
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
    const tap = id === null ? undefined : taps.get(id);
    if (!tap || !init) return original(input, init);
    const headers = new Headers(init.headers);
    headers.delete(TAP_HEADER);
    const res = capResponse(await original(input, { ...init, headers }), MAX_RESPONSE_BYTES, (err) => {
      tap.overflow = err;
    });
    return res.ok ? res : readErrorStatus(res, tap);
  };
}

/** Open a tap for one call: the header to send, what it saw, and `close` (always call it). */
export function openTap(): { headers: Record<string, string>; tap: FetchTap; close(): void } {
  install();
  const id = `g${++seq}`;
  const tap: FetchTap = {};
  taps.set(id, tap);
  return { headers: { [TAP_HEADER]: id }, tap, close: () => taps.delete(id) };
}
