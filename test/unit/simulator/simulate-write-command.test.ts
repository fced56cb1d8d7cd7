import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Command } from 'commander';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { registerSimulateWriteCommand } from '../../../core/cli/commands/simulate-write-command.ts';
import { renderFlatFile } from '../../../core/sources/simulator/flat-files/index.ts';
import { createMarket } from '../../../core/sources/simulator/market/index.ts';

/** A program with the global options the CLI context reads and `simulate write` under `simulate`. */
function program(): Command {
  const p = new Command('quantmini').option('--json').option('--config <file>').option('--verbose').exitOverride();
  registerSimulateWriteCommand(p.command('simulate'));
  return p;
}

describe('quantmini simulate write', () => {
  let dir: string;
  let out: string[];
  beforeEach(async () => {
    dir = await fs.promises.mkdtemp(path.join(os.tmpdir(), 'qm-simwrite-'));
    out = [];
    vi.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => {
      out.push(String(chunk));
      return true;
    });
  });
  afterEach(async () => {
    vi.restoreAllMocks();
    await fs.promises.rm(dir, { recursive: true, force: true });
  });

  const args = ['--seed', '11', '--tickers', '40', '--market-from', '2024-01-02'];

  it('writes the bucket\'s objects byte for byte under <out>/<key>, atomically', async () => {
    await program().parseAsync(['simulate', 'write', '--out', dir, '--datasets', 'stocks_daily,options_minute', '--from', '2024-11-27', '--to', '2024-12-02', ...args], { from: 'user' });
    const summary = out.join('');
    expect(summary).toMatch(/^wrote 6 files \(.+\) to .+: stocks_daily 3, options_minute 3 for 2024-11-27\.\.2024-12-02 in [\d.]+ s\n$/);
    const market = createMarket({ seed: 11, tickers: 40, from: '2024-01-02', to: '2024-12-02' });
    for (const ds of ['stocks_daily', 'options_minute'] as const) {
      for (const date of ['2024-11-27', '2024-11-29', '2024-12-02']) {
        const expected = renderFlatFile(market, ds, date)!;
        const written = await fs.promises.readFile(path.join(dir, expected.key));
        expect(written.equals(expected.body), `${ds} ${date}`).toBe(true);
      }
    }
    // Thanksgiving has no file, and nothing half-written is left behind.
    expect(fs.existsSync(path.join(dir, 'us_stocks_sip/day_aggs_v1/2024/11/2024-11-28.csv.gz'))).toBe(false);
    expect(fs.existsSync(path.join(dir, '.tmp'))).toBe(false);
  });

  it('reports every file with --json', async () => {
    await program().parseAsync(['--json', 'simulate', 'write', '--out', dir, '--datasets', 'options_daily', '--from', '2024-03-01', '--to', '2024-03-04', ...args], { from: 'user' });
    const report = JSON.parse(out.join('')) as { files: { key: string; bytes: number; etag: string }[]; totalBytes: number };
    expect(report.files.map((f) => f.key)).toEqual(['us_options_opra/day_aggs_v1/2024/03/2024-03-01.csv.gz', 'us_options_opra/day_aggs_v1/2024/03/2024-03-04.csv.gz']);
    for (const f of report.files) {
      const st = await fs.promises.stat(path.join(dir, f.key));
      expect(st.size).toBe(f.bytes);
      expect(f.etag).toMatch(/^"[0-9a-f]{32}"$/);
    }
    expect(report.totalBytes).toBe(report.files.reduce((a, f) => a + f.bytes, 0));
  });

  it('rejects unknown datasets and reversed ranges with one clear line', async () => {
    await expect(program().parseAsync(['simulate', 'write', '--out', dir, '--datasets', 'stocks_trades', '--from', '2024-03-01', '--to', '2024-03-04', ...args], { from: 'user' })).rejects.toThrow(
      /--datasets: unknown stocks_trades; known: stocks_daily, stocks_minute, options_daily, options_minute/,
    );
    await expect(program().parseAsync(['simulate', 'write', '--out', dir, '--datasets', 'stocks_daily', '--from', '2024-03-04', '--to', '2024-03-01', ...args], { from: 'user' })).rejects.toThrow(/--from 2024-03-04 is after --to 2024-03-01/);
  });
});
