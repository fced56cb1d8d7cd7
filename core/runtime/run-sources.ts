import { latestPublishedTradingDay } from '../calendar/index.ts';
import type { EffectiveSource, Settings } from '../config/index.ts';
import type { RunSources } from '../jobs/job-kind.ts';
import { startSimulatorServers } from '../sources/simulator/simulator-servers.ts';

/** The sources of a run, opened once, and how to release them. */
export interface OpenedSources {
  sources: RunSources;
  close(): Promise<void>;
}

/**
 * Opens what a run fetches from. Massive: the configured S3 endpoint and keys (flat files) and
 * the REST base with the API key, each only when its credentials are set. Demo: the market
 * simulator is started in this process on ephemeral loopback ports and serves both protocols to
 * every job process of the run; the real clients talk to it unchanged (the simulator is injected
 * here, never imported by the Polygon clients).
 */
export async function openRunSources(settings: Settings, source: EffectiveSource, now: () => Date = () => new Date()): Promise<OpenedSources> {
  if (source.kind === 'massive') {
    const s3 = settings.massive.s3;
    const apiKey = settings.massive.apiKey;
    return {
      sources: {
        kind: 'massive',
        ...(s3.accessKeyId && s3.secretAccessKey
          ? { s3: { endpoint: s3.endpoint, bucket: s3.bucket, region: s3.region, accessKeyId: s3.accessKeyId, secretAccessKey: s3.secretAccessKey } }
          : {}),
        ...(apiKey ? { rest: { baseUrl: settings.massive.restBase, apiKey, plan: settings.massive.plan } } : {}),
      },
      close: async () => undefined,
    };
  }
  const sim = await startSimulatorServers({
    seed: settings.demo.seed,
    tickers: settings.demo.tickers,
    from: settings.demo.historyStart,
    to: latestPublishedTradingDay(now()),
    now,
  });
  return {
    sources: {
      kind: 'demo',
      s3: { endpoint: sim.s3Endpoint, bucket: sim.bucket, region: 'us-east-1', accessKeyId: sim.accessKeyId, secretAccessKey: sim.secretAccessKey },
      rest: { baseUrl: sim.restBase, apiKey: sim.apiKey, plan: sim.plan() },
    },
    close: () => sim.close(),
  };
}

/** The secrets a run's sources hold, to scrub from every line it stores or shows. */
export function sourceSecrets(s: RunSources): string[] {
  return [s.s3?.accessKeyId, s.s3?.secretAccessKey, s.rest?.apiKey].filter((v): v is string => typeof v === 'string' && v.length >= 4);
}
