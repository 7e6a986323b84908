// The planner's input (docs/planner.md): each submission's real calls, found the way the batch runner finds them:
// ingest, attachment resolution, the PDF and photo readers, the deterministic rules, the first pre-scoring decision
// and the response cache. Tokens come from each provider adapter's own estimator, so the replayed limiter and
// server count what the real ones will. Duplicate photos are found with the image index's matcher, in (run, row)
// order, against the photos of earlier batches in the store and the earlier rows of this batch.
import type { EngineConfig } from '../../shared/config';
import type { RuleDefinition, Submission } from '../../shared/domain';
import type { PlannedCall, PlannedSubmission, Workload, WorkloadSummary } from '../../shared/plan';
import { PROVIDER_IDS, type CallKind, type LlmRequest, type ProviderId } from '../../shared/provider';
import { buildAdapter } from '../app/adapters';
import { createAttachmentResolver, type AttachmentResolver } from '../batch/attachments/attachments';
import { extractPdf, type PdfFacts } from '../batch/extract/extract-pdf';
import { prepareImage, type ImageFacts } from '../batch/extract/extract-image';
import { loadBatch } from '../batch/ingest/load-batch';
import { fileSha256 } from '../batch/runner';
import { RealClock } from '../engine/clock';
import { cacheKey } from '../store/cache-key';
import { ownerKey } from '../store/image-index';
import type { CachedReply } from '../store/response-cache';
import { findDuplicates, normalizePhash, type IndexedImage } from '../validation/duplicates';
import { prescore } from '../validation/prescoring';
import { PROMPT_VERSION, buildImageRequest, buildPdfRequest, buildThemeRequest, promptFields } from '../validation/prompts';
import { evaluateDeterministic } from '../validation/rules-deterministic';

export interface WorkloadInput {
  file: string;
  attachmentsRoot: string | null;
  config: EngineConfig;
  rules: readonly RuleDefinition[];
  threshold?: number;
  cacheGet: (key: string) => CachedReply | undefined;
  /** Photos the store's image index holds from earlier runs: a duplicate of one is found as the run would find it. */
  indexedImages: readonly IndexedImage[];
  signal?: AbortSignal;
}

export type Estimators = Record<ProviderId, (req: LlmRequest) => number>;

/** The adapters' pure token estimators (no key is used: nothing is sent). */
export function tokenEstimators(config: EngineConfig): Estimators {
  const out = {} as Estimators;
  for (const p of PROVIDER_IDS) {
    const enabled = { ...config, providers: { ...config.providers, [p]: { ...config.providers[p], enabled: true } } };
    const a = buildAdapter(p, enabled, 'estimate-only', null, new RealClock());
    if (!a) throw new Error(`no token estimator for ${p}`);
    out[p] = (req) => a.estimateTokens(req);
  }
  return out;
}

async function readPdf(r: AttachmentResolver | null, s: Submission): Promise<PdfFacts | null> {
  if (!r || !s.reportPath) return null;
  const where = await r.resolve(s.reportPath, s.eventDriven);
  if (!where.ok) return null;
  const f = await extractPdf(where.path);
  return f.ok ? f : null;
}

/** The usable photos with their 1-based slot (photo1, photo2), as the evaluator numbers them. */
async function readPhotos(r: AttachmentResolver | null, s: Submission): Promise<{ slot: number; facts: ImageFacts }[]> {
  if (!r) return [];
  const out: { slot: number; facts: ImageFacts }[] = [];
  for (const [i, p] of s.photoPaths.entries()) {
    if (!p) continue;
    const where = await r.resolve(p, s.eventDriven);
    if (!where.ok) continue;
    const f = await prepareImage(where.path);
    if (f.ok) out.push({ slot: i + 1, facts: f });
  }
  return out;
}

/** The pretend run of the plan comes after every stored run, so stored photos count as earlier, as they will. */
const PLANNED_RUN = Number.MAX_SAFE_INTEGER;

/** This submission's photos as index entries of one pretend run, so findDuplicates orders them by run and row. */
function indexed(s: Submission, photos: { slot: number; facts: ImageFacts }[], batch: string, sha256: string): IndexedImage[] {
  return photos.map((p) => ({
    owner: ownerKey(s.id, sha256),
    submissionId: s.id,
    sha256: p.facts.sha256.toLowerCase(),
    phash: normalizePhash(p.facts.phash),
    photo: p.slot,
    runId: PLANNED_RUN,
    row: s.row,
    batchName: batch,
  }));
}

function emptySummary(): WorkloadSummary {
  return { submissions: 0, calls: 0, byKind: { theme: 0, pdf: 0, image: 0 }, cacheHits: 0, prescoreSkips: 0, reopened: 0, pdfPages: 0, images: 0 };
}

/** Read the batch and its attachments once; the result is plain data a worker thread can take. */
export async function buildWorkload(input: WorkloadInput): Promise<Workload> {
  const { config, rules } = input;
  const threshold = input.threshold ?? config.acceptanceThreshold;
  const { submissions } = await loadBatch(input.file);
  // Generated row ids are keyed by the file's hash in the image index, as a run keys them.
  const sha256 = await fileSha256(input.file);
  const resolver = input.attachmentsRoot ? await createAttachmentResolver(input.attachmentsRoot, { allowUrlDownloads: false }) : null;
  const estimate = tokenEstimators(config);
  const summary = emptySummary();
  const planned: PlannedSubmission[] = [];
  const seen: IndexedImage[] = [...input.indexedImages];
  for (const s of [...submissions].sort((a, b) => a.row - b.row)) {
    if (input.signal?.aborted) throw new Error('plan cancelled');
    summary.submissions++;
    const [pdf, slots] = await Promise.all([readPdf(resolver, s), readPhotos(resolver, s)]);
    const own = indexed(s, slots, input.file, sha256);
    const duplicates = findDuplicates(own, seen, config.phashThreshold);
    seen.push(...own);
    const photos = slots.map((p) => p.facts);
    const reopen = pdf === null || photos.length === 0;
    if (reopen) {
      summary.reopened++;
      planned.push({ id: s.id, calls: [] });
      continue;
    }
    summary.pdfPages += pdf.pages;
    summary.images += photos.length;
    const known = evaluateDeterministic(rules, s, { photoHasGps: photos.map((p) => p.gps !== null), duplicates });
    const pending: CallKind[] = s.theme ? ['theme', 'pdf', 'image'] : ['pdf', 'image'];
    if (!s.theme) summary.prescoreSkips++;
    const decision = prescore({ rules, known, pending, threshold, mode: config.evaluationMode, reopen: false });
    summary.prescoreSkips += decision.skip.length;
    const calls: PlannedCall[] = [];
    for (const kind of decision.calls) {
      const req =
        kind === 'theme'
          ? buildThemeRequest(s)
          : kind === 'pdf'
            ? buildPdfRequest(s, pdf)
            : buildImageRequest(
                s,
                photos.map((p) => p.jpeg),
              );
      const hashes = kind === 'theme' ? [] : kind === 'pdf' ? [pdf.sha256] : photos.map((p) => p.sha256);
      const cached = config.providerOrder.some((p) => {
        const c = config.providers[p];
        const model = kind === 'image' ? c.visionModel : c.textModel;
        return input.cacheGet(
          cacheKey({ model, promptVersion: PROMPT_VERSION[kind], kind, fields: { ...promptFields(kind, s) }, attachmentHashes: hashes }),
        );
      });
      if (cached) {
        summary.cacheHits++;
        continue;
      }
      calls.push({ kind, tokens: { gemini: estimate.gemini(req), groq: estimate.groq(req) } });
      summary.calls++;
      summary.byKind[kind]++;
    }
    planned.push({ id: s.id, calls });
  }
  return { summary, submissions: planned };
}

/** A workload of `n` submissions × theme, PDF and image calls at typical sizes, for the benchmark and what-ifs. */
export function uniformWorkload(n: number, tokens: Record<CallKind, Record<ProviderId, number>>): Workload {
  const summary = emptySummary();
  const kinds: CallKind[] = ['theme', 'pdf', 'image'];
  const submissions = Array.from({ length: n }, (_, i): PlannedSubmission => ({
    id: `s${i + 1}`,
    calls: kinds.map((kind) => ({ kind, tokens: tokens[kind] })),
  }));
  summary.submissions = n;
  summary.calls = 3 * n;
  for (const k of kinds) summary.byKind[k] = n;
  return { summary, submissions };
}
