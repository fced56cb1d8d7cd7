/**
 * `npm run bench`: runs every benchmark module and prints each figure beside its floor or peer.
 * Each module is also runnable alone; pass names to run a subset: `npm run bench -- lake ui`.
 */
import { formatBenchTable, type BenchRow } from './bench-types.ts';

interface Suite {
  name: string;
  load: () => Promise<() => Promise<BenchRow[]>>;
}

const suites: Suite[] = [
  { name: 'simulator', load: async () => (await import('./simulator-bench.ts')).runSimulatorBench },
  { name: 'lake', load: async () => (await import('./lake-bench.ts')).runLakeBench },
  { name: 'ui', load: async () => (await import('./ui-bench.ts')).runUiBench },
  { name: 'feature-sets-page', load: async () => (await import('./feature-sets-page-bench.ts')).runFeatureSetsPageBench },
  { name: 'symbol-chart', load: async () => (await import('./symbol-chart-bench.ts')).runSymbolChartBench },
  { name: 'rest', load: async () => (await import('./rest-bench.ts')).runRestBench },
  { name: 'engine', load: async () => (await import('./engine-bench.ts')).runEngineBench },
  { name: 'gold', load: async () => (await import('./gold-bench.ts')).runGoldBench },
  { name: 'lake-gold', load: async () => (await import('./lake-gold-bench.ts')).runLakeGoldBench },
  { name: 'minute-gold', load: async () => (await import('./minute-gold-bench.ts')).runMinuteGoldBench },
  { name: 'features', load: async () => (await import('./features-bench.ts')).runFeaturesBench },
  { name: 'features-lake', load: async () => (await import('./features-lake-bench.ts')).runFeaturesLakeBench },
  { name: 'silver', load: async () => (await import('./silver-bench.ts')).runSilverBench },
];

const wanted = process.argv.slice(2);
let failures = 0;
for (const suite of suites) {
  if (wanted.length && !wanted.includes(suite.name)) continue;
  const started = performance.now();
  try {
    const run = await suite.load();
    const rows = await run();
    console.log(formatBenchTable(`${suite.name} (${((performance.now() - started) / 1000).toFixed(1)} s)`, rows));
  } catch (err) {
    failures += 1;
    console.error(`== ${suite.name}: failed: ${err instanceof Error ? err.message : String(err)}`);
  }
  console.log('');
}
process.exit(failures ? 1 : 0);
