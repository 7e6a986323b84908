// Token cost estimates before a call (docs/engine.md §1): text at characters / 4, attachments by each provider's rules.
// The simulator charges its quotas with the same arithmetic, so the limiter and the server agree on costs.
import { jpegSize } from './jpeg-size';

/** Gemini bills each inline image at 258 tokens (up to 384 px; larger ones as 768 px tiles — downscaled photos
 * are counted at one tile, which is what a 1024 px photo costs in practice) and each PDF page at 258. */
export const GEMINI_TOKENS_PER_IMAGE = 258;
export const GEMINI_TOKENS_PER_PDF_PAGE = 258;

/** Llama 4 vision (Groq): the image is cut into 336 px tiles of 144 tokens each, at most 16, plus one global
 * thumbnail tile when there is more than one. Groq publishes no formula; this follows the model's tiling. */
const LLAMA_TILE_PX = 336;
const LLAMA_TOKENS_PER_TILE = 144;
const LLAMA_MAX_TILES = 16;

export function textTokens(chars: number): number {
  return Math.ceil(chars / 4);
}

export function geminiTokens(input: { chars: number; images: number; pdfPages: number }): number {
  return textTokens(input.chars) + input.images * GEMINI_TOKENS_PER_IMAGE + input.pdfPages * GEMINI_TOKENS_PER_PDF_PAGE;
}

export function llamaImageTokens(jpeg: Uint8Array): number {
  const size = jpegSize(jpeg) ?? { width: 1024, height: 1024 };
  const tiles = Math.min(LLAMA_MAX_TILES, Math.ceil(size.width / LLAMA_TILE_PX) * Math.ceil(size.height / LLAMA_TILE_PX));
  return (tiles + (tiles > 1 ? 1 : 0)) * LLAMA_TOKENS_PER_TILE;
}

/** Groq counts prompt plus requested completion tokens against TPM. */
export function groqTokens(input: { chars: number; images: readonly Uint8Array[]; maxOutputTokens: number }): number {
  return textTokens(input.chars) + input.images.reduce((sum, img) => sum + llamaImageTokens(img), 0) + input.maxOutputTokens;
}
