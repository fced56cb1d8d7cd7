// Child process for the kill test: runs one fetchRestPartition against the parent's simulator and
// reports every progress event as a JSON line on stdout, so the parent can SIGKILL it mid-fetch.
import { fetchRestPartition } from '../../../core/layers/bronze/rest-partition.ts';
import { OPEN_GATE } from '../../../core/sources/polygon/rest/rate-gate.ts';
import { createRestClient } from '../../../core/sources/polygon/rest/rest-client.ts';
import type { RestDatasetId } from '../../../core/datasets/rest-dataset-types.ts';

const [lakeRoot, dataset, date, pageSize, restBase] = process.argv.slice(2) as [string, RestDatasetId, string, string, string];
const say = (v: unknown) => process.stdout.write(`${JSON.stringify(v)}\n`);
// The key comes through the environment, as a job process gets it, never on the command line.
const client = createRestClient({ baseUrl: restBase, apiKey: process.env.QM_TEST_REST_KEY ?? '', plan: 'advanced' });
const result = await fetchRestPartition({
  lakeRoot, dataset, date, client, gate: OPEN_GATE, schedule: { tickersDailyFrom: '2024-06-03' }, pageSize: Number(pageSize),
  onProgress: (p) => say({ progress: p }),
});
await client.close();
say({ done: { state: result.state, rows: result.rows } });
