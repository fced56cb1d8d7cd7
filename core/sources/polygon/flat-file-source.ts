import { latestPublishedTradingDay } from '../../calendar/index.ts';
import type { EffectiveSource, Settings } from '../../config/index.ts';
import { startSimulatorServers } from '../simulator/simulator-servers.ts';

/** How to reach the flat-file bucket. Holds secrets: never log it or send it to the renderer. */
export interface S3Access {
  endpoint: string;
  bucket: string;
  region: string;
  accessKeyId: string;
  secretAccessKey: string;
}

/** An open flat-file source: where to download from, and how to release it. */
export interface FlatFileSource {
  access: S3Access;
  kind: 'demo' | 'massive';
  close(): Promise<void>;
}

/**
 * Opens the flat-file source of a run. Massive: the configured endpoint, bucket and S3 keys.
 * Demo: starts the market simulator in this process on an ephemeral loopback port (market from
 * settings.demo, history up to the latest published trading day by `now`).
 */
export async function openFlatFileSource(ctx: { settings: Settings; source: EffectiveSource; now?: () => Date }): Promise<FlatFileSource> {
  const { settings, source } = ctx;
  if (source.kind === 'massive') {
    const s3 = settings.massive.s3;
    if (!s3.accessKeyId || !s3.secretAccessKey) {
      throw new Error('Massive flat files need S3 credentials: set massive.s3.accessKeyId and massive.s3.secretAccessKey (or MASSIVE_S3_ACCESS_KEY_ID / MASSIVE_S3_SECRET_ACCESS_KEY)');
    }
    return {
      kind: 'massive',
      access: { endpoint: s3.endpoint, bucket: s3.bucket, region: s3.region, accessKeyId: s3.accessKeyId, secretAccessKey: s3.secretAccessKey },
      close: async () => undefined,
    };
  }
  const now = ctx.now ?? (() => new Date());
  const sim = await startSimulatorServers({
    seed: settings.demo.seed,
    tickers: settings.demo.tickers,
    from: settings.demo.historyStart,
    to: latestPublishedTradingDay(now()),
    now,
  });
  return {
    kind: 'demo',
    access: { endpoint: sim.s3Endpoint, bucket: sim.bucket, region: 'us-east-1', accessKeyId: sim.accessKeyId, secretAccessKey: sim.secretAccessKey },
    close: () => sim.close(),
  };
}
