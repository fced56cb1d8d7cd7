// The layer order of core/, as data. A module may import from its own folder and from folders on
// a lower level, never from one on its level or above: lower layers know nothing of the ones built
// on them, so each can be read, tested and replaced alone. A new folder under core/ must be given
// a level here (the rule reports any folder it does not know). core/README.md explains the order.

/** Level of each folder (sources/* and layers/* count one level deeper). Lower = more basic. */
export const CORE_LEVELS = {
  vocabulary: 0,
  calendar: 0,
  format: 0,
  async: 0,
  progress: 0,
  files: 0,
  config: 1,
  qlib: 1,
  duckdb: 1,
  process: 1,
  storage: 1,
  log: 2,
  system: 2,
  datasets: 2,
  contract: 2,
  schedule: 2,
  notify: 3,
  lake: 3,
  'sources/simulator': 3,
  jobs: 4,
  features: 4.5,
  'sources/polygon': 5,
  'layers/bronze': 6,
  'layers/silver': 6.1,
  'layers/gold': 6.2,
  'layers/features': 6.3,
  runtime: 7,
  'lake-service': 7,
  app: 8,
  'web-host': 9,
  cli: 10,
};

/** The layer unit of a path relative to the repository root ("core/sources/polygon/x.ts" -> "sources/polygon"), or null. */
export function coreUnit(relPath) {
  const parts = relPath.split('/');
  if (parts[0] !== 'core' || parts.length < 3) return null;
  if ((parts[1] === 'sources' || parts[1] === 'layers') && parts.length > 3) return `${parts[1]}/${parts[2]}`;
  return parts[1];
}
