/**
 * Settings' "Test connection": with the configured account (or, in demo mode, the built-in
 * simulator) HEAD one recent and one older file per enabled dataset, and make one REST call, then
 * say in plain words what the plan can reach. Nothing is downloaded and no secret is echoed.
 * First one quick request checks that anything answers at the endpoint at all: when nothing does,
 * that is said once ("nothing is listening at ...") instead of the same socket error per dataset.
 * The same check guards starting an update or a backfill (sourceUnreachable).
 */
import { request } from 'undici';
import { addDays, latestPublishedTradingDay, previousTradingDay, isTradingDay } from '../calendar/index.ts';
import { scrubText, type EffectiveSource, type Settings } from '../config/index.ts';
import type { ConnectionTestView } from '../contract/contract-views.ts';
import { flatFileDataset, type FlatFileDatasetId } from '../datasets/index.ts';
import { headDay } from '../sources/polygon/flat-file-downloader.ts';
import type { S3Access } from '../sources/polygon/flat-file-source.ts';
import { classifyS3Error } from '../sources/polygon/s3-errors.ts';
import { startSimulatorServers } from '../sources/simulator/simulator-servers.ts';

/** A trading day about `years` before `date` (not before `floor`). */
function yearsBefore(date: string, years: number, floor: string): string {
  let d = addDays(date, -Math.round(365.25 * years));
  if (d < floor) d = floor;
  while (!isTradingDay(d)) d = addDays(d, 1);
  return d;
}

async function probeDay(access: S3Access, dataset: string, date: string, secrets: readonly string[]): Promise<{ dataset: string; date: string; ok: boolean; detail: string }> {
  try {
    const head = await headDay(access, dataset as FlatFileDatasetId, date, AbortSignal.timeout(15_000));
    return head
      ? { dataset, date, ok: true, detail: `reachable (${head.size.toLocaleString('en-US')} bytes)` }
      : { dataset, date, ok: false, detail: 'not published (no file for this day)' };
  } catch (err) {
    const f = classifyS3Error(err);
    if (f.kind === 'credentials') return { dataset, date, ok: false, detail: f.description };
    if (f.kind === 'not_entitled') return { dataset, date, ok: false, detail: 'not entitled: your plan does not include this (403)' };
    return { dataset, date, ok: false, detail: scrubText(f.description, secrets) };
  }
}

/** How long the reachability check waits for any answer. */
const REACH_TIMEOUT_MS = 5000;

/** An endpoint as people type it: "http://127.0.0.1:9" (no trailing slash). */
function endpointName(endpoint: string): string {
  try {
    const u = new URL(endpoint);
    return `${u.protocol}//${u.host}${u.pathname === '/' ? '' : u.pathname.replace(/\/$/, '')}`;
  } catch {
    return endpoint;
  }
}

/** Why a request to `endpoint` got no HTTP answer, in plain words ending with what to check. */
export function describeUnreachable(endpoint: string, err: unknown, what = 'the flat-file endpoint'): string {
  const e = err as { name?: string; code?: string; message?: string; cause?: { code?: string; name?: string; message?: string } };
  const code = e?.cause?.code ?? e?.code ?? '';
  const name = endpointName(endpoint);
  const timedOut = e?.name === 'TimeoutError' || e?.cause?.name === 'TimeoutError';
  if (timedOut || code === 'UND_ERR_CONNECT_TIMEOUT' || code === 'UND_ERR_HEADERS_TIMEOUT' || code === 'ETIMEDOUT') {
    return `${name} did not answer within ${REACH_TIMEOUT_MS / 1000} s: check ${what} and your network`;
  }
  if (code === 'ECONNREFUSED') return `nothing is listening at ${name}: check ${what}`;
  if (code === 'ENOTFOUND' || code === 'EAI_AGAIN') return `the host name of ${name} does not resolve: check ${what} and your network`;
  if (code === 'EHOSTUNREACH' || code === 'ENETUNREACH' || code === 'ENETDOWN') {
    return `${name} cannot be reached from this machine (no route): check your network`;
  }
  if (code === 'ECONNRESET' || code === 'UND_ERR_SOCKET') return `${name} closed the connection without answering: check ${what}`;
  if (/CERT|SSL|TLS|SELF_SIGNED/i.test(code)) {
    return `${name} presented a TLS certificate that could not be verified (${code}): check ${what}`;
  }
  const detail = code || e?.cause?.message || e?.message || String(err);
  return `${name} could not be reached (${detail}): check ${what}`;
}

/**
 * Null when anything answers HTTP at `endpoint` (any status: an S3 endpoint answers 403 to an
 * unsigned request), otherwise a plain sentence saying why not. One request, at most 5 s.
 */
export async function sourceUnreachable(endpoint: string, what = 'the flat-file endpoint'): Promise<string | null> {
  try {
    // undici's request, not fetch: fetch refuses "bad ports" (such as 9) before connecting, while
    // the S3 client would connect and be refused; this check must see what the client would see.
    const signal = AbortSignal.timeout(REACH_TIMEOUT_MS);
    const res = await request(endpoint, { method: 'HEAD', signal, headersTimeout: REACH_TIMEOUT_MS });
    await res.body.dump().catch(() => undefined);
    return null;
  } catch (err) {
    return describeUnreachable(endpoint, err, what);
  }
}

async function probeRest(restBase: string, apiKey: string | null, secrets: readonly string[]): Promise<ConnectionTestView['rest']> {
  if (!apiKey) return { ok: false, message: 'no API key configured: REST datasets (splits, dividends, tickers) are unavailable' };
  try {
    const res = await fetch(new URL('/v3/reference/tickers?limit=1', restBase), {
      headers: { Authorization: `Bearer ${apiKey}` },
      signal: AbortSignal.timeout(15_000),
    });
    await res.arrayBuffer().catch(() => undefined);
    if (res.ok) return { ok: true, message: `REST API reachable at ${restBase}` };
    if (res.status === 401) return { ok: false, message: `the API key was rejected by ${restBase} (401)` };
    if (res.status === 403) return { ok: false, message: `the REST API answered 403: your plan does not include this endpoint` };
    return { ok: false, message: `REST API answered ${res.status} ${res.statusText}` };
  } catch (err) {
    return { ok: false, message: scrubText(`REST API unreachable: ${describeUnreachable(restBase, err, 'the REST base URL')}`, secrets) };
  }
}

/** Runs the connection test for the current settings; `notice` says when a start-up flag chose what is tested. */
export async function testConnection(
  settings: Settings,
  source: EffectiveSource,
  secrets: readonly string[],
  now = new Date(),
  notice: string | null = null,
): Promise<ConnectionTestView> {
  const latest = latestPublishedTradingDay(now);
  let access: S3Access;
  let restBase = settings.massive.restBase;
  let apiKey = settings.massive.apiKey;
  let close: () => Promise<void> = async () => undefined;
  let label: string;
  if (source.kind === 'demo') {
    const sim = await startSimulatorServers({ seed: settings.demo.seed, tickers: settings.demo.tickers, from: settings.demo.historyStart, to: latest, now: () => now });
    access = { endpoint: sim.s3Endpoint, bucket: sim.bucket, region: 'us-east-1', accessKeyId: sim.accessKeyId, secretAccessKey: sim.secretAccessKey };
    restBase = sim.restBase;
    apiKey = sim.apiKey;
    close = () => sim.close();
    label = 'the built-in simulator (demo mode)';
  } else {
    const s3 = settings.massive.s3;
    if (!s3.accessKeyId || !s3.secretAccessKey) {
      return {
        s3: { ok: false, message: 'no S3 keys configured: enter the access key id and secret from your Massive dashboard', reachable: [] },
        rest: await probeRest(restBase, apiKey, secrets),
        notice,
      };
    }
    const down = await sourceUnreachable(s3.endpoint);
    if (down) return { s3: { ok: false, message: down, reachable: [] }, rest: await probeRest(restBase, apiKey, secrets), notice };
    access = { endpoint: s3.endpoint, bucket: s3.bucket, region: s3.region, accessKeyId: s3.accessKeyId, secretAccessKey: s3.secretAccessKey };
    label = s3.endpoint;
  }
  try {
    const probes = settings.datasets.enabled.flatMap((dataset) => {
      const first = flatFileDataset(dataset).firstDate;
      const floor = source.kind === 'demo' && settings.demo.historyStart > first ? settings.demo.historyStart : first;
      return [latest, yearsBefore(latest, 5, floor)].map((date) => ({ dataset, date }));
    });
    const [reachable, rest] = await Promise.all([
      Promise.all(
        probes.map(async (p) => {
          const r = await probeDay(access, p.dataset, p.date, secrets);
          // The newest day may be minutes from publication; the day before tells whether access works.
          if (!r.ok && r.detail.startsWith('not published') && p.date === latest) return probeDay(access, p.dataset, previousTradingDay(latest), secrets);
          return r;
        }),
      ),
      probeRest(restBase, apiKey, secrets),
    ]);
    const okCount = reachable.filter((r) => r.ok).length;
    const denied = reachable.filter((r) => r.detail.startsWith('not entitled')).length;
    const rejected = reachable.find((r) => /^the S3 .* (rejected|expired)/.test(r.detail));
    const message = rejected
      ? `${rejected.detail.replace(/ \(.*\)$/, '')} by ${label}: check the access key id and secret from your Massive dashboard`
      : okCount === reachable.length
        ? `connected to ${label}: every enabled dataset is reachable, recent and 5 years back`
        : okCount === 0
          ? `connected to ${label}, but no file could be read${denied ? ' (not entitled)' : ''}`
          : `connected to ${label}: ${okCount} of ${reachable.length} checks reachable${denied ? `, ${denied} not entitled by the plan` : ''}`;
    return { s3: { ok: okCount > 0, message, reachable }, rest, notice };
  } catch (err) {
    return {
      s3: { ok: false, message: scrubText(`cannot reach ${label}: ${(err as Error).message}`, secrets), reachable: [] },
      rest: await probeRest(restBase, apiKey, secrets),
      notice,
    };
  } finally {
    await close();
  }
}
