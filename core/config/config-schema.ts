import { z } from 'zod';
import { isIsoDate } from '../calendar/iso-date.ts';
import { DATASET_IDS, FEATURE_SET_NAMES, FLAT_FILE_DATASET_IDS, goldFeatureSetName } from '../vocabulary/dataset-ids.ts';

export { FLAT_FILE_DATASET_IDS } from '../vocabulary/dataset-ids.ts';

const isoDate = z
  .string()
  .regex(/^\d{4}-\d{2}-\d{2}$/, 'a date as YYYY-MM-DD')
  .refine(isIsoDate, { message: 'not a calendar date' });
const secret = z.string().min(1).nullable();
const positiveInt = z.number().int().positive();

/** DuckDB accepts sizes such as "512MB", "2GB" or "1.5GiB". */
export const memoryLimitSchema = z
  .string()
  .regex(/^\d+(\.\d+)?\s*(KB|MB|GB|TB|KiB|MiB|GiB|TiB)$/i, 'a size such as "2GB" or "512MiB"');

export const PLAN_NAMES = ['basic', 'starter', 'developer', 'advanced', 'business'] as const;

/** Everything below the profile level; each key documented in config/default.yaml. */
export const settingsSchema = z
  .object({
    dataRoot: z.string().min(1),
    demoDataRoot: z.string().min(1),
    source: z.enum(['auto', 'demo', 'massive']),
    massive: z
      .object({
        apiKey: secret,
        restBase: z.url(),
        plan: z.enum(PLAN_NAMES),
        s3: z
          .object({
            endpoint: z.url(),
            bucket: z.string().min(1),
            region: z.string().min(1),
            accessKeyId: secret,
            secretAccessKey: secret,
          })
          .strict(),
      })
      .strict(),
    datasets: z.object({ enabled: z.array(z.enum(DATASET_IDS)) }).strict(),
    concurrency: z
      .object({
        downloads: positiveInt.max(64).nullable(),
        ingestWorkers: positiveInt.max(64).nullable(),
        duckdbThreads: positiveInt.max(256).nullable(),
        duckdbMemoryLimit: memoryLimitSchema.nullable(),
      })
      .strict(),
    memory: z
      .object({
        warningPercent: z.number().min(1).max(100),
        criticalPercent: z.number().min(1).max(100),
        criticalGraceSeconds: z.number().min(0),
        sampleIntervalMs: positiveInt.min(100),
      })
      .strict(),
    retry: z
      .object({
        maxAttempts: positiveInt.max(20),
        requestAttempts: positiveInt.max(20),
        baseDelayMs: z.number().int().min(0),
        maxDelayMs: z.number().int().min(0),
      })
      .strict(),
    demo: z.object({ seed: z.number().int(), tickers: positiveInt.max(20000), historyStart: isoDate }).strict(),
    logging: z.object({ level: z.enum(['trace', 'debug', 'info', 'warn', 'error', 'silent']) }).strict(),
    sql: z
      .object({
        timeLimitSeconds: z.number().positive().max(86_400),
        maxResultMiB: z.number().positive().max(4096),
      })
      .strict(),
    rest: z
      .object({
        tickersDailyFrom: isoDate,
        lookbackTradingDays: z.number().int().min(0).max(2000).nullable(),
        lookaheadCalendarDays: z.number().int().min(0).max(3650).nullable(),
        paidRequestsPerSecond: z.number().positive().max(1000),
      })
      .strict(),
    schedule: z
      .object({
        enabled: z.boolean(),
        at: z.string().regex(/^([01]\d|2[0-3]):[0-5]\d$/, 'a time as HH:MM (24-hour, New York time)'),
      })
      .strict(),
    storage: z.object({ marginGiB: z.number().min(0).max(10_000) }).strict(),
    menuBar: z.object({ enabled: z.boolean() }).strict(),
    silver: z.object({ riskFreeRate: z.number().min(-0.1).max(1) }).strict(),
    gold: z
      .object({
        // NAME[@VERSION] of a built-in feature set whose outputs the day gold carries as fields.
        withFeatures: z
          .string()
          .regex(/^[a-z][a-z0-9_]*(@\d+(\.\d+){0,2})?$/, 'a feature set as NAME or NAME@VERSION, e.g. alpha158@1')
          .nullable(),
        minute: z.object({ extendedHours: z.boolean() }).strict(),
      })
      .strict(),
    validation: z.record(
      z.enum(FLAT_FILE_DATASET_IDS),
      z.object({ maxPrice: z.number().positive(), maxVolume: z.number().positive() }).strict(),
    ),
  })
  .strict()
  .superRefine((s, ctx) => {
    // Gold's feature columns are written by the set's own gold layer: without the set (and gold)
    // enabled they would stay NaN, so the setting is refused instead.
    const ref = s.gold.withFeatures;
    if (!ref) return;
    const name = goldFeatureSetName(ref);
    const missing = [`features_${name}`, 'qlib_us'].filter((id) => !(s.datasets.enabled as readonly string[]).includes(id));
    const known = (FEATURE_SET_NAMES as readonly string[]).includes(name);
    if (!known || missing.length) {
      ctx.addIssue({
        code: 'custom',
        path: ['gold', 'withFeatures'],
        message: known
          ? `${ref} needs ${missing.join(' and ')} in datasets.enabled`
          : `no built-in feature set ${name} (built-in: ${FEATURE_SET_NAMES.join(', ')})`,
      });
    }
  });

export type Settings = z.infer<typeof settingsSchema>;

/** Keys whose values are secrets: printed as *** everywhere and never sent to the renderer. */
export const SECRET_KEYS = [
  'massive.apiKey',
  'massive.s3.accessKeyId',
  'massive.s3.secretAccessKey',
] as const;
