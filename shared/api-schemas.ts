// Zod schemas for the shared types that cross the API boundary (telemetry, domain, config, rules).
// Each schema is checked against its hand-written TS type at compile time (both directions), so the two can't drift.
import { z } from 'zod';
import { CALL_KINDS, PROVIDER_IDS, type FailureKind } from './provider';
import {
  RULE_IDS,
  STATUSES,
  STEP_NEXTS,
  TIMELINE_STEPS,
  type CallRecord,
  type TimelineStep,
  type RuleDefinition,
  type RuleResult,
  type Submission,
  type SubmissionResult,
} from './domain';
import { BATCH_PROBLEM_KINDS, MAPPED_FIELDS, type BatchPreview } from './batch';
import {
  TRIP_CAUSES,
  type BatchSnapshot,
  type BreakerSnapshot,
  type EngineEvent,
  type FleetInstance,
  type FleetSnapshot,
  type ProviderSnapshot,
  type SharedStoreState,
  type Snapshot,
  type TripCause,
} from './telemetry';
import type { ConfigPrediction, PlanReport, RunPlanView } from './plan';

/** Compile-time proof that A and B are mutually assignable. */
type Same<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;
type Expect<T extends true> = T;

const FAILURE_KINDS = [
  'rate_limit',
  'daily_quota',
  'overloaded',
  'server',
  'timeout',
  'network',
  'auth',
  'bad_request',
  'not_found',
  'too_large',
  'safety',
  'malformed',
  'aborted',
  'truncated',
  'no_quota',
  'precondition',
] as const satisfies readonly FailureKind[];

export const ProviderIdSchema = z.enum(PROVIDER_IDS);
export const StatusSchema = z.enum(STATUSES);
const CallKindSchema = z.enum(CALL_KINDS);
const FailureKindSchema = z.enum(FAILURE_KINDS);
const OutcomeSchema = z.union([z.literal('ok'), FailureKindSchema]);
const VerdictSourceSchema = z.enum([...PROVIDER_IDS, 'heuristic', 'cache']);
const epochOrNull = z.number().nullable();
const QuotaDimensionSchema = z.enum(['RPM', 'TPM', 'RPD', 'TPD']);

export const BreakerStateSchema = z.enum(['closed', 'open', 'half_open']);
const TripCauseSchema = z.enum(TRIP_CAUSES);

export const BreakerSnapshotSchema = z.object({
  state: BreakerStateSchema,
  forced: z.boolean(),
  errorRate: z.number(),
  threshold: z.number(),
  windowMs: z.number(),
  calls: z.number(),
  minCalls: z.number(),
  halfOpenAt: epochOrNull,
  lastTripCause: TripCauseSchema.nullable(),
  lastTransitionAt: epochOrNull,
});

/** Rates against limits: a provider's sums and each model's own (docs/console.md §15). */
const rateFigures = {
  rpm: z.number(),
  rpmLimit: z.number(),
  tpm: z.number(),
  tpmLimit: z.number(),
  rpdUsed: z.number(),
  rpdLimit: z.number(),
};

export const ProviderSnapshotSchema = z.object({
  provider: ProviderIdSchema,
  breaker: BreakerSnapshotSchema,
  ...rateFigures,
  inFlight: z.number(),
  concurrencyLimit: z.number(),
  queued: z.number(),
  http429Last5m: z.number(),
  errorsLast5m: z.number(),
  exhaustedUntil: epochOrNull,
  pausedUntil: epochOrNull,
  misconfigured: z.string().nullable(),
  hasKey: z.boolean(),
  simulated: z.boolean(),
  nextAdmissionAt: epochOrNull,
  waitReasons: z.array(z.string()),
  meanWaitMs: z.number(),
  p90LatencyMs: z.number(),
  jitterMean: z.number(),
  parked: z.number().int().nonnegative(),
  parkedReason: z.string().nullable(),
  unavailableModels: z.array(z.object({ model: z.string(), reason: z.string() })),
  models: z.array(z.object({ model: z.string(), roles: z.array(z.enum(['text', 'vision'])), ...rateFigures })),
  rate: z.object({
    factor: z.number(),
    cutAt: epochOrNull,
    cutCause: z.string().nullable(),
    increaseStep: z.number(),
    cleanCallsToIncrease: z.number(),
    cleanCalls: z.number(),
    rpmCap: z.number().nullable(),
    tpmCap: z.number().nullable(),
    capsAt: epochOrNull,
    reported: z.array(z.object({ model: z.string(), dimension: QuotaDimensionSchema, limit: z.number(), configured: z.number() })),
    configuredRpm: z.number(),
    configuredTpm: z.number(),
  }),
});

export const BatchStateSchema = z.enum(['idle', 'running', 'paused', 'cancelling', 'cancelled', 'finished']);

export const ByStatusSchema = z.record(StatusSchema, z.number());

export const BatchSnapshotSchema = z.object({
  runId: z.string(),
  state: BatchStateSchema,
  total: z.number(),
  done: z.number(),
  byStatus: ByStatusSchema,
  callsUsed: z.number(),
  cacheHits: z.number(),
  fallbacks: z.number(),
  startedAt: z.number(),
  etaMs: z.number().nullable(),
  budgetHistogram: z.array(z.number()),
  budget: z.number(),
  budgetExhausted: z.array(z.string()),
  workers: z.number(),
  submissionsInFlight: z.number(),
  callsInFlight: z.number(),
});

export const SnapshotSchema = z.object({
  at: z.number(),
  providers: z.array(ProviderSnapshotSchema),
  batch: BatchSnapshotSchema.nullable(),
});

export const BreakerTransitionSchema = z.object({
  type: z.literal('breaker_transition'),
  at: z.number(),
  provider: ProviderIdSchema,
  from: BreakerStateSchema,
  to: BreakerStateSchema,
  cause: z.string(),
  tripCause: TripCauseSchema.optional(),
  forced: z.boolean(),
});

export const Http429Schema = z.object({
  type: z.literal('http_429'),
  at: z.number(),
  provider: ProviderIdSchema,
  model: z.string(),
  dimension: QuotaDimensionSchema.optional(),
  daily: z.boolean(),
});

const RuleIdSchema = z.enum(RULE_IDS);
const RuleCategorySchema = z.enum(['theme', 'pdf', 'image', 'similarity']);

export const RuleDefinitionSchema = z
  .object({
    id: RuleIdSchema,
    category: RuleCategorySchema,
    name: z.string().min(1),
    points: z.number().finite().nonnegative(),
    enabled: z.boolean(),
    call: CallKindSchema.nullable(),
    threshold: z.number().finite().optional(),
  })
  .strict();

export const RuleResultSchema = z.object({
  ruleId: RuleIdSchema,
  category: RuleCategorySchema,
  name: z.string(),
  points: z.number(),
  earned: z.number(),
  verdict: z.enum(['pass', 'fail', 'undetermined', 'disabled', 'skipped']),
  reason: z.string(),
  source: z.union([VerdictSourceSchema, z.literal('rule')]),
});

export const CallRecordSchema = z.object({
  submissionId: z.string(),
  kind: CallKindSchema,
  provider: ProviderIdSchema,
  model: z.string(),
  attempt: z.number(),
  outcome: OutcomeSchema,
  inputTokens: z.number(),
  outputTokens: z.number(),
  latencyMs: z.number(),
  startedAt: z.number(),
  message: z.string().optional(),
});

/** docs/console.md §16: one step of a submission's calls. */
export const TimelineStepSchema = z.object({
  step: z.enum(TIMELINE_STEPS),
  kind: CallKindSchema.nullable(),
  provider: ProviderIdSchema.nullable(),
  attempt: z.number().int().nonnegative(),
  from: z.number(),
  admittedAt: z.number().nullable(),
  waitedOn: z.enum(['RPM', 'TPM', 'RPD', 'TPD', 'pause', 'store', 'queue', 'jitter']).nullable(),
  sentAt: z.number().nullable(),
  to: z.number(),
  outcome: OutcomeSchema.nullable(),
  next: z.enum(STEP_NEXTS).nullable(),
  backoffMs: z.number().nonnegative(),
  note: z.string().max(2000).nullable(),
});

export const SubmissionResultSchema = z.object({
  submissionId: z.string(),
  row: z.number(),
  status: StatusSchema,
  score: z.number(),
  categoryScores: z.record(RuleCategorySchema, z.number()),
  undeterminedPoints: z.number(),
  rules: z.array(RuleResultSchema),
  requirementsNotMet: z.string(),
  provider: z.union([VerdictSourceSchema, z.literal('none')]),
  callsUsed: z.number(),
  calls: z.array(CallRecordSchema),
  error: z.string().optional(),
  finishedAt: z.number(),
  timeline: z.array(TimelineStepSchema).optional(),
});

export const SubmissionSchema = z.object({
  id: z.string(),
  row: z.number(),
  title: z.string().nullable(),
  objectives: z.string().nullable(),
  learningOutcomes: z.string().nullable(),
  theme: z.string().nullable(),
  eventType: z.string().nullable(),
  declaredLevel: z.number().nullable(),
  durationHours: z.number().nullable(),
  participants: z.number(),
  mode: z.enum(['online', 'offline']).nullable(),
  eventDriven: z.number().nullable(),
  fromDate: z.string().nullable(),
  financialYear: z.string().nullable(),
  academicYear: z.string().nullable(),
  reportPath: z.string().nullable(),
  photoPaths: z.array(z.string()),
  problems: z.array(z.string()),
});

/** What the operator sees before starting: the mapping, the first rows, the problems, or why the file is refused. */
export const BatchPreviewSchema = z.object({
  fileName: z.string(),
  format: z.enum(['csv', 'xlsx']),
  encoding: z.enum(['utf-8', 'utf-8-bom', 'windows-1252']).nullable(),
  rowCount: z.number(),
  columns: z.array(z.string()),
  mapping: z.array(z.object({ field: z.enum(MAPPED_FIELDS), column: z.string().nullable(), required: z.boolean() })),
  firstRows: z.array(SubmissionSchema),
  problems: z.array(z.object({ kind: z.enum(BATCH_PROBLEM_KINDS), row: z.number().nullable(), column: z.string().nullable(), message: z.string() })),
  problemCount: z.number(),
  attachments: z
    .object({ root: z.string(), reportsFound: z.number(), reportsMissing: z.number(), photosFound: z.number(), photosMissing: z.number() })
    .nullable(),
  refusal: z.string().nullable(),
  refusalCode: z.enum(['unreadable', 'unsupported_format', 'empty', 'missing_columns', 'misaligned', 'malformed', 'too_large']).nullable(),
});

// The compiler checks every schema above against the shared TS type it mirrors.
type _SchemaChecks = [
  Expect<Same<z.infer<typeof BreakerSnapshotSchema>, BreakerSnapshot>>,
  Expect<Same<z.infer<typeof ProviderSnapshotSchema>, ProviderSnapshot>>,
  Expect<Same<z.infer<typeof BatchSnapshotSchema>, BatchSnapshot>>,
  Expect<Same<z.infer<typeof SnapshotSchema>, Snapshot>>,
  Expect<Same<z.infer<typeof TripCauseSchema>, TripCause>>,
  Expect<Same<z.infer<typeof BreakerTransitionSchema>, Extract<EngineEvent, { type: 'breaker_transition' }>>>,
  Expect<Same<z.infer<typeof Http429Schema>, Extract<EngineEvent, { type: 'http_429' }>>>,
  Expect<Same<z.infer<typeof RuleDefinitionSchema>, RuleDefinition>>,
  Expect<Same<z.infer<typeof RuleResultSchema>, RuleResult>>,
  Expect<Same<z.infer<typeof CallRecordSchema>, CallRecord>>,
  Expect<Same<z.infer<typeof TimelineStepSchema>, TimelineStep>>,
  Expect<Same<z.infer<typeof SubmissionResultSchema>, SubmissionResult>>,
  Expect<Same<z.infer<typeof SubmissionSchema>, Submission>>,
  Expect<Same<z.infer<typeof FailureKindSchema>, FailureKind>>,
  Expect<Same<z.infer<typeof BatchPreviewSchema>, BatchPreview>>,
];

/** The Instances view (docs/scale-out.md "Distributed runs"): the fleet's live instances, as the registry holds them. */
export const FleetInstanceSchema = z.object({
  id: z.string(),
  role: z.enum(['coordinator', 'worker', 'app']),
  host: z.string(),
  pid: z.number(),
  startedAt: z.number(),
  seenAt: z.number(),
  active: z.number(),
  finished: z.number(),
  providers: z.array(
    z.object({
      provider: ProviderIdSchema,
      inFlight: z.number(),
      rpm: z.number(),
      rpmLimit: z.number(),
      tpm: z.number(),
      breaker: BreakerStateSchema,
      pausedUntil: epochOrNull,
      exhaustedUntil: epochOrNull,
    }),
  ),
});

/** What this instance's shared stores hold in Redis (docs/scale-out.md "Instances"). */
export const SharedStoreStateSchema = z.object({
  quotas: z.array(
    z.object({
      provider: ProviderIdSchema,
      keyHash: z.string(),
      model: z.string(),
      live: z.number(),
      waiting: z.number(),
      dims: z.array(z.object({ name: z.enum(['RPM', 'TPM', 'RPD', 'TPD']), used: z.number(), limit: z.number() })),
    }),
  ),
  providers: z.array(
    z.object({
      provider: ProviderIdSchema,
      keyHash: z.string(),
      breaker: z.enum(['closed', 'open']),
      breakerUntil: epochOrNull,
      forced: z.boolean(),
      slotsInUse: z.number(),
    }),
  ),
});

export const FleetSnapshotSchema = z.object({
  at: z.number(),
  sharedVia: z.literal('redis').nullable(),
  redis: z.string().nullable(),
  instances: z.array(FleetInstanceSchema),
  error: z.string().nullable(),
  shared: SharedStoreStateSchema.optional(),
});

type _FleetSchemaChecks = [
  Expect<Same<z.infer<typeof FleetInstanceSchema>, FleetInstance>>,
  Expect<Same<z.infer<typeof FleetSnapshotSchema>, FleetSnapshot>>,
  Expect<Same<z.infer<typeof SharedStoreStateSchema>, SharedStoreState>>,
];

// --- The run planner (docs/planner.md): an operator's what-if, checked before anything is replayed. The config
// patch is checked by applyConfigPatch, which names the bad key.
const PlanMinuteSchema = z
  .number()
  .finite()
  .nonnegative()
  .max(7 * 24 * 60);
export const PlanVariantSchema = z
  .object({
    name: z.string().trim().min(1).max(40),
    patch: z.record(z.string(), z.unknown()).optional(),
    outage: z
      .object({
        provider: ProviderIdSchema,
        atMinute: PlanMinuteSchema,
        minutes: z
          .number()
          .finite()
          .positive()
          .max(7 * 24 * 60),
      })
      .strict()
      .optional(),
    quotaCut: z
      .object({ provider: ProviderIdSchema, atMinute: PlanMinuteSchema, factor: z.number().finite().gt(0).lte(1) })
      .strict()
      .optional(),
    tier: z.enum(['free', 'tier1']).optional(),
  })
  .strict();

const RpmPointSchema = z.object({ minute: z.number(), gemini: z.number(), groq: z.number() });
export const ConfigPredictionSchema = z.object({
  config: z.string(),
  makespan_s: z.number(),
  p10_s: z.number(),
  p90_s: z.number(),
  calls: z.number(),
  callsByProvider: z.object({ gemini: z.number(), groq: z.number() }),
  fallbacks: z.number(),
  http_429: z.number(),
  undetermined: z.number(),
  quota_ok: z.boolean(),
  quota_runs_out_s: z.number().nullable(),
  gemini_reset_at: z.number().nullable(),
  learned_from_calls: z.number(),
  seeds: z.number(),
  best: z.boolean(),
  rpm: z.array(RpmPointSchema),
});
const perKind = z.object({ theme: z.number(), pdf: z.number(), image: z.number() });
export const PlanReportSchema = z.object({
  workload: z.object({
    submissions: z.number(),
    calls: z.number(),
    byKind: perKind,
    cacheHits: z.number(),
    prescoreSkips: z.number(),
    reopened: z.number(),
    pdfPages: z.number(),
    images: z.number(),
  }),
  model: z.object({
    latency: z.array(
      z.object({
        provider: ProviderIdSchema,
        model: z.string(),
        kind: CallKindSchema,
        medianMs: z.number(),
        sigma: z.number(),
        calls: z.number(),
        source: z.enum(['learned', 'default']),
      }),
    ),
    providers: z.array(
      z.object({
        provider: ProviderIdSchema,
        rpm: z.number(),
        tpm: z.number(),
        rpd: z.number(),
        limitsSource: z.enum(['configured', 'tier', 'learned']),
        limitsLearnedFromCalls: z.number(),
        usedToday: z.number(),
        errorRate: z.number(),
        rate429: z.number(),
        calls: z.number(),
        available: z.boolean(),
      }),
    ),
    learnedFromCalls: z.number(),
    minCallsForFit: z.number(),
  }),
  predictions: z.array(ConfigPredictionSchema),
  startedAt: z.number(),
});
export const PlanAccuracySchema = z.object({ runs: z.number(), withinPct: z.number().nullable(), meanAbsPct: z.number().nullable() });
export const RunPlanViewSchema = z.object({
  prediction: ConfigPredictionSchema.nullable(),
  actual: z.object({ makespan_s: z.number(), calls: z.number(), rpm: z.array(RpmPointSchema) }).nullable(),
  accuracy: PlanAccuracySchema,
});

type _PlanSchemaChecks = [
  Expect<Same<z.infer<typeof ConfigPredictionSchema>, ConfigPrediction>>,
  Expect<Same<z.infer<typeof PlanReportSchema>, PlanReport>>,
  Expect<Same<z.infer<typeof RunPlanViewSchema>, RunPlanView>>,
];

/** What Test connection found (electron/providers/connection-check.ts). */
export const ConnectionReportSchema = z.object({
  provider: ProviderIdSchema,
  keyOk: z.boolean(),
  models: z.array(z.object({ model: z.string(), usable: z.boolean(), problem: z.string().nullable() })),
  limits: z
    .object({
      limitRequests: z.number().optional(),
      limitTokens: z.number().optional(),
      remainingRequests: z.number().optional(),
      remainingTokens: z.number().optional(),
      resetRequestsMs: z.number().optional(),
      resetTokensMs: z.number().optional(),
    })
    .nullable(),
  problem: z.string().nullable(),
  summary: z.array(z.string()),
});
