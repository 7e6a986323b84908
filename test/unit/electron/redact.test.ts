// The one redaction module: remembered keys, keys given by the caller and key-shaped strings are masked in text, in
// every string of a JSON value, and in everything written to a stream.
import { PassThrough } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { REDACTED, maskWrites, redactDeep, redactSecrets, rememberSecret } from '../../../electron/redact';

const GEMINI_SHAPED = 'AIzaSyD-0123456789abcdefghijklmnopqrs';
const GROQ_SHAPED = `gsk_${'a1B2c3D4'.repeat(6)}abcd`;

describe('redaction', () => {
  it('masks a remembered key, a key given by the caller and key-shaped strings; leaves short strings and prose alone', () => {
    rememberSecret('sim-remembered-key-77');
    rememberSecret('short');
    const text = `API key not valid: sim-remembered-key-77; also ${GEMINI_SHAPED} and ${GROQ_SHAPED}; caller-key-0001; short`;
    expect(redactSecrets(text, ['caller-key-0001'])).toBe(`API key not valid: ${REDACTED}; also ${REDACTED} and ${REDACTED}; ${REDACTED}; short`);
    expect(redactSecrets('AIza is a prefix, gsk_ too')).toBe('AIza is a prefix, gsk_ too');
  });

  it('masks every string of a JSON value, object keys included, without touching numbers or the input', () => {
    const value = {
      message: `bad ${GROQ_SHAPED}`,
      calls: [{ attempt: 2, message: GEMINI_SHAPED }],
      [GEMINI_SHAPED]: null,
      ok: true,
    };
    const copy = structuredClone(value);
    expect(redactDeep(value)).toEqual({
      message: `bad ${REDACTED}`,
      calls: [{ attempt: 2, message: REDACTED }],
      [REDACTED]: null,
      ok: true,
    });
    expect(value).toEqual(copy);
  });

  it('masks what is written to a stream, strings and buffers alike', async () => {
    const stream = new PassThrough();
    maskWrites(stream as unknown as NodeJS.WriteStream);
    const chunks: string[] = [];
    stream.on('data', (c: Buffer) => chunks.push(c.toString('utf8')));
    stream.write(`one ${GROQ_SHAPED}\n`);
    stream.write(Buffer.from(`two ${GEMINI_SHAPED}\n`));
    stream.end();
    await new Promise((resolve) => stream.once('end', resolve));
    expect(chunks.join('')).toBe(`one ${REDACTED}\ntwo ${REDACTED}\n`);
  });
});
