/**
 * The request allowlist as plain strings, without the zod schemas: the sandboxed preload checks
 * names against it and stays a few kilobytes. contract.ts asserts at compile time that this list
 * and the schema map name exactly the same requests.
 */
export const REQUEST_NAME_LIST = [
  'app.info',
  'plan.preview',
  'runs.startUpdate',
  'runs.startBackfill',
  'runs.cancel',
  'history.estimate',
  'runs.startHistory',
  'runs.resume',
  'runs.retryFailed',
  'runs.list',
  'runs.get',
  'runs.active',
  'jobs.cancel',
  'jobs.retry',
  'jobs.log',
  'freshness.get',
  'schedule.status',
  'schedule.install',
  'schedule.remove',
  'system.profile',
  'system.memory',
  'settings.get',
  'settings.update',
  'settings.setCredentials',
  'settings.testConnection',
  'settings.pickDataRoot',
  'settings.chooseDataRoot',
  'lake.coverage',
  'lake.cell',
  'backfill.estimate',
  'lake.list',
  'lake.parquetInfo',
  'lake.preview',
  'sql.run',
  'sql.cancel',
  'sql.export',
  'coverage.layers',
  'symbol.search',
  'symbol.get',
  'symbol.feature',
  'symbol.options',
  'gold.status',
  'gold.check',
  'featureSets.list',
  'featureSets.get',
  'featureSets.coverage',
  'featureSets.experiments',
  'featureSets.setNote',
  'featureSets.diff',
  'featureSets.check',
] as const;

/** Prefix of every request channel on Electron's IPC. */
export const IPC_PREFIX = 'qm:';

/** IPC channel of a request name (the name is not checked here; callers check the allowlist). */
export function ipcChannelFor(name: string): string {
  return `${IPC_PREFIX}${name}`;
}
