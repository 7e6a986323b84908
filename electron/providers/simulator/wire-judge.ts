// Replies from the wire: read the submission fields the prompt embeds (electron/validation/prompts.ts), look at the
// attachments as sent (PDF text, photo sizes), and let the heuristic judge answer. The same wire facts give the
// token counts the quotas charge, with the adapters' own estimate arithmetic.
import type { JsonSchema } from '../../../shared/provider';
import { readReportText, readSubmissionFields } from '../../validation/prompts';
import { heuristicReply } from '../heuristic';
import { jpegSize } from '../jpeg-size';
import { geminiTokens, llamaImageTokens, textTokens } from '../token-estimate';
import { readPdf } from './pdf-reader';

export interface WireJudgement {
  /** The reply text the model "writes". */
  reply: string;
  inputTokens: number;
  outputTokens: number;
  hasAttachment: boolean;
}

/** A reply that follows `schema` when the prompt carries no submission fields: neutral values. */
function fillSchema(schema: JsonSchema | undefined): unknown {
  if (!schema) return { note: 'simulated reply' };
  switch (schema.type) {
    case 'object':
      return Object.fromEntries(Object.entries(schema.properties ?? {}).map(([k, s]) => [k, fillSchema(s)]));
    case 'array':
      return [];
    case 'boolean':
      return false;
    case 'integer':
    case 'number':
      return 0;
    case 'string':
      return 'simulated reply';
  }
}

function reply(text: string, photos: Uint8Array[], pdfText: string | null, schema: JsonSchema | undefined): unknown {
  const embedded = readSubmissionFields(text);
  if (!embedded) return fillSchema(schema);
  return heuristicReply(embedded.kind, embedded.fields, { pdfText, photos: photos.map(jpegSize) });
}

interface GeminiPart {
  text?: string;
  inlineData?: { mimeType?: string; data?: string };
}
export interface GeminiRequestBody {
  contents?: Array<{ role?: string; parts?: GeminiPart[] }>;
  systemInstruction?: { parts?: GeminiPart[] } | string;
  generationConfig?: { responseSchema?: JsonSchema; responseMimeType?: string; maxOutputTokens?: number };
}

function lowerTypes(schema: JsonSchema | undefined): JsonSchema | undefined {
  if (!schema) return undefined;
  return {
    ...schema,
    type: String(schema.type).toLowerCase() as JsonSchema['type'],
    ...(schema.properties && { properties: Object.fromEntries(Object.entries(schema.properties).map(([k, s]) => [k, lowerTypes(s) as JsonSchema])) }),
    ...(schema.items && { items: lowerTypes(schema.items) }),
  };
}

export function geminiParts(body: GeminiRequestBody): { text: string; system: string; pdfs: Uint8Array[]; images: Uint8Array[] } {
  const parts = (body.contents ?? []).flatMap((c) => c.parts ?? []);
  const sys =
    typeof body.systemInstruction === 'string' ? body.systemInstruction : (body.systemInstruction?.parts ?? []).map((p) => p.text ?? '').join('');
  const inline = (mime: string) =>
    parts
      .filter((p) => p.inlineData?.mimeType === mime && p.inlineData.data)
      .map((p) => new Uint8Array(Buffer.from(p.inlineData?.data as string, 'base64')));
  return { text: parts.map((p) => p.text ?? '').join('\n'), system: sys, pdfs: inline('application/pdf'), images: inline('image/jpeg') };
}

export async function judgeGemini(body: GeminiRequestBody): Promise<WireJudgement> {
  const { text, system, pdfs, images } = geminiParts(body);
  const read = await Promise.all(pdfs.map(readPdf));
  const pdfText =
    read
      .map((r) => r.text ?? '')
      .join('\n')
      .trim() || null;
  const pages = read.reduce((s, r) => s + r.pages, 0);
  const out = JSON.stringify(reply(text, images, pdfText, lowerTypes(body.generationConfig?.responseSchema)));
  return {
    reply: out,
    inputTokens: geminiTokens({ chars: system.length + text.length, images: images.length, pdfPages: pages }),
    outputTokens: textTokens(out.length),
    hasAttachment: pdfs.length + images.length > 0,
  };
}

/** The input tokens of a Gemini request without judging it (countTokens, quota checks). */
export async function geminiInputTokens(body: GeminiRequestBody): Promise<number> {
  const { text, system, pdfs, images } = geminiParts(body);
  const pages = (await Promise.all(pdfs.map(readPdf))).reduce((s, r) => s + r.pages, 0);
  return geminiTokens({ chars: system.length + text.length, images: images.length, pdfPages: pages });
}

type GroqContent = string | Array<{ type?: string; text?: string; image_url?: { url?: string } }>;
export interface GroqRequestBody {
  model?: string;
  messages?: Array<{ role?: string; content?: GroqContent }>;
  response_format?: { type?: string };
  max_completion_tokens?: number;
  max_tokens?: number;
  stream?: boolean;
}

const DATA_URL = /^data:image\/[a-z]+;base64,(.*)$/s;

export function groqParts(body: GroqRequestBody): { text: string; imageUrls: string[]; images: Uint8Array[] } {
  const texts: string[] = [];
  const imageUrls: string[] = [];
  for (const m of body.messages ?? []) {
    if (typeof m.content === 'string') texts.push(m.content);
    else
      for (const p of m.content ?? []) {
        if (p.type === 'text' && p.text) texts.push(p.text);
        if (p.type === 'image_url' && p.image_url?.url) imageUrls.push(p.image_url.url);
      }
  }
  const images = imageUrls.map((u) => new Uint8Array(Buffer.from(DATA_URL.exec(u)?.[1] ?? '', 'base64')));
  return { text: texts.join(''), imageUrls, images };
}

/** Prompt tokens as Groq would count them: the adapter's own estimate without the completion allowance. */
export function groqPromptTokens(body: GroqRequestBody): number {
  const { text, images } = groqParts(body);
  return textTokens(text.length) + images.reduce((s, img) => s + llamaImageTokens(img), 0);
}

export function judgeGroq(body: GroqRequestBody): WireJudgement {
  const { text, images } = groqParts(body);
  const out = JSON.stringify(reply(text, images, readReportText(text), undefined));
  return {
    reply: out,
    inputTokens: groqPromptTokens(body),
    outputTokens: textTokens(out.length),
    hasAttachment: images.length > 0 || readReportText(text) !== null,
  };
}
