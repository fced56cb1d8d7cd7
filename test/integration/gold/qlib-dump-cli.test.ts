import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { goldCheckReportSchema } from '../../../core/layers/gold/gold-check-report.ts';
import { readTree, treeDiff } from '../../unit/gold/qlib-dir-compare.ts';

const bin = path.resolve('bin/quantmini.js');
const SMALL = path.resolve('test/fixtures/qlib-small');
const TRICKY = path.resolve('test/fixtures/qlib-tricky');
let home: string;

function cli(args: string[]) {
  const r = spawnSync(process.execPath, [bin, ...args], {
    encoding: 'utf8',
    env: { PATH: process.env.PATH, HOME: home, XDG_CONFIG_HOME: path.join(home, 'xdg') },
    timeout: 60_000,
  });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

/** Writes the rows of each fixture CSV whose date passes `keep` into `dir` (files without such rows are left out). */
function splitCsvs(dir: string, keep: (date: string) => boolean): void {
  fs.mkdirSync(dir, { recursive: true });
  for (const name of fs.readdirSync(path.join(SMALL, 'csv'))) {
    const [header, ...rows] = fs.readFileSync(path.join(SMALL, 'csv', name), 'utf8').trimEnd().split('\n');
    const kept = rows.filter((r) => keep(r.slice(0, 10)));
    if (kept.length) fs.writeFileSync(path.join(dir, name), `${[header, ...kept].join('\n')}\n`);
  }
}

beforeAll(() => {
  home = fs.mkdtempSync(path.join(os.tmpdir(), 'qm-qlib-cli-'));
});
afterAll(() => fs.rmSync(home, { recursive: true, force: true }));

describe('quantmini qlib dump', () => {
  it("writes qlib-small byte for byte as Qlib's dump_all did", () => {
    const out = path.join(home, 'small');
    const r = cli(['qlib', 'dump', '--csv-dir', path.join(SMALL, 'csv'), '--qlib-dir', out]);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/wrote .*: 10 instruments, 150 calendar entries \(2021-03-01 \.\. 2021-09-24\)/);
    expect(treeDiff(path.join(SMALL, 'qlib'), out)).toEqual([]);
  });

  it('writes the parsing corner cases as Qlib did, in-process and on worker threads', () => {
    for (const threads of ['0', '2']) {
      const out = path.join(home, `tricky-${threads}`);
      const r = cli(['qlib', 'dump', '--threads', threads, '--csv-dir', path.join(TRICKY, 'csv'), '--qlib-dir', out, '--json']);
      expect(r.code).toBe(0);
      expect(r.stderr).toMatch(/skipped .*EMPTY\.csv: a header and no rows/);
      expect(JSON.parse(r.stdout)).toMatchObject({ instruments: 11, calendarLength: 16, files: 12 });
      expect(treeDiff(path.join(TRICKY, 'qlib'), out)).toEqual([]);
    }
  });

  it('--include-fields and --exclude-fields pick bins as dump_all does', () => {
    const full = readTree(path.join(SMALL, 'qlib'));
    const only = (keep: (file: string) => boolean) => new Map([...full].filter(([f]) => !f.startsWith('features/') || keep(f)));
    const inc = path.join(home, 'include');
    expect(cli(['qlib', 'dump', '--csv-dir', path.join(SMALL, 'csv'), '--qlib-dir', inc, '--include-fields', 'close,volume']).code).toBe(0);
    expect(readTree(inc)).toEqual(only((f) => /\/(close|volume)\.day\.bin$/.test(f)));
    const exc = path.join(home, 'exclude');
    expect(cli(['qlib', 'dump', '--csv-dir', path.join(SMALL, 'csv'), '--qlib-dir', exc, '--exclude-fields', 'vwap,factor']).code).toBe(0);
    expect(readTree(exc)).toEqual(only((f) => !/\/(vwap|factor)\.day\.bin$/.test(f)));
  });

  it('writes 1-minute CSVs as dump_all --freq 1min did', () => {
    const minute = path.resolve('test/fixtures/qlib-minute');
    const out = path.join(home, 'minute');
    const r = cli(['qlib', 'dump', '--freq', '1min', '--csv-dir', path.join(minute, 'csv'), '--qlib-dir', out]);
    expect(r.code).toBe(0);
    expect(treeDiff(path.join(minute, 'qlib'), out)).toEqual([]);
  });

  it('--update of a tail equals one dump of all rows (gaps, early ends and new symbols in the tail)', () => {
    // Tail from 2021-07-15: S0003 and MIXD01 end inside it, S0005 first appears in it, S0004 and S0008 miss days in it.
    const head = path.join(home, 'head');
    const tail = path.join(home, 'tail');
    splitCsvs(head, (d) => d < '2021-07-15');
    splitCsvs(tail, (d) => d >= '2021-07-15');
    expect(fs.existsSync(path.join(head, 'S0005.csv'))).toBe(false);
    const out = path.join(home, 'updated');
    expect(cli(['qlib', 'dump', '--csv-dir', head, '--qlib-dir', out]).code).toBe(0);
    const r = cli(['qlib', 'dump', '--update', '--csv-dir', tail, '--qlib-dir', out, '--json']);
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout)).toMatchObject({ update: true, calendarLength: 150, instruments: 10 });
    expect(treeDiff(path.join(SMALL, 'qlib'), out)).toEqual([]);
    // The whole history again changes nothing; the same tail again neither.
    expect(cli(['qlib', 'dump', '--update', '--csv-dir', path.join(SMALL, 'csv'), '--qlib-dir', out]).code).toBe(0);
    expect(cli(['qlib', 'dump', '--update', '--csv-dir', tail, '--qlib-dir', out]).code).toBe(0);
    expect(treeDiff(path.join(SMALL, 'qlib'), out)).toEqual([]);
  });

  it('--update refuses a row that contradicts what gold holds, and leaves gold as it was', () => {
    const out = path.join(home, 'conflict');
    expect(cli(['qlib', 'dump', '--csv-dir', path.join(SMALL, 'csv'), '--qlib-dir', out]).code).toBe(0);
    const tail = path.join(home, 'conflict-tail');
    fs.mkdirSync(tail);
    fs.writeFileSync(path.join(tail, 'S0007.csv'), 'date,open,high,low,close,volume,vwap,factor\n2021-03-02,1,1,1,1,1,1,1\n');
    const r = cli(['qlib', 'dump', '--update', '--csv-dir', tail, '--qlib-dir', out]);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('S0007.csv:2: the row for 2021-03-02 differs from what gold holds for S0007 (close: ');
    expect(treeDiff(path.join(SMALL, 'qlib'), out)).toEqual([]);
  });

  it('bad CSV input fails naming file, line and column, also from a worker thread', () => {
    const dir = path.join(home, 'bad');
    fs.mkdirSync(dir);
    fs.writeFileSync(path.join(dir, 'A.csv'), 'date,close\n2021-03-01,1\n');
    fs.writeFileSync(path.join(dir, 'B.csv'), 'date,close,volume\n2021-03-01,1,2\n2021-03-02,1,x2\n');
    for (const threads of ['0', '2']) {
      const r = cli(['qlib', 'dump', '--threads', threads, '--csv-dir', dir, '--qlib-dir', path.join(home, `bad-out-${threads}`)]);
      expect(r.code).toBe(1);
      expect(r.stderr).toBe(
        `quantmini: error: ${path.join(dir, 'B.csv')}:3 column "volume": "x2" is not a number ` +
          `(Qlib's astype("<f") would fail on this column)\n`,
      );
      expect(fs.existsSync(path.join(home, `bad-out-${threads}`))).toBe(false);
    }
    fs.writeFileSync(path.join(dir, 'B.csv'), 'date,close\n2021-03-01,1\n03/02/2021,2\n');
    expect(
      cli(['qlib', 'dump', '--csv-dir', dir, '--qlib-dir', path.join(home, 'bad-date')]).stderr,
    ).toContain('B.csv:3 column "date": "03/02/2021" is not a date');
    fs.writeFileSync(path.join(dir, 'B.csv'), 'day,close\n2021-03-01,1\n');
    expect(
      cli(['qlib', 'dump', '--csv-dir', dir, '--qlib-dir', path.join(home, 'bad-col')]).stderr,
    ).toContain('B.csv:1 column "date": no date column "date"');
    const plain = path.join(home, 'plain');
    fs.mkdirSync(path.join(plain, 'calendars'), { recursive: true });
    expect(cli(['qlib', 'dump', '--csv-dir', path.join(SMALL, 'csv'), '--qlib-dir', plain]).stderr).toMatch(/was not written by quantmini/);
  });
});

describe('quantmini qlib check', () => {
  it('reports in the documented JSON shape, writes the report file and exits 1 on errors', () => {
    const out = path.join(home, 'check');
    expect(cli(['qlib', 'dump', '--csv-dir', path.join(SMALL, 'csv'), '--qlib-dir', out]).code).toBe(0);
    const reportFile = path.join(home, 'report.json');
    const r = cli(['qlib', 'check', '--qlib-dir', out, '--json', '--report', reportFile]);
    // The fixture's synthetic calendar has business days the NYSE was closed on.
    expect(r.code).toBe(1);
    const report = goldCheckReportSchema.parse(JSON.parse(r.stdout));
    expect(report.findings.filter((f) => f.level === 'error').map((f) => [f.rule, f.dates])).toEqual([
      ['calendar_nyse', ['2021-04-02', '2021-05-31', '2021-07-05', '2021-09-06']],
    ]);
    expect(report.findings.find((f) => f.rule === 'missing_data' && f.instrument === 'S0004')).toMatchObject({
      field: 'open,close,low,high,volume,factor',
      dates: ['2021-08-05'],
    });
    expect(goldCheckReportSchema.parse(JSON.parse(fs.readFileSync(reportFile, 'utf8'))).counts).toEqual(report.counts);
    const lenient = cli(['qlib', 'check', '--qlib-dir', out, '--calendar', 'none']);
    expect(lenient.code).toBe(0);
    expect(lenient.stdout).toMatch(/0 errors, \d+ warnings/);
    expect(lenient.stdout).toContain(
      'warning missing_data S0004 open,close,low,high,volume,factor: 1 NaN values inside the spans [2021-08-05]',
    );
  });
});
