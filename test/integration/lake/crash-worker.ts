// Child process for the crash-safety tests: runs one downloadDay or ingestDay and reports every
// progress event as a JSON line on stdout, so the parent can SIGKILL it at a chosen moment.
import { ingestDay } from '../../../core/layers/bronze/flat-file-ingestor.ts';
import { downloadDay } from '../../../core/sources/polygon/flat-file-downloader.ts';
import { destroySharedS3Clients } from '../../../core/sources/polygon/s3-client.ts';
import type { FlatFileDatasetId } from '../../../core/datasets/index.ts';

const [mode, lakeRoot, dataset, date, accessJson] = process.argv.slice(2) as [string, string, FlatFileDatasetId, string, string | undefined];
const say = (v: unknown) => process.stdout.write(`${JSON.stringify(v)}\n`);

if (mode === 'download') {
  const res = await downloadDay({
    lakeRoot, dataset, date,
    access: JSON.parse(accessJson ?? '{}'),
    retry: { requestAttempts: 1, baseDelayMs: 1, maxDelayMs: 1 },
    now: () => new Date('2030-01-01T00:00:00Z'),
    onProgress: (p) => say({ progress: p }),
  });
  destroySharedS3Clients();
  say({ done: res });
} else {
  const res = await ingestDay({ lakeRoot, dataset, date, duckdb: { threads: 2, memoryLimit: '512MB' }, onProgress: (p) => say({ progress: p }) });
  say({ done: res });
}
