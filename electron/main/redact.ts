// Last line of defence for "keys never reach the renderer or a log": any stored key that appears in text
// leaving main (an error message from an SDK, say) is masked.
const MASK = '[redacted key]';

export function redactSecrets(text: string, secrets: Iterable<string>): string {
  let out = text;
  for (const s of secrets) {
    // Very short strings would mask ordinary words; real keys are long.
    if (s.length >= 8) out = out.split(s).join(MASK);
  }
  return out;
}
