/**
 * The history of scheduled runs, kept in the user state folder (not the lake: a run refused
 * because the lake's drive is missing must still be recorded). One small JSON file, replaced
 * atomically, holding the most recent runs; the Today page and `schedule status` read the last.
 */
import fs from 'node:fs';
import path from 'node:path';
import { z } from 'zod';
import { writeFileAtomic } from '../files/atomic-write.ts';
import { readJsonStateFile } from '../files/json-state-file.ts';

/** How a scheduled run ended: `refused` when a pre-run check (volume, space, lock) stopped it. */
export const SCHEDULED_OUTCOMES = ['complete', 'failed', 'refused', 'cancelled', 'skipped'] as const;

const recordSchema = z
  .object({
    /** The New York trading date the run was for. */
    date: z.string(),
    startedAt: z.string(),
    finishedAt: z.string(),
    outcome: z.enum(SCHEDULED_OUTCOMES),
    message: z.string(),
    runId: z.string().nullable(),
    lakeRoot: z.string(),
  })
  .strict();

/** One scheduled run as recorded. */
export type ScheduledRunRecord = z.infer<typeof recordSchema>;

const KEEP = 60;

/** The file the history lives in. */
export function scheduledRunsFile(stateDir: string): string {
  return path.join(stateDir, 'scheduled-runs.json');
}

/** Reads the history, oldest first; an absent file is an empty history, a corrupt one an error naming it. */
export function readScheduledRuns(stateDir: string): ScheduledRunRecord[] {
  return readJsonStateFile(scheduledRunsFile(stateDir), z.object({ runs: z.array(recordSchema) }), 'a scheduled-run history')?.runs ?? [];
}

/** The most recent scheduled run, or null. */
export function lastScheduledRun(stateDir: string): ScheduledRunRecord | null {
  return readScheduledRuns(stateDir).at(-1) ?? null;
}

/** Appends a run to the history (keeping the most recent 60) and writes it atomically. */
export async function recordScheduledRun(stateDir: string, record: ScheduledRunRecord): Promise<void> {
  const runs = [...readScheduledRuns(stateDir), recordSchema.parse(record)].slice(-KEEP);
  await fs.promises.mkdir(stateDir, { recursive: true });
  await writeFileAtomic(scheduledRunsFile(stateDir), `${JSON.stringify({ runs }, null, 2)}\n`);
}
