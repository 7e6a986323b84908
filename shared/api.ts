// The one API contract: every command (input + output schema) and every pushed event.
// The Electron preload, the web-host client and createApi (electron/api.ts) all derive from these two maps.
import { z } from 'zod';
import { engineConfigSchema, type ConfigPatch } from './config';
import {
  BatchPreviewSchema,
  BatchSnapshotSchema,
  BatchStateSchema,
  BreakerSnapshotSchema,
  BreakerTransitionSchema,
  ByStatusSchema,
  ConnectionReportSchema,
  Http429Schema,
  PlanReportSchema,
  PlanVariantSchema,
  ProviderIdSchema,
  RuleDefinitionSchema,
  RunPlanViewSchema,
  SnapshotSchema,
  StatusSchema,
  SubmissionResultSchema,
  SubmissionSchema,
  FleetSnapshotSchema,
} from './api-schemas';

/** Ids a client gives its plans, to cancel them. */
export const PLAN_ID = /^[A-Za-z0-9_-]{1,64}$/;

/** Ids the web host hands out for uploads: random, URL- and file-name-safe. */
export const UPLOAD_ID = /^[A-Za-z0-9_-]{8,64}$/;

/**
 * A file or folder the operator gave us. Electron resolves drops to absolute paths (webUtils.getPathForFile);
 * the web host stores uploads in a per-launch temp folder and replaces `upload` refs with `path` refs before
 * calling the Api, so createApi only ever sees paths.
 */
export const FileRefSchema = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('path'), path: z.string().min(1).max(4096) }).strict(),
  z.object({ kind: z.literal('upload'), id: z.string().regex(UPLOAD_ID, 'not an upload id') }).strict(),
]);
export type FileRef = z.infer<typeof FileRefSchema>;

const runId = z.string().min(1).max(200);
const reason = z.string().max(500).optional();
const empty = z.object({}).strict();

export { BatchPreviewSchema };
export type { BatchPreview } from './batch';

export const RunSummarySchema = z.object({
  runId: z.string(),
  fileName: z.string(),
  createdAt: z.number(),
  state: BatchStateSchema,
  total: z.number(),
  done: z.number(),
  byStatus: ByStatusSchema,
  callsUsed: z.number(),
  /** Judged by the provider simulator, not a real model. */
  simulated: z.boolean(),
  /** Set while another live process (a CLI, a second console) drives the run: this one must not resume it. */
  runningElsewhere: z.object({ pid: z.number(), host: z.string() }).optional(),
});
export type RunSummary = z.infer<typeof RunSummarySchema>;

/** One line of the results table. */
export const ResultRowSchema = z.object({
  runId: z.string(),
  submissionId: z.string(),
  row: z.number(),
  title: z.string().nullable(),
  score: z.number(),
  status: StatusSchema,
  /** Names of the failed or undetermined rules. */
  failedRules: z.array(z.string()),
  /** Why a Reopen row went back to the institution (its missing or unreadable input); null for other statuses. */
  reopenReason: z.string().nullable(),
  provider: SubmissionResultSchema.shape.provider,
  callsUsed: z.number(),
  simulated: z.boolean(),
});
export type ResultRow = z.infer<typeof ResultRowSchema>;

const batchControl = { input: z.object({ runId }).strict(), output: z.object({ runId: z.string(), state: BatchStateSchema }) };

const breakerAction = {
  input: z.object({ provider: ProviderIdSchema, reason }).strict(),
  output: z.object({ provider: ProviderIdSchema, breaker: BreakerSnapshotSchema, message: z.string() }),
};

export const AuditEntrySchema = z.object({
  id: z.number(),
  at: z.number(),
  /** "operator" for UI/CLI actions, "engine" for breaker transitions and automatic pauses. */
  actor: z.string(),
  action: z.string(),
  target: z.string().nullable(),
  before: z.unknown(),
  after: z.unknown(),
  reason: z.string().nullable(),
});
export type AuditEntry = z.infer<typeof AuditEntrySchema>;

export const ALERT_KINDS = ['breaker_open', 'sustained_429', 'budget_exhausted', 'quota_exhausted', 'provider_misconfigured'] as const;
export const AlertSchema = z.object({
  id: z.string(),
  at: z.number(),
  kind: z.enum(ALERT_KINDS),
  provider: ProviderIdSchema.nullable(),
  message: z.string(),
  acknowledgedAt: z.number().nullable(),
  /** How many times this alert was raised while unacknowledged (repeats fold into it: the tray shows "×3"). */
  count: z.number().int().positive(),
  /** When it was first raised; `at` is the latest repeat. */
  firstAt: z.number(),
});
export type Alert = z.infer<typeof AlertSchema>;

/** One chart point: a provider's rate against its effective limit at one snapshot. */
export const RatePointSchema = z.object({ at: z.number(), rpm: z.number(), rpmLimit: z.number(), tpm: z.number(), tpmLimit: z.number() });
export type RatePoint = z.infer<typeof RatePointSchema>;

/**
 * What the charts showed before this client connected, kept (bounded) in the main process and replayed on connect,
 * so a console opened mid-incident sees the incident (docs/console.md §3).
 */
export const TelemetryHistorySchema = z.object({
  /** How far back the history reaches, ms. */
  windowMs: z.number(),
  series: z.array(z.object({ provider: ProviderIdSchema, points: z.array(RatePointSchema) })),
  http429: z.array(Http429Schema),
  breakers: z.array(BreakerTransitionSchema),
  /** Operator actions (chart annotations). */
  audit: z.array(AuditEntrySchema),
});
export type TelemetryHistory = z.infer<typeof TelemetryHistorySchema>;

/** How a run ended, or where it stands (docs/console.md §12). "interrupted": its process died or closed mid-run. */
export const RUN_OUTCOMES = ['finished', 'cancelled', 'interrupted', 'running', 'paused', 'cancelling', 'running elsewhere'] as const;

/** One line of the run history: a stored run with its timing, calls per provider and outcome. */
export const RunHistoryEntrySchema = RunSummarySchema.extend({
  /** When it finished or was cancelled; null while it runs or after an interruption. */
  finishedAt: z.number().nullable(),
  /** From start to the end (or to its last stored result, for a run not ended), ms; null before any result. */
  durationMs: z.number().nullable(),
  callsByProvider: z.record(ProviderIdSchema, z.number()),
  /** Calls that went to a provider other than the first in the run's order (a fallback or spill-over). */
  fallbackCalls: z.number(),
  outcome: z.enum(RUN_OUTCOMES),
  /** Resume would continue it here: rows are left and no other process drives it. */
  resumable: z.boolean(),
});
export type RunHistoryEntry = z.infer<typeof RunHistoryEntrySchema>;

const configDiff = z.object({ before: engineConfigSchema, after: engineConfigSchema });

/** A provider's per-minute rate as one of its model limiters applies it (every model of a provider has the same). */
export const ModelRateSchema = z.object({
  /** The AIMD factor, 1 = the configured rate. */
  factor: z.number(),
  rpmLimit: z.number(),
  tpmLimit: z.number(),
  /** Limits a 429 named (before the safety factor), else null. */
  rpmCap: z.number().nullable(),
  tpmCap: z.number().nullable(),
});
export type ModelRate = z.infer<typeof ModelRateSchema>;
const isPlainObject = (v: unknown) => typeof v === 'object' && v !== null && !Array.isArray(v);

export const COMMANDS = {
  previewBatch: {
    input: z.object({ file: FileRefSchema, attachments: FileRefSchema.nullable() }).strict(),
    output: BatchPreviewSchema,
  },
  startBatch: {
    input: z.object({ file: FileRefSchema, attachments: FileRefSchema.nullable() }).strict(),
    output: z.object({ runId: z.string() }),
  },
  pauseBatch: batchControl,
  resumeBatch: batchControl,
  cancelBatch: batchControl,
  rerunUndetermined: { input: z.object({ runId }).strict(), output: z.object({ runId: z.string(), queued: z.number() }) },
  listRuns: { input: empty, output: z.array(RunSummarySchema) },
  getResults: {
    input: z
      .object({
        runId,
        status: z.array(StatusSchema).optional(),
        offset: z.number().int().nonnegative(),
        limit: z.number().int().positive().max(1000),
      })
      .strict(),
    output: z.object({ total: z.number(), rows: z.array(ResultRowSchema) }),
  },
  getSubmission: {
    input: z.object({ runId, submissionId: z.string().min(1).max(200) }).strict(),
    output: z.object({ submission: SubmissionSchema.nullable(), result: SubmissionResultSchema.nullable(), simulated: z.boolean() }),
  },
  exportResults: {
    input: z.object({ runId, format: z.enum(['csv', 'xlsx']) }).strict(),
    /** `path` is where main wrote the file; the web host adds `downloadUrl` to fetch it. */
    output: z.object({ path: z.string(), fileName: z.string(), bytes: z.number(), rows: z.number(), downloadUrl: z.string().optional() }),
  },
  resetBreaker: breakerAction,
  forceOpenBreaker: breakerAction,
  pauseProvider: {
    /** `until` (epoch ms) pauses the provider until then; null resumes it now. */
    input: z.object({ provider: ProviderIdSchema, until: z.number().int().positive().nullable(), reason }).strict(),
    output: z.object({ provider: ProviderIdSchema, pausedUntil: z.number().nullable() }),
  },
  getConfig: { input: empty, output: engineConfigSchema },
  updateConfig: {
    /** Deep-validated by applyConfigPatch on the main side, which names the bad key. */
    input: z.object({ patch: z.custom<ConfigPatch>(isPlainObject, 'patch must be an object'), reason }).strict(),
    output: configDiff,
  },
  getRules: { input: empty, output: z.array(RuleDefinitionSchema) },
  updateRules: {
    input: z
      .object({ rules: z.array(RuleDefinitionSchema).min(1), reason })
      .strict()
      .refine((v) => new Set(v.rules.map((r) => r.id)).size === v.rules.length, { message: 'rule ids must be unique', path: ['rules'] }),
    output: z.object({ before: z.array(RuleDefinitionSchema), after: z.array(RuleDefinitionSchema) }),
  },
  /** Whether each provider has a key, and whether the simulator stands in. Never the key itself. */
  getKeyStatus: {
    input: empty,
    output: z.object({ providers: z.array(z.object({ provider: ProviderIdSchema, set: z.boolean() })), simulated: z.boolean() }),
  },
  /** Write-only: null clears the key. */
  setApiKey: {
    input: z.object({ provider: ProviderIdSchema, key: z.string().trim().min(1).max(512).nullable() }).strict(),
    output: z.object({ provider: ProviderIdSchema, set: z.boolean() }),
  },
  readAuditLog: {
    input: z.object({ offset: z.number().int().nonnegative(), limit: z.number().int().positive().max(1000) }).strict(),
    output: z.object({ total: z.number(), entries: z.array(AuditEntrySchema) }),
  },
  listAlerts: { input: z.object({ includeAcknowledged: z.boolean() }).strict(), output: z.array(AlertSchema) },
  ackAlert: { input: z.object({ id: z.string().min(1).max(200) }).strict(), output: AlertSchema },
  /** Acknowledge every open alert at once; answers the alerts it acknowledged. */
  ackAllAlerts: { input: empty, output: z.array(AlertSchema) },
  getSnapshot: { input: empty, output: SnapshotSchema },
  /** The Instances view: the live instances sharing this quota through Redis (only this one without REDIS_URL). */
  getFleet: { input: empty, output: FleetSnapshotSchema },
  /**
   * The run planner (docs/planner.md): predict the batch under the current settings and up to four variants.
   * `planId` (chosen by the caller) names the plan for cancelPlan; a cancelled plan answers null (not an error:
   * the operator asked for it).
   */
  planBatch: {
    input: z
      .object({
        planId: z.string().regex(PLAN_ID, 'not a plan id'),
        file: FileRefSchema,
        attachments: FileRefSchema.nullable(),
        variants: z.array(PlanVariantSchema).max(4),
        seeds: z.number().int().min(1).max(20).optional(),
      })
      .strict(),
    output: PlanReportSchema.nullable(),
  },
  /** Stop a plan in flight; `cancelled` is false when it had already finished (or never started). */
  cancelPlan: { input: z.object({ planId: z.string().regex(PLAN_ID, 'not a plan id') }).strict(), output: z.object({ cancelled: z.boolean() }) },
  /** The prediction a run was started after, its actual outcome once it ended, and the planner's recent accuracy. */
  getRunPlan: { input: z.object({ runId }).strict(), output: RunPlanViewSchema },
  /** One cheap real request to the provider with the stored key (docs/providers.md §8); never returns the key. */
  testConnection: { input: z.object({ provider: ProviderIdSchema }).strict(), output: ConnectionReportSchema },
  /** The charts' recent past with its markers and annotations, for a client that just connected. */
  getTelemetryHistory: { input: empty, output: TelemetryHistorySchema },
  /** The run history, newest first, a page at a time. */
  getRunHistory: {
    input: z.object({ offset: z.number().int().nonnegative(), limit: z.number().int().positive().max(200) }).strict(),
    output: z.object({ total: z.number(), runs: z.array(RunHistoryEntrySchema) }),
  },
  /**
   * Back to the configured per-minute rate for one provider (docs/console.md §15): the AIMD cut and the limits a 429
   * named are dropped, fleet-wide with REDIS_URL. The breaker, pauses and the quota already used are untouched.
   */
  restoreRate: {
    input: z.object({ provider: ProviderIdSchema, reason }).strict(),
    output: z.object({ provider: ProviderIdSchema, before: ModelRateSchema, after: ModelRateSchema, message: z.string() }),
  },
} as const;

export const EVENTS = {
  /** The aggregator's ~1 Hz snapshot. */
  snapshot: SnapshotSchema,
  /** A breaker transition, pushed at once. */
  breaker: BreakerTransitionSchema,
  /** A 429 from a provider (chart markers). */
  http429: Http429Schema,
  /** The batch's state and counters, pushed on every state change and submission. */
  progress: BatchSnapshotSchema,
  alert: AlertSchema,
  /** A finished submission, for the live results table. */
  submission: ResultRowSchema,
  /** A new audit-log line (operator action or breaker transition), for chart annotations and the log. */
  audit: AuditEntrySchema,
} as const;

export type CommandName = keyof typeof COMMANDS;
export type EventName = keyof typeof EVENTS;
export type CommandInput<K extends CommandName> = z.input<(typeof COMMANDS)[K]['input']>;
export type CommandOutput<K extends CommandName> = z.output<(typeof COMMANDS)[K]['output']>;
export type EventPayload<E extends EventName> = z.output<(typeof EVENTS)[E]>;

export type ValidatorApi = { [K in CommandName]: (input: CommandInput<K>) => Promise<CommandOutput<K>> } & {
  /** Subscribe to an event; returns the unsubscribe function. */
  on<E extends EventName>(event: E, fn: (payload: EventPayload<E>) => void): () => void;
};

export const COMMAND_NAMES = Object.keys(COMMANDS) as CommandName[];
export const EVENT_NAMES = Object.keys(EVENTS) as EventName[];

export function isCommandName(name: string): name is CommandName {
  return Object.prototype.hasOwnProperty.call(COMMANDS, name);
}

/** An error every transport carries across unchanged: the message is for the operator. */
export interface ApiErrorBody {
  error: string;
  /** 'bad_request' (payload failed its schema), 'failed' (the command threw), 'unauthorized', 'forbidden', 'not_found'. */
  code: 'bad_request' | 'failed' | 'unauthorized' | 'forbidden' | 'not_found' | 'too_large';
}

/** A readable one-line message for a zod error: "file.path: Too small...; limit: ...". */
export function describeZodError(error: z.ZodError): string {
  return error.issues.map((i) => `${i.path.length ? i.path.join('.') : 'input'}: ${i.message}`).join('; ');
}

/**
 * What the Electron preload exposes beside `window.validator` (the ValidatorApi): the absolute path of a dropped or
 * picked File or folder, from webUtils.getPathForFile. The argument is a DOM File (typed loosely: shared/ has no DOM).
 */
export interface PreloadFiles {
  pathForFile(file: unknown): string;
}
/** The window globals the preload defines with contextBridge.exposeInMainWorld. */
export const PRELOAD_GLOBALS = { api: 'validator', files: 'validatorFiles' } as const;
