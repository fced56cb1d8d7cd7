import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { tradingDays } from '../../../core/calendar/index.ts';
import { checkGold, type GoldCheckOptions } from '../../../core/layers/gold/gold-check.ts';
import { goldCheckReportSchema, type GoldCheckRule } from '../../../core/layers/gold/gold-check-report.ts';
import { writeGold } from '../../../core/layers/gold/gold-writer.ts';
import { encodeQlibBin } from '../../../core/qlib/qlib-bin.ts';

const CAL = tradingDays('2024-03-01', '2024-04-30');
const FIELDS = ['open', 'high', 'low', 'close', 'volume', 'factor'];
let tmp: string;
let good: string;
let n = 0;

/** Smooth, complete data: no finding at all. */
function series(code: string, len: number): Map<string, Float32Array> {
  return new Map(
    FIELDS.map(
      (f) => [f, Float32Array.from(
        { length: len },
        (_, i) => (f === 'factor' ? 1 : f === 'volume' ? 1000 + (i % 3) : 10 + code.length + i * 0.01),
      )],
    ),
  );
}

beforeAll(async () => {
  tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'qm-gold-check-'));
  const live = path.join(tmp, 'live');
  await writeGold(live, {
    freq: 'day',
    calendar: CAL,
    instruments: [
      { code: 'aaa', spans: [{ start: 0, end: CAL.length - 1 }], fields: series('aaa', CAL.length) },
      { code: 'bb', spans: [{ start: 5, end: 20 }], fields: series('bb', 16) },
      { code: 'gap', spans: [{ start: 0, end: 9 }, { start: 20, end: 29 }], fields: new Map(
        [...series('gap', 30)].map(([f, v]) => [f, v.map((x, i) => (i > 9 && i < 20 ? Number.NaN : x))]),
      ) },
    ],
  });
  good = fs.realpathSync(live);
});
afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));

/** A plain copy of the good directory, changed by `mutate`. */
function bad(mutate: (dir: string) => void): string {
  const dir = path.join(tmp, `bad-${n++}`);
  fs.cpSync(good, dir, { recursive: true });
  mutate(dir);
  return dir;
}
const bin = (dir: string, inst: string, field: string) => path.join(dir, 'features', inst, `${field}.day.bin`);
const setValue = (dir: string, inst: string, field: string, k: number, v: number) => {
  const b = fs.readFileSync(bin(dir, inst, field));
  b.writeFloatLE(v, 4 + 4 * k);
  fs.writeFileSync(bin(dir, inst, field), b);
};
const rules = (dir: string, o: GoldCheckOptions = {}) => checkGold(dir, o).findings.map(
  (f) => `${f.level} ${f.rule} ${f.instrument ?? '-'} ${f.field ?? '-'} ${f.dates.join(' ')}`,
);
const only = (dir: string, rule: GoldCheckRule, o: GoldCheckOptions = {}) => checkGold(dir, o).findings.filter((f) => f.rule === rule);

describe('qlib check', () => {
  it('finds nothing in a healthy directory and reports in the documented shape', () => {
    const r = checkGold(good);
    expect(rules(good)).toEqual([]);
    expect(r.ok).toBe(true);
    expect(r.bins).toBe(18);
    expect(goldCheckReportSchema.parse(JSON.parse(JSON.stringify(r)))).toEqual(r);
  });

  it("Qlib's rules: missing data, large steps, required columns, factor, lowercase folders", () => {
    const d1 = bad((d) => {
      setValue(d, 'aaa', 'close', 3, Number.NaN);
      setValue(d, 'aaa', 'open', 3, Number.NaN);
      setValue(d, 'bb', 'high', 4, 100);
      setValue(d, 'bb', 'volume', 6, 9000);
      fs.rmSync(bin(d, 'bb', 'low'));
    });
    expect(rules(d1)).toEqual([
      `warning missing_data AAA open,close ${CAL[3]}`,
      `warning large_step BB high ${CAL[9]} ${CAL[10]}`,
      `warning large_step BB volume ${CAL[11]}`,
      'warning required_columns BB low ',
    ]);
    const d2 = bad((d) => {
      fs.rmSync(bin(d, 'aaa', 'factor'));
      fs.writeFileSync(bin(d, 'bb', 'factor'), encodeQlibBin(5, new Float32Array(16).fill(Number.NaN)));
      fs.renameSync(path.join(d, 'features', 'gap'), path.join(d, 'features', 'GAP'));
    });
    expect(rules(d2)).toEqual([
      `warning missing_data BB factor ${CAL.slice(5, 21).join(' ')}`,
      'warning missing_factor AAA factor ',
      'warning missing_factor BB factor ',
      'error features_dir_lowercase GAP - ',
      'error bin_missing GAP - ',
    ]);
    expect(only(d1, 'missing_data')[0]!.message).toBe('1 NaN values inside the spans');
  });

  it('our rules: calendar against the NYSE calendar and well formed', () => {
    const holiday = bad((d) => {
      const cal = [...CAL];
      cal.splice(cal.indexOf('2024-03-28') + 1, 0, '2024-03-29');
      cal.splice(cal.indexOf('2024-04-10'), 1);
      fs.writeFileSync(path.join(d, 'calendars', 'day.txt'), `${cal.join('\n')}\n`);
    });
    expect(only(holiday, 'calendar_nyse').map((f) => [f.level, f.dates])).toEqual([
      ['error', ['2024-04-10']],
      ['error', ['2024-03-29']],
    ]);
    expect(only(holiday, 'calendar_nyse', { calendar: 'none' })).toEqual([]);
    const unordered = bad(
      (d) => fs.writeFileSync(path.join(d, 'calendars', 'day.txt'), `${[CAL[1], CAL[0], ...CAL.slice(2), '2024/05/01'].join('\n')}\n`),
    );
    expect(only(unordered, 'calendar_format').map((f) => f.dates)).toEqual([['2024/05/01'], [CAL[0]]]);
  });

  it('our rules: spans parse, bins exist and match their spans', () => {
    const d = bad((dir) => {
      fs.appendFileSync(path.join(dir, 'instruments', 'all.txt'), 'CCC\t2024-03-01\t2099-01-01\nBB\t2024-03-20\t2024-03-22\n');
      fs.writeFileSync(bin(dir, 'aaa', 'close'), Buffer.alloc(6));
      fs.writeFileSync(bin(dir, 'aaa', 'open'), encodeQlibBin(1, new Float32Array(CAL.length - 1)));
      fs.mkdirSync(path.join(dir, 'features', 'zzz'));
    });
    expect(rules(d).filter((r) => !r.includes('large_step'))).toEqual([
      `error instruments_format BB - 2024-03-20`,
      'error instruments_format CCC - 2024-03-01 2099-01-01',
      'error bin_header AAA close ',
      `error bin_length AAA open ${CAL[0]} ${CAL.at(-1)}`,
      'warning orphan_features zzz - ',
    ]);
  });

  it('our rules: values between spans, NaN on traded days, expected spans', () => {
    const d = bad((dir) => {
      setValue(dir, 'gap', 'close', 12, 5);
      setValue(dir, 'aaa', 'volume', 7, Number.NaN);
    });
    expect(only(d, 'value_outside_span').map((f) => [f.instrument, f.field, f.dates])).toEqual([['GAP', 'close', [CAL[12]]]]);
    const traded = new Map([['AAA', [CAL[6]!, CAL[7]!]]]);
    expect(
      only(d, 'nan_on_traded_day', { tradedDays: traded }).map((f) => [f.level, f.instrument, f.field, f.dates]),
    ).toEqual([['error', 'AAA', 'volume', [CAL[7]]]]);
    const expected = new Map([
      ['AAA', [{ start: CAL[0]!, end: CAL.at(-1)! }]],
      ['BB', [{ start: CAL[5]!, end: CAL[21]! }]],
      ['NEW', [{ start: CAL[0]!, end: CAL[1]! }]],
    ]);
    expect(only(good, 'expected_spans', { expectedSpans: expected }).map((f) => `${f.instrument}: ${f.message}`)).toEqual([
      `BB: all.txt has ${CAL[5]}..${CAL[20]}; expected ${CAL[5]}..${CAL[21]}`,
      `GAP: in all.txt but not among the expected instruments`,
      `NEW: missing from all.txt; expected ${CAL[0]}..${CAL[1]}`,
    ]);
  });
});
