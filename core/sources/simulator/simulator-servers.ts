import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { latestPublishedTradingDay } from '../../calendar/index.ts';
import { createFaultState } from './faults/fault-state.ts';
import type { Fault } from './faults/fault-types.ts';
import { parseFaults } from './faults/parse-faults.ts';
import { planNamed, type PlanEntitlements, type PlanName } from './faults/simulator-plans.ts';
import { renderFlatFileAsync } from './flat-files/index.ts';
import { createMarket } from './market/index.ts';
import { createMarketViews } from './rest/market-views.ts';
import { createRestHandler } from './rest/rest-handler.ts';
import { createFlatFileStore, type FlatFileRenderer } from './s3/flat-file-store.ts';
import { createS3Handler } from './s3/s3-handler.ts';
import type { MarketOptions, SimulatedMarket } from './simulator-types.ts';

/** Demo credentials: printed by `simulate serve`, so they are deliberately not secret. */
export const DEMO_CREDENTIALS = {
  accessKeyId: 'QMSIMULATORACCESSKEY',
  secretAccessKey: 'quantmini-simulator-secret-access-key-0001',
  apiKey: 'quantmini-simulator-api-key',
} as const;

/** Market defaults of the demo (config demo.seed, demo.tickers, demo.historyStart). */
export const DEMO_MARKET_DEFAULTS = { seed: 42, tickers: 60, from: '2015-01-02' } as const;

/** How to start the simulator's two endpoints. */
export interface SimulatorServerOptions extends Partial<MarketOptions> {
  /** A ready market (tests); otherwise one is created from seed/tickers/from/to. */
  market?: SimulatedMarket;
  /** Flat-file renderer (default renderFlatFileAsync, which keeps the event loop free while it renders). */
  render?: FlatFileRenderer;
  /** Entitlements (default `advanced`: everything reachable). */
  plan?: PlanName;
  /** Faults in force from the start, as a list or in the `--faults` syntax. */
  faults?: string | readonly Fault[];
  /** Interface to bind (default 127.0.0.1). */
  host?: string;
  /** S3 port (0 = ephemeral, the default). */
  port?: number;
  /** REST port (0 = ephemeral, the default). */
  restPort?: number;
  bucket?: string;
  accessKeyId?: string;
  secretAccessKey?: string;
  apiKey?: string;
  /** The simulator's clock: publication, plan windows, rate limits and market status follow it. */
  now?: () => Date;
  /** Budget for cached rendered files (default 256 MiB). */
  cacheBytes?: number;
  /** Longest one listing spends rendering never-seen files for their sizes before it returns a shorter, truncated page (default 3000 ms). */
  listBudgetMs?: number;
  /** Called after each answered request; paths carry no credentials. */
  onRequest?: (info: { protocol: 's3' | 'rest'; method: string; path: string; status: number }) => void;
}

/** A running simulator: where to reach it, with which credentials, and its live controls. */
export interface RunningSimulator {
  s3Endpoint: string;
  bucket: string;
  accessKeyId: string;
  secretAccessKey: string;
  restBase: string;
  apiKey: string;
  market: SimulatedMarket;
  /** Replaces the faults in force (counters restart). */
  setFaults(faults: string | readonly Fault[]): void;
  /** Faults in force, with remaining counts. */
  faults(): Fault[];
  /** Switches the plan for subsequent requests. */
  setPlan(plan: PlanName): void;
  plan(): PlanName;
  /** Stops both servers, dropping open connections. */
  close(): Promise<void>;
}

/** Binds a server and resolves with its address. */
function listen(server: Server, host: string, port: number): Promise<AddressInfo> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      resolve(server.address() as AddressInfo);
    });
  });
}

/** Closes a server and every connection it holds (idle keep-alive sockets included). */
function shut(server: Server): Promise<void> {
  return new Promise((resolve) => {
    if (!server.listening) {
      resolve();
      return;
    }
    server.close(() => resolve());
    server.closeAllConnections();
  });
}

/** `http://host:port` for clients: bracketed IPv6 literals, and loopback for a wildcard bind. */
function baseUrl(host: string, port: number): string {
  const reachable = host === '0.0.0.0' ? '127.0.0.1' : host === '::' ? '::1' : host;
  return `http://${reachable.includes(':') ? `[${reachable}]` : reachable}:${port}`;
}

/** Resolves the market: the given one, or a new one from the options with demo defaults. */
function marketOf(options: SimulatorServerOptions, now: () => Date): SimulatedMarket {
  if (options.market) return options.market;
  return createMarket({
    seed: options.seed ?? DEMO_MARKET_DEFAULTS.seed,
    tickers: options.tickers ?? DEMO_MARKET_DEFAULTS.tickers,
    from: options.from ?? DEMO_MARKET_DEFAULTS.from,
    to: options.to ?? latestPublishedTradingDay(now()),
    ...(options.optionUnderlyings !== undefined ? { optionUnderlyings: options.optionUnderlyings } : {}),
  });
}

/**
 * Starts the S3-compatible endpoint (bucket `flatfiles`, SigV4) and the REST endpoints on
 * loopback, both serving one deterministic market; resolves once both listen.
 */
export async function startSimulatorServers(options: SimulatorServerOptions = {}): Promise<RunningSimulator> {
  const now = options.now ?? (() => new Date());
  const host = options.host ?? '127.0.0.1';
  const bucket = options.bucket ?? 'flatfiles';
  const accessKeyId = options.accessKeyId ?? DEMO_CREDENTIALS.accessKeyId;
  const secretAccessKey = options.secretAccessKey ?? DEMO_CREDENTIALS.secretAccessKey;
  const apiKey = options.apiKey ?? DEMO_CREDENTIALS.apiKey;
  let plan: PlanEntitlements = planNamed(options.plan ?? 'advanced');
  const toFaults = (f: string | readonly Fault[]) => (typeof f === 'string' ? parseFaults(f) : f);
  const faults = createFaultState(toFaults(options.faults ?? []), now);
  const market = marketOf(options, now);
  const store = createFlatFileStore({ market, render: options.render ?? renderFlatFileAsync, faults, now, ...(options.cacheBytes ? { cacheBytes: options.cacheBytes } : {}) });
  const views = createMarketViews(market);
  let restBase = '';

  const s3Server = createServer(
    createS3Handler({
      bucket,
      accessKeyId,
      secretAccessKey,
      store,
      faults,
      plan: () => plan,
      now,
      ...(options.listBudgetMs !== undefined ? { listBudgetMs: options.listBudgetMs } : {}),
      onRequest: (info) => options.onRequest?.({ protocol: 's3', ...info }),
    }),
  );
  const restServer = createServer(
    createRestHandler({
      apiKey,
      views,
      faults,
      plan: () => plan,
      now,
      restBase: () => restBase,
      onRequest: (info) => options.onRequest?.({ protocol: 'rest', ...info }),
    }),
  );
  // Idle keep-alive sockets must not hold close() up, and clients pooling them expect a few seconds.
  for (const s of [s3Server, restServer]) s.keepAliveTimeout = 5000;

  try {
    const s3Address = await listen(s3Server, host, options.port ?? 0);
    const restAddress = await listen(restServer, host, options.restPort ?? 0);
    restBase = baseUrl(host, restAddress.port);
    return {
      s3Endpoint: baseUrl(host, s3Address.port),
      bucket,
      accessKeyId,
      secretAccessKey,
      restBase,
      apiKey,
      market,
      setFaults: (f) => faults.set(toFaults(f)),
      faults: () => faults.list(),
      setPlan: (name) => {
        plan = planNamed(name);
      },
      plan: () => plan.name,
      close: async () => {
        await Promise.all([shut(s3Server), shut(restServer)]);
      },
    };
  } catch (err) {
    await Promise.all([shut(s3Server), shut(restServer)]);
    throw err;
  }
}
