// A response body with a byte cap (docs/providers.md §5): both SDKs buffer the whole body before parsing, so a
// never-ending or huge reply would grow memory until the timeout. Past the cap the stream errors and the connection
// is cancelled, and the call fails as a classified `server` failure instead.

/** Our replies are a few KB; error bodies smaller still. Anything past this is a broken or hostile server. */
export const MAX_RESPONSE_BYTES = 4 * 1024 * 1024;

export class ResponseTooLargeError extends Error {
  constructor(readonly limit: number) {
    super(`the response body passed ${(limit / 1048576).toFixed(0)} MB and was cut off`);
    this.name = 'ResponseTooLargeError';
  }
}

/** `res` with its body counted: the same status and headers, a body that errors past `limit` bytes. */
export function capResponse(res: Response, limit = MAX_RESPONSE_BYTES, onOverflow?: (err: ResponseTooLargeError) => void): Response {
  const declared = Number(res.headers.get('content-length'));
  const source = res.body;
  if (!source) return res;
  const err = new ResponseTooLargeError(limit);
  if (Number.isFinite(declared) && declared > limit) {
    void source.cancel(err).catch(() => undefined);
    onOverflow?.(err);
    throw err;
  }
  let seen = 0;
  const reader = source.getReader();
  const body = new ReadableStream<Uint8Array>({
    async pull(controller) {
      const { done, value } = await reader.read();
      if (done) return controller.close();
      seen += value.byteLength;
      if (seen > limit) {
        onOverflow?.(err);
        controller.error(err);
        await reader.cancel(err).catch(() => undefined);
        return;
      }
      controller.enqueue(value);
    },
    cancel: (reason) => reader.cancel(reason),
  });
  return new Response(body, { status: res.status, statusText: res.statusText, headers: res.headers });
}

/** A fetch whose every response body is capped: what groq-sdk takes as its `fetch` option. */
export function cappedFetch(base: typeof fetch = fetch, limit = MAX_RESPONSE_BYTES): typeof fetch {
  return async (input, init) => capResponse(await base(input, init), limit);
}
