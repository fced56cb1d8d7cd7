import type { LoadedConfig } from './load-config.ts';

/** Where flat files and REST data come from for this run, and which lake they go to. */
export interface EffectiveSource {
  kind: 'demo' | 'massive';
  dataRoot: string;
  /** Human sentence explaining the choice; shown on every run in demo mode. */
  reason: string;
}

/**
 * Decides between the built-in simulator and the Massive account. "auto" picks Massive only when
 * both S3 keys are configured; demo mode uses the demo lake unless a root was given for this run.
 */
export function effectiveSource(config: LoadedConfig): EffectiveSource {
  const { settings, sources } = config;
  const hasS3 = Boolean(settings.massive.s3.accessKeyId && settings.massive.s3.secretAccessKey);
  // A root given for this run (flag or env) is honoured in demo mode; the user file's dataRoot is
  // the real lake and must never receive simulated data, so demo mode falls back to demoDataRoot.
  const from = sources.dataRoot ?? 'default';
  const rootChosen = from.startsWith('flag ') || from.startsWith('env ');
  if (settings.source === 'massive' || (settings.source === 'auto' && hasS3)) {
    return { kind: 'massive', dataRoot: settings.dataRoot, reason: `using Massive flat files at ${settings.massive.s3.endpoint}` };
  }
  const dataRoot = rootChosen ? settings.dataRoot : settings.demoDataRoot;
  const why = settings.source === 'demo' ? 'demo source selected' : 'no Massive S3 credentials configured';
  return { kind: 'demo', dataRoot, reason: `Demo mode (${why}): using the built-in market simulator, lake ${dataRoot}` };
}
