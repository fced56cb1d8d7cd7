/**
 * Shapes of the data the UI receives. They are the contract's own types (not core's internals), so
 * core can change its internals without the renderer noticing, and the renderer never sees secrets.
 */
import type { Layer } from '../vocabulary/layers.ts';
import type { CoverageState } from '../vocabulary/coverage-states.ts';

export type { JobKind } from '../vocabulary/job-states.ts';
import type { JobKind } from '../vocabulary/job-states.ts';
export type JobState =
  | 'queued'
  | 'running'
  | 'complete'
  | 'skipped'
  | 'degraded'
  | 'pending'
  | 'missing'
  | 'not_entitled'
  | 'failed'
  | 'crashed'
  | 'cancelled';
export type RunOutcome = 'running' | 'succeeded' | 'partial' | 'failed' | 'cancelled' | 'interrupted';
export type PressureLevel = 'normal' | 'warning' | 'critical';

export interface AppInfo {
  version: string;
  mode: 'demo' | 'massive';
  dataRoot: string;
  host: 'electron' | 'web';
  platform: string;
  /** No lake folder chosen yet (first run): the app asks for one before anything else. */
  lakeChoiceNeeded: boolean;
}

/** What the plan does for one (dataset, day): the job kinds that run for it, in order. */
export interface PlanStep {
  dataset: string;
  date: string;
  kinds: JobKind[];
  estimatedBytes: number;
  reason: string;
}

/** One job of a plan. */
export interface PlanJobView {
  jobId: string;
  kind: JobKind;
  dataset: string;
  layer: Layer;
  dates: string[];
  dependsOn: string[];
  estimatedBytes: number;
  /** How the size is known: asked upstream, a typical size (a guess), the landing file, unknown. */
  estimate: 'head' | 'typical' | 'landing' | 'unpublished' | 'none';
  reason: string;
}

export interface UpdatePlanView {
  dates: string[];
  datasets: string[];
  steps: PlanStep[];
  jobs: PlanJobView[];
  /** Jobs per kind ("3 download, 3 ingest"). */
  byKind: Record<string, number>;
  /** Partitions already up to date and skipped. */
  alreadyComplete: number;
  totalEstimatedBytes: number;
  /** Some sizes are typical sizes, not sizes from upstream: the total is a guess. */
  estimateIsGuess: boolean;
}

export interface JobView {
  jobId: string;
  kind: JobKind;
  dataset: string;
  layer: Layer;
  /** First date it writes; `dates` holds every one (a fetch unit writes a month). */
  date: string;
  dates: string[];
  state: JobState;
  /** Job attempts so far (each a new process); a request inside one may have retried on its own. */
  attempts: number;
  /** Job attempts the run allows (settings.retry.maxAttempts): "attempt 2 of 3". */
  maxAttempts: number | null;
  startedAt: string | null;
  finishedAt: string | null;
  durationMs: number | null;
  rows: number | null;
  bytes: number | null;
  error: string | null;
  /** Why the process ended when it crashed: exit code, signal, oom. */
  crashReason: string | null;
}

export interface JobProgressView {
  runId: string;
  jobId: string;
  phase: string;
  bytesDone: number | null;
  bytesTotal: number | null;
  rowsDone: number | null;
  rowsTotal: number | null;
  bytesPerSecond: number | null;
  rowsPerSecond: number | null;
  etaSeconds: number | null;
  warning: string | null;
  /** What the job is doing in words ("waiting 12 s for the basic plan's rate limit"). */
  message: string | null;
}

/** Progress of a whole run: jobs, bytes fetched of the total, throughput and time left. */
export interface RunProgressView {
  runId: string;
  jobsTotal: number;
  jobsDone: number;
  running: number;
  /** 0..1, weighted by each job's estimated bytes. */
  fraction: number;
  /** Bytes the fetch jobs have moved, and what they move in all (estimates for those not finished). */
  bytesDone: number;
  bytesTotal: number;
  /** Average fetch throughput since the run started. */
  bytesPerSecond: number | null;
  etaSeconds: number | null;
  elapsedMs: number;
  /** Why new jobs wait, when they do (memory pressure). */
  waiting: string | null;
}

export interface RunSummaryView {
  runId: string;
  kind: 'update' | 'backfill' | 'retry' | 'resume';
  outcome: RunOutcome;
  startedAt: string;
  finishedAt: string | null;
  durationMs: number | null;
  counts: Partial<Record<JobState, number>>;
  /** Why the run stopped early ("disk full on /Volumes/Lake: ..."), when it did. */
  error: string | null;
}

export interface RunDetailView extends RunSummaryView {
  jobs: JobView[];
  /** Maximum parallel jobs the run was started with. */
  maxParallel: number | null;
  concurrency: { downloads: number; ingestWorkers: number; duckdbThreads: number; duckdbMemoryLimit: string } | null;
}

/** The scheduled update (Settings' schedule, and the last run the OS started with the app closed). */
export interface ScheduleStatusView {
  enabled: boolean;
  /** HH:MM, New York time. */
  at: string;
  lastRun: { date: string; outcome: 'complete' | 'failed' | 'refused' | 'cancelled' | 'skipped'; finishedAt: string; message: string; runId: string | null } | null;
  /** Whether this host can install the schedule (it knows what the OS should start), and whether its files are in place. */
  install: { available: boolean; installed: boolean; kind: 'launchd' | 'systemd' | null; program: string[] | null };
  /** Whether the desktop app shows its menu-bar item (settings.update's `menuBar`). */
  menuBar: boolean;
}

/** What installing or removing the schedule did (files written or removed, whether the service manager took it). */
export interface ScheduleChangeView {
  kind: 'launchd' | 'systemd';
  files: string[];
  activated: boolean;
  managerMessage: string;
  /** Commands to run by hand when the service manager could not be asked (a container, no user bus). */
  instructions: string[];
  status: ScheduleStatusView;
}

export interface DatasetFreshnessView {
  dataset: string;
  title: string;
  /** Last date up to which bronze is complete. */
  lastComplete: string | null;
  /** Trading days between lastComplete and the latest published trading day. */
  tradingDaysBehind: number | null;
  /** First day of this dataset's history in the lake (its first partition record); the counts start there. */
  historyFrom: string | null;
  /** Trading days since historyFrom that should hold data and do not (missing, or failed here or upstream). */
  gaps: number;
  /** Trading days since historyFrom built from inputs that changed since (or by an older builder). */
  stale: number;
  /** The span from the oldest to the newest gap or stale day (what the Coverage link shows), null when none. */
  attention: { from: string; to: string } | null;
  alerts: Array<{ date: string; state: CoverageState; error: string | null; runId: string | null }>;
}

export interface SystemProfileView {
  cores: number;
  totalMemoryBytes: number;
  availableMemoryBytes: number;
  diskFreeBytes: number | null;
  diskTotalBytes: number | null;
  appleSilicon: boolean;
  platform: string;
  mode: 'streaming' | 'batch' | 'parallel';
  recommended: { downloads: number; ingestWorkers: number; duckdbThreads: number; duckdbMemoryLimit: string };
  effective: { downloads: number; ingestWorkers: number; duckdbThreads: number; duckdbMemoryLimit: string };
}

export interface MemorySampleView {
  at: string;
  level: PressureLevel;
  usedPercent: number;
  totalBytes: number;
  availableBytes: number;
  warningPercent: number;
  criticalPercent: number;
  processes: Array<{ pid: number; name: string; rssBytes: number; jobId: string | null }>;
}

export interface SettingsView {
  dataRoot: string;
  demoDataRoot: string;
  mode: 'demo' | 'massive';
  source: 'auto' | 'demo' | 'massive';
  plan: string;
  s3Endpoint: string;
  restBase: string;
  /** Secrets never cross: only whether each is set. */
  hasApiKey: boolean;
  hasS3Keys: boolean;
  datasetsEnabled: string[];
  datasetsAvailable: Array<{ id: string; title: string }>;
  concurrency: { downloads: number | null; ingestWorkers: number | null; duckdbThreads: number | null; duckdbMemoryLimit: string | null };
  memory: { warningPercent: number; criticalPercent: number; criticalGraceSeconds: number };
  userFile: string;
  /**
   * Values a start-up flag or an environment variable sets for this run, over what is saved: the
   * form edits the saved value (`saved`), and the page says which one is in force. Secrets give
   * no values.
   */
  overrides: SettingOverrideView[];
  /** Where this host keeps credentials, in words a person can check (keychain file or config file path). */
  credentialStore: { kind: 'keychain' | 'config-file'; description: string; path: string | null };
}

export interface SettingOverrideView {
  field: 'source' | 'dataRoot' | 'apiKey' | 's3Keys';
  /** What sets it, e.g. "the --source flag" or "the MASSIVE_API_KEY environment variable". */
  by: string;
  /** The value in force (null for secrets). */
  value: string | null;
  /** The saved (or default) value it overrides (null for secrets). */
  saved: string | null;
}

export interface ConnectionTestView {
  s3: { ok: boolean; message: string; reachable: Array<{ dataset: string; date: string; ok: boolean; detail: string }> };
  rest: { ok: boolean; message: string };
  /** Set when a start-up flag decides what is tested (e.g. --source demo tests the simulator, not the saved account). */
  notice: string | null;
}

export interface CoverageRowView {
  dataset: string;
  layer: Layer;
  /** One character per calendar day from `from` to `to`: the index into COVERAGE_STATES as a digit. */
  codes: string;
  counts: Partial<Record<CoverageState, number>>;
  watermark: string | null;
}

export interface CoverageView {
  from: string;
  to: string;
  layer: Layer;
  rows: CoverageRowView[];
  elapsedMs: number;
}

export interface CoverageCellView {
  dataset: string;
  layer: Layer;
  date: string;
  state: CoverageState;
  rows: number | null;
  bytes: number | null;
  lastError: string | null;
}

export interface BackfillEstimateView {
  days: number;
  datasets: string[];
  jobs: number;
  /** Jobs per kind, upstream ones included ("3 download, 3 ingest"). */
  byKind: Record<string, number>;
  estimatedBytes: number;
  /** Some sizes are typical sizes: the total is a guess. */
  estimateIsGuess: boolean;
  /** Selected cells that are already complete (skipped). */
  alreadyComplete: number;
}

/** What backfilling the last N years would do (the first-run offer on Today). */
export interface HistoryEstimateView {
  years: number;
  /** First and last trading day of the span (the span starts no earlier than the source's history). */
  from: string;
  to: string;
  estimate: BackfillEstimateView;
  /** How the sizes are known, in words ("sizes of the files already in this lake", "typical sizes: a guess"). */
  basis: string;
}

export interface LakeEntryView {
  name: string;
  /** Path relative to the lake root, with forward slashes. */
  path: string;
  kind: 'dir' | 'file';
  sizeBytes: number;
  modifiedAt: string;
  /** Row count for Parquet files (from the footer), null otherwise. */
  rows: number | null;
}

export interface ParquetColumnStatsView {
  name: string;
  type: string;
  compression: string;
  compressedBytes: number;
  uncompressedBytes: number;
  min: string | null;
  max: string | null;
  nulls: number | null;
}

export interface ParquetInfoView {
  path: string;
  rows: number;
  sizeBytes: number;
  createdBy: string | null;
  schema: Array<{ name: string; type: string }>;
  rowGroups: Array<{ index: number; rows: number; compressedBytes: number; uncompressedBytes: number; columns: ParquetColumnStatsView[] }>;
}

export interface PreviewView {
  path: string;
  columns: string[];
  offset: number;
  totalRows: number;
  /** Arrow IPC stream bytes of the requested rows. */
  arrow: Uint8Array;
  elapsedMs: number;
}

export interface SqlExportView {
  format: 'csv' | 'parquet';
  /**
   * 'saved': written to `savedTo` (the desktop app's save dialog chose it); 'download': the web
   * host holds it for one download from `downloadPath`; 'cancelled': the save dialog was closed.
   */
  outcome: 'saved' | 'download' | 'cancelled';
  fileName: string;
  savedTo: string | null;
  downloadPath: string | null;
  rowCount: number;
  bytes: number;
  /** Columns written as their text form (lists, structs, intervals: types without an exact export here). */
  textColumns: string[];
  elapsedMs: number;
}

export interface SqlResultView {
  queryId: string;
  columns: Array<{ name: string; type: string }>;
  /** Arrow IPC stream bytes of the result (up to maxRows). */
  arrow: Uint8Array;
  rowCount: number;
  truncated: boolean;
  /** Why the result was cut, for people ("truncated at 64 MiB (1,234 rows kept)"); null when whole. */
  notice: string | null;
  elapsedMs: number;
}

/** A switch of the Coverage page: a lake layer, or a part of one (feature sets are silver datasets). */
export type CoverageLayerId = 'landing' | 'bronze' | 'silver' | 'features' | 'gold';

/** One switch of the Coverage page and the registry's datasets it shows as rows. */
export interface CoverageLayerView {
  id: CoverageLayerId;
  /** The lake layer the rows' partitions are in (features: silver). */
  layer: Layer;
  title: string;
  datasets: Array<{ id: string; title: string; kind: 'flat-file' | 'rest' | 'derived'; enabled: boolean }>;
}

/** An instrument found by ticker or name (the point-in-time universe: old symbols and delisted names too). */
export interface SymbolMatchView {
  instrumentId: string;
  /** The symbol it trades (or last traded) under. */
  ticker: string;
  name: string | null;
  /** The symbol that matched the query (an old one when the instrument has changed ticker since). */
  matchedTicker: string;
  firstDate: string;
  lastDate: string;
  delistedDate: string | null;
}

/** One day of an instrument: raw and total-return adjusted close, and raw volume. */
export interface SymbolBarView {
  date: string;
  close: number;
  adjClose: number;
  volume: number;
}

/** A corporate action or identifier change of an instrument, for the chart's markers and the timeline. */
export interface SymbolEventView {
  date: string;
  kind: 'split' | 'dividend' | 'ticker_change' | 'first_day' | 'delisted';
  /** The symbol the event was published under. */
  ticker: string;
  /** One line: "2-for-1 split", "Cash dividend 0.25 USD (CD)", "Ticker ABC -> ABD". */
  title: string;
  /** Dates and figures behind it ("declared 2026-01-02, paid 2026-02-01"). */
  detail: string | null;
}

/** The Symbol page's instrument: its bars, its actions and its identifiers. */
export interface SymbolView {
  instrumentId: string;
  ticker: string;
  name: string | null;
  /** Every symbol it traded under, oldest first. */
  tickers: Array<{ ticker: string; from: string; to: string }>;
  identifiers: { compositeFigi: string | null; shareClassFigi: string | null; cik: string | null; primaryExchange: string | null; type: string | null };
  bars: SymbolBarView[];
  events: SymbolEventView[];
  elapsedMs: number;
}

/** One feature of a feature-set version for one instrument, by date (null: the feature is NaN that day). */
export interface SymbolFeatureView {
  set: string;
  version: string;
  feature: string;
  /** The Qlib instrument code the feature set keys the instrument by. */
  code: string;
  points: Array<{ date: string; value: number | null }>;
}

/** One expiration of an options chain on one day (from silver options_daily_enriched). */
export interface OptionsExpiryView {
  expiration: string;
  tradingDaysToExpiry: number | null;
  calls: number;
  puts: number;
  callVolume: number;
  putVolume: number;
  minStrike: number | null;
  maxStrike: number | null;
  /** The listed strike nearest the underlying's close, and the implied volatility of its call and put. */
  atmStrike: number | null;
  atmCallIv: number | null;
  atmPutIv: number | null;
}

/** The options chain summary of an instrument on one day; `date` null: no options in the lake for it. */
export interface OptionsChainView {
  date: string | null;
  /** Days with options on the instrument (under any symbol it traded as), ascending. */
  dates: string[];
  underlying: string | null;
  underlyingClose: number | null;
  expirations: OptionsExpiryView[];
}

/** One finding of a gold health check. */
export interface GoldFindingView {
  instrument: string | null;
  field: string | null;
  dates: string[];
  dateCount: number;
  message: string;
  value: number | null;
}

/** The last health check of the lake's gold, findings grouped by kind (rule). */
export interface GoldCheckView {
  checkedAt: string;
  ok: boolean;
  counts: { error: number; warning: number };
  groups: Array<{ rule: string; level: 'error' | 'warning'; count: number; findings: GoldFindingView[] }>;
}

/** The Gold panel: the lake's Qlib directory and how to open it. */
export interface GoldStatusView {
  qlibDir: string;
  exists: boolean;
  /** Frequencies with a calendar file (day, 1min). */
  frequencies: string[];
  calendar: { first: string | null; last: string | null; length: number } | null;
  instruments: number;
  markets: string[];
  report: GoldCheckView | null;
  /** The last check of the 1-minute gold (gold/qlib/us_1min, `quantmini qlib check --freq 1min`), or null. */
  minuteReport?: GoldCheckView | null;
  /** The Python lines that open the directory in Qlib. */
  python: string[];
}

/** A feature set and its built versions (newest last). */
export interface FeatureSetSummaryView {
  name: string;
  description: string;
  /** Version of the manifest installed with the app (config/feature-sets), null for sets only in the lake. */
  installedVersion: string | null;
  features: number;
  versions: Array<{ version: string; createdAt: string; rows: number | null; partitions: number | null; from: string | null; to: string | null }>;
}

/** One built version of a feature set: its manifest and stats. */
export interface FeatureSetVersionView {
  name: string;
  version: string;
  contentHash: string;
  parentVersion: string | null;
  description: string;
  createdAt: string;
  /** The manifest text it was first built from. */
  manifestText: string;
  expressions: Array<{ name: string; expression: string }>;
  stats: {
    rows: number;
    instruments: number;
    partitions: number;
    from: string | null;
    to: string | null;
    features: Array<{ name: string; nullRate: number; min: number | null; max: number | null }>;
  } | null;
}

/** One build of a feature set in the experiments log (silver/features/experiments.json), with its note. */
export interface FeatureExperimentView {
  /** `name@version#n`: the n-th build of that version. */
  id: string;
  name: string;
  version: string;
  contentHash: string;
  builtAt: string;
  dates: { from: string; to: string; count: number };
  rows: number | null;
  note: string | null;
}

/** Two versions of a feature set compared: expressions changed, added and removed, values on the last shared day. */
export interface FeatureSetDiffView {
  name: string;
  a: string;
  b: string;
  changed: Array<{ feature: string; before: string; after: string }>;
  added: Array<{ feature: string; expression: string }>;
  removed: Array<{ feature: string; expression: string }>;
  /** The last day both versions have, or null when they share none. */
  sharedDay: string | null;
  /** Per changed feature, on the shared day: values that differ (NaN equals NaN) and the largest absolute difference. */
  values: Array<{ feature: string; compared: number; differing: number; maxAbsDiff: number }>;
}

/** Which trading days of its range a version has, and its rows on each. */
export interface FeatureSetCoverageView {
  name: string;
  version: string;
  from: string | null;
  to: string | null;
  /** Every NYSE trading day in [from, to] and every day built: whether the version has it, and its rows when its record says. */
  days: Array<{ date: string; built: boolean; rows: number | null }>;
}

/** Where an expression fails: 0-based position and length in the expression, and what is wrong. */
export interface ExpressionProblemView {
  position: number;
  length: number;
  problem: string;
}

/** A manifest checked without building it: the first error of the whole file, and each expression's own. */
export interface ManifestCheckView {
  ok: boolean;
  /** The manifest's first error as one line (null when it would build). */
  error: string | null;
  name: string | null;
  version: string | null;
  expressions: Array<{ name: string; expression: string; problem: ExpressionProblemView | null }>;
}
