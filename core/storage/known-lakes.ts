/**
 * The lakes QuantMini has written, remembered in its own state under the user config folder
 * (known-lakes.json) with the volume each lives on. This is what lets a run tell "a new lake" from
 * "a lake whose drive is unplugged": only a remembered lake can be missing.
 */
import fs from 'node:fs';
import path from 'node:path';
import { z } from 'zod';
import { writeFileAtomic } from '../files/atomic-write.ts';
import { readJsonStateFile } from '../files/json-state-file.ts';

const knownLakeSchema = z
  .object({
    root: z.string(),
    /** Mount point of the volume the lake was on when last written ("/" for the boot disk). */
    volume: z.string(),
    firstWritten: z.string(),
    lastWritten: z.string(),
  })
  .strict();

/** One remembered lake. */
export type KnownLake = z.infer<typeof knownLakeSchema>;

/** The state file. */
export function knownLakesFile(stateDir: string): string {
  return path.join(stateDir, 'known-lakes.json');
}

/** Every remembered lake; an absent file is none, a corrupt one an error naming it. */
export function readKnownLakes(stateDir: string): KnownLake[] {
  return readJsonStateFile(knownLakesFile(stateDir), z.object({ lakes: z.array(knownLakeSchema) }), 'a list of known lakes')?.lakes ?? [];
}

/** The remembered entry for a lake root, or null. */
export function findKnownLake(stateDir: string, root: string): KnownLake | null {
  const abs = path.resolve(root);
  return readKnownLakes(stateDir).find((l) => l.root === abs) ?? null;
}

/** Records that `root` (on `volume`) is being written now; atomically replaces the state file. */
export async function rememberLake(stateDir: string, root: string, volume: string, now = new Date()): Promise<KnownLake> {
  const abs = path.resolve(root);
  const lakes = readKnownLakes(stateDir);
  const prior = lakes.find((l) => l.root === abs);
  const entry: KnownLake = { root: abs, volume, firstWritten: prior?.firstWritten ?? now.toISOString(), lastWritten: now.toISOString() };
  const next = [...lakes.filter((l) => l.root !== abs), entry].sort((a, b) => a.root.localeCompare(b.root));
  await fs.promises.mkdir(stateDir, { recursive: true });
  await writeFileAtomic(knownLakesFile(stateDir), `${JSON.stringify({ lakes: next }, null, 2)}\n`);
  return entry;
}
