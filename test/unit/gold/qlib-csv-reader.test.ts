import { describe, expect, it } from 'vitest';
import { QlibCsvError, dumpedFields, readQlibCsv, readQlibCsvDates } from '../../../core/qlib/qlib-csv-reader.ts';

const opts = { dateField: 'date', freq: 'day' };
const read = (text: string, o: Partial<typeof opts> & { excludeFields?: string[]; includeFields?: string[] } = {}) =>
  readQlibCsv(Buffer.from(text), 'X.csv', { ...opts, ...o });
const failure = (f: () => unknown): QlibCsvError => {
  try {
    f();
  } catch (err) {
    if (err instanceof QlibCsvError) return err;
    throw err;
  }
  throw new Error('expected a QlibCsvError');
};

describe('reading a CSV as dump_all does', () => {
  it('types each column as pandas does and keeps row order and lines', () => {
    const t = read('date,close,volume,flag\n2021-03-02,1.5,100,True\n\n2021-03-01,,200,False\n');
    expect(t.fields).toEqual(['close', 'volume', 'flag']);
    expect([...t.lines]).toEqual([2, 4]);
    expect([...t.values[0]!]).toEqual([1.5, Number.NaN]);
    expect([...t.values[1]!]).toEqual([100, 200]);
    expect([...t.values[2]!]).toEqual([1, 0]);
  });
  it('picks fields like get_dump_fields: include list, else all but the excluded and the date', () => {
    const header = ['date', 'symbol', 'open', 'close'];
    expect(dumpedFields(header, { ...opts, excludeFields: ['symbol'] })).toEqual(['open', 'close']);
    expect(dumpedFields(header, { ...opts, includeFields: ['close', 'nosuch'] })).toEqual(['close']);
    expect(read('date,symbol,close\n2021-03-01,AAPL,1\n', { excludeFields: ['symbol'] }).fields).toEqual(['close']);
  });
  it('reads only the date column in the first pass', () => {
    const d = readQlibCsvDates(Buffer.from('close,date\n1,2021-03-02\n2,2021-03-01 00:00:00\n'), 'X.csv', opts);
    expect(d.keys[0]! - d.keys[1]!).toBe(86_400);
  });
});

describe('bad input names the file, the line and the column', () => {
  it('a value that is not a number', () => {
    const e = failure(() => read('date,close\n2021-03-01,1\n2021-03-02,abc\n'));
    expect(e.message).toBe('X.csv:3 column "close": "abc" is not a number (Qlib\'s astype("<f") would fail on this column)');
    expect([e.file, e.line, e.column]).toEqual(['X.csv', 3, 'close']);
  });
  it('a non-numeric symbol column unless it is excluded', () => {
    expect(failure(() => read('date,symbol,close\n2021-03-01,AAPL,1\n')).column).toBe('symbol');
  });
  it('a date that is not a date', () => {
    const e = failure(() => read('date,close\n2021-03-01,1\n2021-13-01,2\n'));
    expect(e.message).toBe('X.csv:3 column "date": "2021-13-01" is not a date (YYYY-MM-DD[ HH:MM[:SS]])');
    expect(failure(() => read('date,close\n20210301,1\n')).line).toBe(2);
    expect(failure(() => read('date,close\n2021-03-01T09:30:00Z,1\n')).line).toBe(2);
  });
  it('a time of day in day data', () => {
    expect(failure(() => read('date,close\n2021-03-01 09:30:00,1\n')).problem).toMatch(/has a time of day/);
    expect(read('date,close\n2021-03-01 09:30:00,1\n', { freq: '1min' }).keys[0]! % 86_400).toBe(9.5 * 3600);
  });
  it('a missing date column', () => {
    const e = failure(() => read('day,close\n2021-03-01,1\n'));
    expect(e.message).toBe('X.csv:1 column "date": no date column "date" in the header (day, close)');
  });
  it('a row with more fields than the header, an empty file, an unterminated quote', () => {
    expect(failure(() => read('date,close\n2021-03-01,1,2\n')).message).toBe('X.csv:2: expected 2 fields (as in the header), saw 3');
    expect(failure(() => read('')).problem).toMatch(/empty/);
    expect(failure(() => read('date,close\n2021-03-01,"1\n')).problem).toMatch(/quoted field/);
  });
  it('two columns that would write the same bin', () => {
    expect(failure(() => read('date,Close,close\n2021-03-01,1,2\n')).problem).toMatch(/both be written to close/);
  });
});
