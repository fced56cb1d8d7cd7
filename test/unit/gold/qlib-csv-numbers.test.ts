import { describe, expect, it } from 'vitest';
import { CellKind, cellResult, classifyCell, integerToFloat32, pythonFloat, xstrtod } from '../../../core/qlib/qlib-csv-numbers.ts';

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
