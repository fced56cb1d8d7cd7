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
 * both S3 keys are configured; demo mode uses the demo lake unless the user chose a root explicitly.
 */
export function effectiveSource(config: LoadedConfig): EffectiveSource {
  const { settings, sources } = config;
  const hasS3 = Boolean(settings.massive.s3.accessKeyId && settings.massive.s3.secretAccessKey);
  const rootChosen = (sources.dataRoot ?? 'default') !== 'default' && !sources.dataRoot?.startsWith('profile');
  if (settings.source === 'massive' || (settings.source === 'auto' && hasS3)) {
    return { kind: 'massive', dataRoot: settings.dataRoot, reason: `using Massive flat files at ${settings.massive.s3.endpoint}` };
  }
  const dataRoot = rootChosen ? settings.dataRoot : settings.demoDataRoot;
  const why = settings.source === 'demo' ? 'demo source selected' : 'no Massive S3 credentials configured';
  return { kind: 'demo', dataRoot, reason: `Demo mode (${why}): using the built-in market simulator, lake ${dataRoot}` };
}
