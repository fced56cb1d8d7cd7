/**
 * The Settings form as plain data: text fields as typed, turned into a `settings.update` payload
 * and validated with the contract's own zod schema (the same one the backend applies), with the
 * issues rewritten as short sentences next to each field.
 */
import type { SettingsView } from '../../core/contract/contract-views.ts';
import { requestSchemas } from '../../core/contract/contract.ts';
import type { RequestInput } from '../../core/contract/contract.ts';

export interface SettingsForm {
  dataRoot: string;
  source: SettingsView['source'];
  plan: string;
  s3Endpoint: string;
  datasetsEnabled: string[];
  downloads: string;
  ingestWorkers: string;
  duckdbThreads: string;
  duckdbMemoryLimit: string;
  warningPercent: string;
  criticalPercent: string;
  criticalGraceSeconds: string;
}

export type SettingsField = keyof SettingsForm;
export type SettingsErrors = Partial<Record<SettingsField, string>>;

/** The saved value of a field a start-up flag overrides for this run, or undefined when none does. */
export function savedOverride(s: SettingsView, field: 'source' | 'dataRoot'): string | undefined {
  const o = s.overrides.find((x) => x.field === field);
  return o?.saved ?? undefined;
}

/**
 * The form's starting values from the saved settings (automatic values as empty fields). A field a
 * start-up flag overrides starts from its saved value, so saving never writes the flag's value
 * into the configuration file.
 */
export function formFromSettings(s: SettingsView): SettingsForm {
  const text = (n: number | string | null) => (n === null ? '' : String(n));
  return {
    dataRoot: savedOverride(s, 'dataRoot') ?? s.dataRoot,
    source: (savedOverride(s, 'source') as SettingsView['source'] | undefined) ?? s.source,
    plan: s.plan,
    s3Endpoint: s.s3Endpoint,
    datasetsEnabled: [...s.datasetsEnabled],
    downloads: text(s.concurrency.downloads),
    ingestWorkers: text(s.concurrency.ingestWorkers),
    duckdbThreads: text(s.concurrency.duckdbThreads),
    duckdbMemoryLimit: text(s.concurrency.duckdbMemoryLimit),
    warningPercent: text(s.memory.warningPercent),
    criticalPercent: text(s.memory.criticalPercent),
    criticalGraceSeconds: text(s.memory.criticalGraceSeconds),
  };
}

/** A typed number, or NaN for anything that is not one (so the schema reports it). */
function toNumber(text: string): number {
  const t = text.trim();
  return t === '' || !/^-?\d+(\.\d+)?$/.test(t) ? Number.NaN : Number(t);
}

/** Empty means "automatic" (null) for the concurrency fields. */
function toOptionalNumber(text: string): number | null {
  return text.trim() === '' ? null : toNumber(text);
}

/** The `settings.update` payload the form describes. */
export function payloadFromForm(f: SettingsForm): RequestInput<'settings.update'> {
  return {
    dataRoot: f.dataRoot.trim(),
    source: f.source,
    plan: f.plan as RequestInput<'settings.update'>['plan'],
    s3Endpoint: f.s3Endpoint.trim(),
    datasetsEnabled: f.datasetsEnabled as RequestInput<'settings.update'>['datasetsEnabled'],
    concurrency: {
      downloads: toOptionalNumber(f.downloads),
      ingestWorkers: toOptionalNumber(f.ingestWorkers),
      duckdbThreads: toOptionalNumber(f.duckdbThreads),
      duckdbMemoryLimit: f.duckdbMemoryLimit.trim() === '' ? null : f.duckdbMemoryLimit.trim(),
    },
    memory: {
      warningPercent: toNumber(f.warningPercent),
      criticalPercent: toNumber(f.criticalPercent),
      criticalGraceSeconds: toNumber(f.criticalGraceSeconds),
    },
  };
}

/**
 * Only what the form changed, relative to the values it started from: saving then writes exactly
 * the fields the person edited (a flag-forced value or an untouched default stays out of the file).
 */
export function changedPayload(form: SettingsForm, initial: SettingsForm): RequestInput<'settings.update'> {
  const now = payloadFromForm(form);
  const before = payloadFromForm(initial);
  const out: RequestInput<'settings.update'> = {};
  const same = (a: unknown, b: unknown) => JSON.stringify(a) === JSON.stringify(b);
  for (const key of ['dataRoot', 'source', 'plan', 's3Endpoint', 'datasetsEnabled'] as const) {
    if (!same(now[key], before[key])) (out as Record<string, unknown>)[key] = now[key];
  }
  for (const group of ['concurrency', 'memory'] as const) {
    const a = (now[group] ?? {}) as Record<string, unknown>;
    const b = (before[group] ?? {}) as Record<string, unknown>;
    const diff = Object.fromEntries(Object.entries(a).filter(([k, v]) => !same(v, b[k])));
    if (Object.keys(diff).length > 0) (out as Record<string, unknown>)[group] = diff;
  }
  return out;
}

interface Issue {
  code: string;
  path: PropertyKey[];
  message: string;
  minimum?: number | bigint;
  maximum?: number | bigint;
  expected?: string;
  received?: string;
}

/** A zod issue as a sentence a person can act on. */
export function issueText(issue: Issue): string {
  switch (issue.code) {
    case 'too_small':
      return issue.path.includes('dataRoot') ? 'Enter a folder path.' : `Must be at least ${String(issue.minimum)}.`;
    case 'too_big':
      return `Must be at most ${String(issue.maximum)}.`;
    case 'invalid_type':
      if (issue.expected === 'int') return 'Enter a whole number.';
      if (issue.expected === 'number') return issue.received === 'NaN' ? 'Enter a number.' : 'Enter a number.';
      return 'This value is not accepted.';
    case 'invalid_format':
      if (issue.path.includes('s3Endpoint')) return 'Enter a URL such as https://files.massive.com.';
      return /^[a-z]/.test(issue.message) ? `Enter ${issue.message}.` : issue.message;
    default:
      return issue.message;
  }
}

/** Which form field a schema path belongs to. */
function fieldOf(path: PropertyKey[]): SettingsField | null {
  const last = path[path.length - 1];
  if (path[0] === 'datasetsEnabled') return 'datasetsEnabled';
  return typeof last === 'string' && last !== 'concurrency' && last !== 'memory' ? (last as SettingsField) : null;
}

/** Validates the form; `payload` is set only when there are no errors. */
export function validateSettingsForm(f: SettingsForm): { payload: RequestInput<'settings.update'> | null; errors: SettingsErrors } {
  const payload = payloadFromForm(f);
  const errors: SettingsErrors = {};
  const parsed = requestSchemas['settings.update'].safeParse(payload);
  if (!parsed.success) {
    for (const issue of parsed.error.issues as Issue[]) {
      const field = fieldOf(issue.path);
      if (field && !errors[field]) errors[field] = issueText(issue);
    }
  }
  const warn = payload.memory?.warningPercent;
  const crit = payload.memory?.criticalPercent;
  if (!errors.criticalPercent && warn !== undefined && crit !== undefined && Number.isFinite(warn) && Number.isFinite(crit) && crit <= warn) {
    errors.criticalPercent = 'Must be above the warning level.';
  }
  if (!errors.datasetsEnabled && f.datasetsEnabled.length === 0) errors.datasetsEnabled = 'Enable at least one dataset.';
  return { payload: Object.keys(errors).length === 0 ? payload : null, errors };
}

export interface CredentialsForm {
  apiKey: string;
  s3AccessKeyId: string;
  s3SecretAccessKey: string;
}

/** The `settings.setCredentials` payload for the filled-in fields, or null when none are filled. */
export function credentialsPayload(c: CredentialsForm, hasS3Keys: boolean): { payload: RequestInput<'settings.setCredentials'> | null; errors: Partial<Record<keyof CredentialsForm, string>> } {
  const payload: RequestInput<'settings.setCredentials'> = {};
  for (const key of ['apiKey', 's3AccessKeyId', 's3SecretAccessKey'] as const) {
    const v = c[key].trim();
    if (v !== '') payload[key] = v;
  }
  if (Object.keys(payload).length === 0) return { payload: null, errors: {} };
  const parsed = requestSchemas['settings.setCredentials'].safeParse(payload);
  const errors: Partial<Record<keyof CredentialsForm, string>> = {};
  if (!parsed.success) {
    for (const issue of parsed.error.issues as Issue[]) {
      const key = issue.path[0] as keyof CredentialsForm;
      errors[key] ??= issue.code === 'too_big' ? `Too long (at most ${String(issue.maximum)} characters).` : issueText(issue);
    }
  }
  // S3 keys only work as a pair: a first-time key id without its secret would leave flat files unusable.
  if (!hasS3Keys && (payload.s3AccessKeyId === undefined) !== (payload.s3SecretAccessKey === undefined)) {
    const missing = payload.s3AccessKeyId === undefined ? 's3AccessKeyId' : 's3SecretAccessKey';
    errors[missing] ??= 'Enter both S3 keys together.';
  }
  return { payload: Object.keys(errors).length === 0 ? payload : null, errors };
}
