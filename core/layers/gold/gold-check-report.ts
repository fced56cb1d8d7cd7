/**
 * The health report of a Qlib directory (`quantmini qlib check --json`, stored by the lake for the
 * UI). The zod schema is the documented shape; README.md in this folder describes each rule.
 */
import { z } from 'zod';

/** Every rule a finding can come from: Qlib's check_data_health rules first, then ours. */
export const GOLD_CHECK_RULES = [
  'missing_data',
  'large_step',
  'required_columns',
  'missing_factor',
  'features_dir_lowercase',
  'calendar_format',
  'calendar_nyse',
  'instruments_format',
  'bin_missing',
  'bin_header',
  'bin_length',
  'orphan_features',
  'nan_on_traded_day',
  'value_outside_span',
  'expected_spans',
] as const;

/** A rule name. */
export type GoldCheckRule = (typeof GOLD_CHECK_RULES)[number];

export const goldFindingSchema = z
  .object({
    rule: z.enum(GOLD_CHECK_RULES),
    level: z.enum(['error', 'warning']),
    /** Instrument as all.txt names it (or the folder name for folder rules); null for calendar rules. */
    instrument: z.string().nullable(),
    /** Field (bin name without the freq suffix), or null. */
    field: z.string().nullable(),
    /** Calendar labels concerned, ascending; at most 20 (dateCount says how many in all). */
    dates: z.array(z.string()),
    dateCount: z.number().int().nonnegative(),
    message: z.string(),
    /** A figure behind the finding when there is one (largest step, NaN count, ...). */
    value: z.number().nullable(),
  })
  .strict();

export const goldCheckReportSchema = z
  .object({
    format: z.literal('quantmini-qlib-check'),
    version: z.literal(1),
    qlibDir: z.string(),
    freq: z.string(),
    checkedAt: z.string(),
    calendar: z.object({ length: z.number().int(), first: z.string().nullable(), last: z.string().nullable() }).strict(),
    instruments: z.number().int(),
    bins: z.number().int(),
    thresholds: z.object({ priceStep: z.number(), volumeStep: z.number(), missingDataNum: z.number().int() }).strict(),
    counts: z.object({ error: z.number().int(), warning: z.number().int() }).strict(),
    /** True when there is no error-level finding (warnings allowed). */
    ok: z.boolean(),
    findings: z.array(goldFindingSchema),
  })
  .strict();

/** One finding. */
export type GoldFinding = z.infer<typeof goldFindingSchema>;
/** The whole report. */
export type GoldCheckReport = z.infer<typeof goldCheckReportSchema>;

/** Most dates a finding lists. */
export const MAX_FINDING_DATES = 20;
