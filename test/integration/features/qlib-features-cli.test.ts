import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openDuckDb } from '../../../core/duckdb/duckdb-instance.ts';

const ROOT = path.resolve(import.meta.dirname, '../../..');
const QLIB_DIR = path.join(ROOT, 'test/fixtures/qlib-small/qlib');
const EXPECTED = path.join(ROOT, 'test/fixtures/qlib-small/alpha158.csv');

let tmp: string;
beforeAll(() => {
  tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'quantmini-features-'));
});
afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));

function cli(...args: string[]) {
  const r = spawnSync(process.execPath, ['bin/quantmini.js', 'qlib', 'features', ...args], { cwd: ROOT, encoding: 'utf8' });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

interface Table {
  header: string[];
  rows: Map<string, number[]>;
}

/** Reads the Alpha158 CSV layout: empty = NaN, inf/-inf, keyed by instrument|datetime. */
function readTable(file: string): Table {
  const [head, ...lines] = fs.readFileSync(file, 'utf8').trimEnd().split('\n');
  const rows = new Map<string, number[]>();
  for (const line of lines) {
    const [inst, date, ...cells] = line.split(',');
    rows.set(`${inst}|${date}`, cells.map((c) => (c === '' ? NaN : c === 'inf' ? Infinity : c === '-inf' ? -Infinity : Number(c))));
  }
  return { header: head!.split(','), rows };
}

/** Compares two tables value by value: NaN pattern, tolerance and bit-identity (after float32 parsing). */
function compare(expected: Table, actual: Table) {
  const stats = { values: 0, identical: 0, withinTolerance: 0, nanMismatch: 0, outOfTolerance: 0 };
  for (const [k, e] of expected.rows) {
    const a = actual.rows.get(k);
    expect(a, `row ${k}`).toBeDefined();
    e.forEach((ev, i) => {
      const av = a![i]!;
      stats.values++;
      if (Number.isNaN(ev) || Number.isNaN(av)) {
        if (Number.isNaN(ev) && Number.isNaN(av)) stats.identical++;
        else stats.nanMismatch++;
      } else if (Math.fround(ev) === Math.fround(av)) stats.identical++;
      else if (Math.abs(av - ev) <= 1e-9 + 1e-6 * Math.abs(ev)) stats.withinTolerance++;
      else stats.outOfTolerance++;
    });
  }
  return stats;
}

describe('quantmini qlib features over a Qlib directory', () => {
  it("reproduces Qlib's Alpha158 + LABEL0 on qlib-small: same rows, NaN pattern and values", () => {
    const out = path.join(tmp, 'x.csv');
    const r = cli('--qlib-dir', QLIB_DIR, '--set', 'alpha158', '--label', '--out', out);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/1142 rows x 159 columns for 10 instruments/);
    const expected = readTable(EXPECTED);
    const actual = readTable(out);
    expect(actual.header).toEqual(expected.header);
    expect([...actual.rows.keys()]).toEqual([...expected.rows.keys()]); // Qlib's row order too
    const s = compare(expected, actual);
    console.log(`qlib-small Alpha158: ${s.identical} of ${s.values} values bit-identical, ${s.withinTolerance} within tolerance`);
    expect(s.nanMismatch).toBe(0);
    expect(s.outOfTolerance).toBe(0);
    // stricter than the tolerance: every value is the same float32 (the file is byte-identical)
    expect(s.identical).toBe(s.values);
    expect(fs.readFileSync(out, 'utf8')).toBe(fs.readFileSync(EXPECTED, 'utf8'));
  });

  it('writes the same values to Parquet (NaN as NULL), and the same with worker threads', async () => {
    const csv = path.join(tmp, 'threads.csv');
    expect(cli('--qlib-dir', QLIB_DIR, '--label', '--threads', '2', '--out', csv).code).toBe(0);
    expect(fs.readFileSync(csv, 'utf8')).toBe(fs.readFileSync(EXPECTED, 'utf8'));
    const pq = path.join(tmp, 'x.parquet');
    const r = cli('--qlib-dir', QLIB_DIR, '--label', '--out', pq, '--json');
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout)).toMatchObject({ rows: 1142, columns: 159, instruments: 10, set: 'alpha158' });
    const db = await openDuckDb({ threads: 1 });
    try {
      const res = await db.connection.runAndReadAll(
        `SELECT instrument, strftime(datetime, '%Y-%m-%d') AS d, KMID, ROC60, CORD5, LABEL0 FROM read_parquet('${pq}') ORDER BY instrument, datetime`,
      );
      const rows = res.getRows();
      expect(rows).toHaveLength(1142);
      const expected = readTable(EXPECTED);
      const col = (n: string) => expected.header.indexOf(n) - 2;
      for (const [inst, d, kmid, roc60, cord5, label] of rows) {
        const e = expected.rows.get(`${inst}|${d}`)!;
        const same = (v: unknown, x: number) => (Number.isNaN(x) ? v === null : Math.fround(v as number) === Math.fround(x));
        expect(same(kmid, e[col('KMID')]!) && same(roc60, e[col('ROC60')]!) && same(cord5, e[col('CORD5')]!) && same(label, e[col('LABEL0')]!)).toBe(true);
      }
    } finally {
      db.close();
    }
  });

  it('keeps the bin range for an explicit list and the all.txt spans within --start/--end', () => {
    const expected = readTable(EXPECTED);
    const list = path.join(tmp, 'list.csv');
    expect(cli('--qlib-dir', QLIB_DIR, '--label', '--instruments', 'S0005,CON', '--out', list).code).toBe(0);
    const l = readTable(list);
    expect([...l.rows.keys()]).toEqual([...expected.rows.keys()].filter((k) => k.startsWith('CON|') || k.startsWith('S0005|')));
    expect(compare({ header: [], rows: new Map([...expected.rows].filter(([k]) => l.rows.has(k))) }, l).identical).toBe(l.rows.size * 159);

    const ranged = path.join(tmp, 'range.csv');
    expect(cli('--qlib-dir', QLIB_DIR, '--label', '--start', '2021-05-01', '--end', '2021-06-30', '--out', ranged).code).toBe(0);
    const g = readTable(ranged);
    const inRange = [...expected.rows.keys()].filter((k) => k.split('|')[1]! >= '2021-05-01' && k.split('|')[1]! <= '2021-06-30');
    expect([...g.rows.keys()]).toEqual(inRange);
    // Qlib loads each expression's look-back before --start, so the values equal the full-range ones
    const s = compare({ header: [], rows: new Map([...expected.rows].filter(([k]) => g.rows.has(k))) }, g);
    expect(s.identical).toBe(s.values);
  });

  it('reads a market file (instruments/<market>.txt) with several spans per instrument', () => {
    const dir = path.join(tmp, 'market');
    fs.cpSync(QLIB_DIR, dir, { recursive: true });
    fs.writeFileSync(path.join(dir, 'instruments', 'mkt.txt'), 'S0004\t2021-03-01\t2021-03-05\nS0004\t2021-04-01\t2021-04-02\nS0002\t2019-01-01\t2019-12-31\n');
    const out = path.join(tmp, 'mkt.csv');
    expect(cli('--qlib-dir', dir, '--instruments', 'mkt', '--out', out).code).toBe(0);
    const t = readTable(out);
    expect([...t.rows.keys()]).toEqual([
      'S0004|2021-03-01', 'S0004|2021-03-02', 'S0004|2021-03-03', 'S0004|2021-03-04', 'S0004|2021-03-05', 'S0004|2021-04-01', 'S0004|2021-04-02',
    ]);
    const expected = readTable(EXPECTED);
    expect(t.rows.get('S0004|2021-04-02')!.slice(0, 158)).toEqual(expected.rows.get('S0004|2021-04-02')!.slice(0, 158));
  });

  it('refuses a bad manifest with one line naming the file, the feature and the column', () => {
    const file = path.join(tmp, 'bad.yaml');
    fs.writeFileSync(file, 'name: bad\nversion: 1.0.0\nsource: {dataset: x, fields: [close]}\nexpressions:\n  A: "Mean($close, 5"\n');
    const r = cli('--qlib-dir', QLIB_DIR, '--manifest', file, '--out', path.join(tmp, 'bad.csv'));
    expect(r.code).toBe(1);
    expect(r.stderr).toBe(
      `quantmini: error: ${file}: expressions.A: expected ',' or ')' in the arguments of Mean, found the end of the expression at column 15 of "Mean($close, 5"\n`,
    );
    expect(fs.existsSync(path.join(tmp, 'bad.csv'))).toBe(false);
    const bad = cli('--qlib-dir', QLIB_DIR, '--out', path.join(tmp, 'x.txt'));
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/must end in \.csv or \.parquet/);
  });

  it('computes the small example set', () => {
    const out = path.join(tmp, 'daily.csv');
    expect(cli('--qlib-dir', QLIB_DIR, '--set', 'daily', '--instruments', 'S0004', '--end', '2021-03-05', '--out', out).code).toBe(0);
    const t = readTable(out);
    expect(t.header).toEqual(['instrument', 'datetime', 'daily_return', 'price_range', 'relative_volume']);
    const first = t.rows.get('S0004|2021-03-01')!;
    expect(first[0]).toBeNaN();
    expect(first[2]).toBe(1); // one day of volume: its own mean
    expect(t.rows.get('S0004|2021-03-02')![0]).toBeCloseTo(28.604552 / 28.235932 - 1, 6);
  });
});
