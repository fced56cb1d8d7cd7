import { SECRET_KEYS, type Settings } from './config-schema.ts';

export const REDACTED = '***';

/** A copy of the settings with every secret replaced by *** (null stays null, so "unset" is visible). */
export function redactSettings(settings: Settings): Settings {
  const copy = structuredClone(settings);
  const s3 = copy.massive.s3;
  if (copy.massive.apiKey) copy.massive.apiKey = REDACTED;
  if (s3.accessKeyId) s3.accessKeyId = REDACTED;
  if (s3.secretAccessKey) s3.secretAccessKey = REDACTED;
  return copy;
}

/** The secret values currently configured, for scrubbing free text such as error messages. */
export function secretValues(settings: Settings): string[] {
  const values = [settings.massive.apiKey, settings.massive.s3.accessKeyId, settings.massive.s3.secretAccessKey];
  return values.filter((v): v is string => typeof v === 'string' && v.length >= 4);
}

/** Replaces any occurrence of the given secrets (and apiKey=... query parameters) in text with ***. */
export function scrubText(text: string, secrets: readonly string[]): string {
  let out = text.replace(/([?&]apiKey=)[^&\s"']+/gi, `$1${REDACTED}`).replace(/(Bearer\s+)[\w.-]+/g, `$1${REDACTED}`);
  for (const s of secrets) out = out.split(s).join(REDACTED);
  return out;
}

/** True for dotted keys that hold secrets. */
export function isSecretKey(key: string): boolean {
  return (SECRET_KEYS as readonly string[]).includes(key);
}
