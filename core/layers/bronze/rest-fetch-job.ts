import fs from 'node:fs';
import { createLakeRegistry, restFetchUnitOf } from '../../datasets/index.ts';
import { sha256OfFile } from '../../files/file-checksum.ts';
import { lakePaths } from '../../lake/lake-paths.ts';
import { createLineageReader, currentLineage } from '../../lake/lineage.ts';
import { readPartitionRecord, writePartitionRecord, type PartitionRecord } from '../../lake/partition-records.ts';
import type { WorkerResult } from '../../process/job-protocol.ts';
import type { WorkerContext } from '../../process/worker-main.ts';
import { createRemoteRateGate } from '../../sources/polygon/rest/rate-gate-remote.ts';
import { createRestClient } from '../../sources/polygon/rest/rest-client.ts';
import type { RestFetchJobSpec } from './rest-fetch-job-kind.ts';
import { fetchRestPartition } from './rest-partition.ts';

/** Outcomes from best to worst: a job of several fetches ends with its worst. */
const SEVERITY: ReadonlyArray<WorkerResult['outcome']> = ['complete', 'degraded', 'not_entitled', 'failed'];

/**
 * Worker side of the `rest-fetch` job kind: its fetch units, one after the other, through landing into bronze, then its
 * records with lineage. The rate limit is the run's, shared by every job process: each request
 * asks the supervisor's gate over the job's service channel. A fetch that failed never turns a
 * partition that holds good data into `failed`: its old record and file stay, and the failure is
 * the job's.
 */
export async function runRestFetchJob(raw: unknown, ctx: WorkerContext): Promise<WorkerResult> {
  const spec = raw as RestFetchJobSpec;
  const registry = createLakeRegistry(spec.registryOptions);
  const gate = createRemoteRateGate(ctx.services);
  const client = createRestClient({ baseUrl: spec.rest.baseUrl, apiKey: spec.rest.apiKey, plan: spec.rest.plan, logger: ctx.logger });
  const schedule = { tickersDailyFrom: spec.registryOptions.tickersDailyFrom };
  // The job's fetch units, in date order (each starts at its key; its partitions follow).
  const unitDates = [...new Map(spec.dates.map((d) => [restFetchUnitOf(spec.dataset, d, schedule).key, d])).values()];
  const total = { rows: 0, rejects: 0, bytes: 0, errors: [] as string[] };
  let worst: WorkerResult['outcome'] = 'complete';
  try {
    for (const [i, date] of unitDates.entries()) {
      ctx.signal.throwIfAborted();
      const r = await fetchRestPartition({
        lakeRoot: spec.lakeRoot, dataset: spec.dataset, date, client, gate, schedule,
        signal: ctx.signal, logger: ctx.logger, duckdb: spec.duckdb,
        onProgress: (p) => ctx.onProgress({ ...p, message: `${p.message ? `${p.message}; ` : ''}fetch ${i + 1} of ${unitDates.length}` }),
      });
      const failed = r.state === 'failed' || r.state === 'not_entitled';
      for (const rec of r.records) {
        if (failed) {
          const old = await readPartitionRecord(spec.lakeRoot, rec.layer, rec.dataset, rec.date);
          if (old && (old.status === 'complete' || old.status === 'degraded')) continue;
        }
        await writePartitionRecord(spec.lakeRoot, await withLineage(rec));
      }
      total.rows += r.rows;
      total.rejects += r.rejects;
      total.bytes += r.landing?.sourceBytes ?? r.bytes;
      if (r.error) total.errors.push(r.error);
      worst = SEVERITY.indexOf(r.state) > SEVERITY.indexOf(worst) ? r.state : worst;
      // The key was refused: every other unit would be refused the same way.
      if (r.errorKind === 'credentials') return { outcome: 'failed', errorKind: 'credentials', rows: total.rows, bytes: total.bytes, error: r.error ?? 'the API key was rejected' };
      if (r.state === 'not_entitled') break;
    }
    return {
      outcome: worst,
      rows: total.rows,
      rejects: total.rejects,
      bytes: total.bytes,
      ...(total.errors.length ? { error: total.errors.slice(0, 3).join('; ') + (total.errors.length > 3 ? ` (and ${total.errors.length - 3} more)` : '') } : {}),
    };
  } finally {
    gate.dispose();
    await client.close();
  }

  async function withLineage(rec: PartitionRecord): Promise<PartitionRecord> {
    if (rec.layer !== 'bronze' || !registry.hasLayer(rec.dataset, 'bronze')) return rec;
    const file = rec.status === 'complete' || rec.status === 'degraded' ? lakePaths(spec.lakeRoot).bronzeFile(rec.dataset, rec.date) : null;
    const checksum = file && fs.existsSync(file) ? await sha256OfFile(file) : null;
    const lineage = currentLineage(registry, createLineageReader(spec.lakeRoot), { dataset: rec.dataset, layer: 'bronze', date: rec.date });
    return { ...rec, checksum, builderVersion: lineage.builderVersion, inputs: lineage.inputs };
  }
}
