// Submitters write the cells the console shows. React renders them as text (no markup can run), but an invisible
// bidirectional control still reorders what the operator reads: "Invoice \u202Efdp.exe" displays as "Invoice exe.pdf".
// Such controls are shown as their code point instead, so a cell reads as what was written (docs/console.md §10).

/** Embeddings, overrides and isolates (LRE, RLE, PDF, LRO, RLO, LRI, RLI, FSI, PDI) and the two marks (LRM, RLM). */
const BIDI_CONTROLS = /[\u200E\u200F\u202A-\u202E\u2066-\u2069]/g;

/** "Invoice \u202Efdp.exe" → "Invoice [U+202E]fdp.exe"; any other text unchanged. */
export function visibleControls(text: string): string {
  return text.replace(BIDI_CONTROLS, (c) => `[U+${c.charCodeAt(0).toString(16).toUpperCase().padStart(4, '0')}]`);
}
