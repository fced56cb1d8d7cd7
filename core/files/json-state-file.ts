import fs from 'node:fs';
import type { z } from 'zod';

/**
 * Reads a small JSON state file (QuantMini's own records under the user state folder): null when
 * it does not exist, an error naming the file when it is not JSON or not what `schema` expects.
 */
export function readJsonStateFile<T>(file: string, schema: z.ZodType<T>, what: string): T | null {
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw err;
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (err) {
    throw new Error(`${file} is not ${what}: ${(err as Error).message}`, { cause: err });
  }
  const parsed = schema.safeParse(json);
  if (!parsed.success) throw new Error(`${file} is not ${what}: ${parsed.error.issues[0]?.message ?? 'invalid'}`);
  return parsed.data;
}
