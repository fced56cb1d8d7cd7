import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { decodeQlibBin, encodeQlibBin } from '../../../core/qlib/qlib-bin.ts';
import { readQlibCalendar, readQlibFeature, readQlibInstruments } from '../../../core/qlib/qlib-dir-reader.ts';
import { codeFromFileStem, featureDirName, instrumentName } from '../../../core/qlib/qlib-symbols.ts';

const FIXTURE = path.resolve(import.meta.dirname, '../../fixtures/qlib-small/qlib');

describe('Qlib symbol rules', () => {
  it('maps file stems, folders and instrument names as dump_all does', () => {
    expect(codeFromFileStem('MiXd01')).toBe('mixd01');
    expect(featureDirName('mixd01')).toBe('mixd01');
    expect(instrumentName('mixd01')).toBe('MIXD01');
    expect(featureDirName('con')).toBe('_qlib_con');
    expect(featureDirName('CON')).toBe('_qlib_con');
    expect(featureDirName('com7')).toBe('_qlib_com7');
    expect(featureDirName('CONX')).toBe('conx');
    expect(codeFromFileStem(' AAPL ')).toBe('aapl');
    // lstrip of the character set, as Qlib does
    expect(codeFromFileStem('_qlib_con')).toBe('con');
    expect(codeFromFileStem('_qlib_bil')).toBe('');
  });
});

describe('Qlib bin encoding', () => {
  it('round-trips a start index and float32 values, little-endian', () => {
    const bytes = encodeQlibBin(3, [1.5, Number.NaN, 2]);
    expect([...bytes.subarray(0, 4)]).toEqual([0x00, 0x00, 0x40, 0x40]);
    expect([...bytes.subarray(8, 12)]).toEqual([0x00, 0x00, 0xc0, 0x7f]);
    const s = decodeQlibBin(bytes);
    expect(s.start).toBe(3);
    expect([...s.values]).toEqual([1.5, Number.NaN, 2]);
  });
  it('refuses a file that is not whole floats', () => {
    expect(() => decodeQlibBin(new Uint8Array(6), 'x.bin')).toThrow(/x.bin: 6 bytes/);
  });
});

describe('reading the qlib-small fixture', () => {
  it('reads calendar, spans and a feature file as Qlib would', () => {
    const cal = readQlibCalendar(FIXTURE);
    expect(cal).toHaveLength(150);
    expect(cal[0]).toBe('2021-03-01');
    const spans = readQlibInstruments(FIXTURE);
    expect(spans.find((s) => s.instrument === 'S0005')).toEqual({ instrument: 'S0005', start: '2021-08-02', end: '2021-08-04' });
    const close = readQlibFeature(FIXTURE, 'S0005', 'close')!;
    expect(close.values).toHaveLength(3);
    expect(cal[close.start]).toBe('2021-08-02');
    expect(readQlibFeature(FIXTURE, 'CON', 'close')!.start).toBe(0);
    expect(readQlibFeature(FIXTURE, 'S0005', 'nosuchfield')).toBeNull();
  });
});
