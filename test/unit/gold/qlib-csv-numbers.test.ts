import { describe, expect, it } from 'vitest';
import {
  CellKind,
  cellResult,
  classifyCell,
  integerToFloat32,
  pythonFloat,
  scanNumber,
  scanPlainNumber,
  xstrtod,
} from '../../../core/qlib/qlib-csv-numbers.ts';

const b = (s: string) => Buffer.from(s, 'latin1');
const parse = (s: string) => xstrtod(b(s), 0, s.length);
const kind = (s: string) => classifyCell(b(s), 0, s.length);

describe("pandas 1.5's float converter", () => {
  it('reads the spellings pandas accepts, with surrounding whitespace', () => {
    expect(parse('1.5')).toBe(1.5);
    expect(parse(' +1.5 ')).toBe(1.5);
    expect(parse('.5')).toBe(0.5);
    expect(parse('5.')).toBe(5);
    expect(parse('1E-3')).toBe(0.001);
    expect(Object.is(parse('-0.0'), -0)).toBe(true);
    expect(parse('1e-400')).toBe(0);
  });
  it('refuses what it does not consume', () => {
    for (const s of ['', ' ', '.', '-', 'e5', '1e', '1.5x', '1,5', 'nan', '1e400']) expect(Number.isNaN(parse(s)), s).toBe(true);
  });
  it('gives the doubles pandas 1.5 gives for 17-digit decimals (not always the correctly rounded ones)', () => {
    // Values read back from pandas 1.5.3's read_csv; JavaScript's Number() rounds these differently.
    expect(parse('0.30000000000000004')).toBe(0.3);
    expect(Number('0.30000000000000004')).not.toBe(0.3);
    expect(parse('0.12345678901234567')).toBe(0.1234567890123456);
    expect(parse('9.999999999999999e22')).toBe(1e23);
  });
});

describe('the plain-number fast path', () => {
  it('gives scanNumber\'s double, end and integer flag for plain cells and declines every other spelling', () => {
    const cells = [
      '0', '-0', '7', '123.456', '-0.000123', '5.', '.5', '12345678901234567', '1234567890.1234567', '123456789012345678',
      '100.370000', '-99999.999999', '1e5', '1.5E-3', ' 1', '1 ', '+1', '-', '', 'abc', '1.2.3', 'nan', '0x10',
    ];
    for (const cell of cells) {
      for (const text of [cell, `${cell},9`]) {
        const buf = Buffer.from(text);
        const fast = scanPlainNumber(buf, 0, buf.length);
        const fastEnd = cellResult.end;
        const fastInt = cellResult.isInt;
        const slow = scanNumber(buf, 0, buf.length);
        if (fastEnd < 0) {
          // Declined: only cells that are not `[-]digits[.digits]` of at most 17 digits before a comma.
          expect(/^-?\d*\.?\d*(,|$)/.test(text) && /\d/.test(cell) && cell.replace(/[-.]/g, '').length <= 17).toBe(false);
          continue;
        }
        expect(Object.is(fast, slow)).toBe(true);
        expect(fastEnd).toBe(cellResult.end);
        expect(fastInt).toBe(cellResult.isInt);
      }
    }
  });
});

describe('cell types', () => {
  it('classifies cells the way pandas types a column', () => {
    expect(kind('42')).toBe(CellKind.Int);
    expect(kind(' -7 ')).toBe(CellKind.Int);
    expect(kind('4.0')).toBe(CellKind.Float);
    expect(kind('1e3')).toBe(CellKind.Float);
    expect(kind('inf')).toBe(CellKind.Float);
    expect(cellResult.value).toBe(Infinity);
    expect(kind('-Infinity')).toBe(CellKind.Float);
    expect(cellResult.value).toBe(-Infinity);
    for (const na of ['', 'NA', 'NaN', 'nan', 'null', '#N/A', '-1.#IND', '<NA>']) expect(kind(na), na).toBe(CellKind.Na);
    expect(kind('True')).toBe(CellKind.True);
    expect(kind('false')).toBe(CellKind.False);
    expect(kind('None')).toBe(CellKind.Other);
    expect(kind(' nan')).toBe(CellKind.Other);
  });
  it("converts strings with Python's float() rules", () => {
    expect(pythonFloat(' 2.5 ')).toBe(2.5);
    expect(pythonFloat('1_000')).toBe(1000);
    expect(pythonFloat('-INF')).toBe(-Infinity);
    expect(Number.isNaN(pythonFloat(' nan')!)).toBe(true);
    expect(pythonFloat('1__0')).toBeNull();
    expect(pythonFloat('True')).toBeNull();
    expect(pythonFloat('abc')).toBeNull();
  });
  it('rounds large integers to float32 once, or through float64 when reindexing made gaps', () => {
    const v = 2n ** 54n + 2n ** 30n + 1n;
    expect(integerToFloat32(v, false)).toBe(2 ** 54 + 2 ** 31);
    expect(integerToFloat32(v, true)).toBe(2 ** 54);
    expect(integerToFloat32(16777217n, false)).toBe(16777216);
    expect(integerToFloat32(-16777219n, false)).toBe(-16777220);
  });
});
