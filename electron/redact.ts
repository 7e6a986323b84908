// Keys never leave the process in text: every configured key, and anything shaped like a Gemini (`AIza…`) or Groq
// (`gsk_…`) key, is masked in provider messages before they are stored, logged, exported or sent to a client.
// Providers echo keys in error bodies ("API key not valid: …"), so this runs at each of those boundaries.
// See docs/security.md.

export const REDACTED = '[redacted key]';

/** Key shapes of the real providers: Gemini keys are "AIza" and 35 more; Groq keys "gsk_" and 52 alphanumerics. */
const KEY_SHAPES = /AIza[0-9A-Za-z_-]{30,}|gsk_[0-9A-Za-z_-]{16,}/g;
/** Shorter strings would mask ordinary words; real keys are long. */
const MIN_SECRET_LENGTH = 8;

const known = new Set<string>();

/** Remember a key this process uses (from the vault or the environment), so it is masked wherever it shows up. */
export function rememberSecret(key: string | undefined): void {
  const k = key?.trim();
  if (k && k.length >= MIN_SECRET_LENGTH) known.add(k);
}

/** `text` with every remembered key, every key in `extra` and every key-shaped string masked. */
export function redactSecrets(text: string, extra: Iterable<string> = []): string {
  let out = text;
  for (const s of [...known, ...extra]) {
    if (s.length >= MIN_SECRET_LENGTH && out.includes(s)) out = out.split(s).join(REDACTED);
  }
  return out.replace(KEY_SHAPES, REDACTED);
}

/** A copy of a JSON-like value with {@link redactSecrets} applied to every string in it (keys of objects too). */
export function redactDeep<T>(value: T, extra: Iterable<string> = []): T {
  const secrets = [...extra];
  const walk = (v: unknown): unknown => {
    if (typeof v === 'string') return redactSecrets(v, secrets);
    if (Array.isArray(v)) return v.map(walk);
    if (v !== null && typeof v === 'object' && Object.getPrototypeOf(v) === Object.prototype) {
      return Object.fromEntries(Object.entries(v).map(([k, x]) => [redactSecrets(k, secrets), walk(x)]));
    }
    return v;
  };
  return walk(value) as T;
}

/** Masks everything written to a stream (the CLI's stdout and stderr): the log boundary for every command. */
export function maskWrites(stream: NodeJS.WriteStream): void {
  const write = stream.write.bind(stream) as (chunk: unknown, ...rest: unknown[]) => boolean;
  stream.write = ((chunk: unknown, ...rest: unknown[]) => {
    const text = typeof chunk === 'string' ? chunk : Buffer.isBuffer(chunk) ? chunk.toString('utf8') : null;
    return write(text === null ? chunk : redactSecrets(text), ...rest);
  }) as typeof stream.write;
}
