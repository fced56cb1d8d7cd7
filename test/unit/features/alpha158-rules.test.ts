import { describe, expect, it } from 'vitest';
import { evaluateInstrument } from '../../../core/features/engine/feature-set-compiler.ts';
import { compileFeatureSet, loadBuiltinManifest } from '../../../core/features/sets/feature-set-manifest.ts';

// Alpha158's start and missing-day behaviour as observed in Qlib (shared reference section 4.1).
const compiled = compileFeatureSet(loadBuiltinManifest('alpha158'), { labels: true });
const names = compiled.names;

function run(rows: number, missing: number[] = [], opts: { flat?: boolean; zeroVolume?: number[] } = {}) {
  const col = (fn: (i: number) => number) =>
    Float32Array.from({ length: rows }, (_, i) => (missing.includes(i) ? NaN : fn(i)));
  const close = (i: number) => (opts.flat ? 10 : 10 + Math.sin(i) + i * 0.1);
  const fields = {
    open: col((i) => close(i) * (opts.flat ? 1 : 0.99)),
    high: col((i) => close(i) * (opts.flat ? 1 : 1.02)),
    low: col((i) => close(i) * (opts.flat ? 1 : 0.97)),
    close: col(close),
    volume: col((i) => (opts.zeroVolume?.includes(i) ? 0 : 1000 + 100 * ((i * 7) % 5))),
    vwap: col((i) => close(i) * 1.001),
  };
  const out = evaluateInstrument(compiled, { length: rows, fields });
  return (name: string, row: number) => out.columns[names.indexOf(name)]![row]!;
}

const groups = (prefixes: string[]) => names.filter((n) => prefixes.some((p) => new RegExp(`^${p}\\d+$`).test(n)));

describe('Alpha158 at the start of a history', () => {
  const v = run(70);
  it('row 0: NaN exactly for the groups that need a previous value or two points', () => {
    const nanAtZero = groups(['ROC', 'STD', 'BETA', 'RSQR', 'RESI', 'CORR', 'CORD', 'SUMP', 'SUMN', 'SUMD', 'VSTD', 'WVMA', 'VSUMP', 'VSUMN', 'VSUMD']);
    for (const n of names.filter((x) => x !== 'LABEL0')) {
      if (nanAtZero.includes(n)) expect(v(n, 0), n).toBeNaN();
      else expect(v(n, 0), n).not.toBeNaN();
    }
  });
  it('row 0 values: MA = RANK = QTLU = QTLD = 1, IMAX_d = IMIN_d = 1/d, CNTP = CNTN = 0', () => {
    for (const d of [5, 10, 20, 30, 60]) {
      for (const g of ['MA', 'RANK', 'QTLU', 'QTLD']) expect(v(`${g}${d}`, 0)).toBe(1);
      expect(v(`IMAX${d}`, 0)).toBe(Math.fround(1 / d));
      expect(v(`IMIN${d}`, 0)).toBe(Math.fround(1 / d));
      expect(v(`CNTP${d}`, 0)).toBe(0);
      expect(v(`CNTN${d}`, 0)).toBe(0);
    }
  });
  it('row 1: only ROC, CORD and WVMA are still NaN', () => {
    const nanAtOne = groups(['ROC', 'CORD', 'WVMA']);
    for (const n of names.filter((x) => x !== 'LABEL0')) {
      if (nanAtOne.includes(n)) expect(v(n, 1), n).toBeNaN();
      else expect(v(n, 1), n).not.toBeNaN();
    }
    expect(v('ROC5', 5)).not.toBeNaN();
    expect(v('ROC60', 59)).toBeNaN();
    expect(v('ROC60', 60)).not.toBeNaN();
  });
  it('LABEL0 is the return from t+1 to t+2: NaN on the last two rows', () => {
    expect(v('LABEL0', 67)).not.toBeNaN();
    expect(v('LABEL0', 68)).toBeNaN();
    expect(v('LABEL0', 69)).toBeNaN();
  });
});

describe('Alpha158 on a missing day', () => {
  const v = run(40, [30]);
  it('window features are still computed from the rest of the window', () => {
    for (const g of ['RSQR', 'IMAX', 'IMIN', 'IMXD', 'CORR', 'CNTP', 'CNTN', 'CNTD', 'SUMP', 'SUMN', 'SUMD', 'VSUMP']) {
      expect(v(`${g}5`, 30), `${g}5`).not.toBeNaN();
    }
    expect(v('CORD10', 30)).not.toBeNaN();
    expect(v('WVMA10', 30)).not.toBeNaN();
  });
  it('IMAX/IMIN point at the missing day (the last slot: 1.0 on that day)', () => {
    expect(v('IMAX5', 30)).toBe(1);
    expect(v('IMIN5', 30)).toBe(1);
    expect(v('IMAX5', 31)).toBe(Math.fround(4 / 5));
  });
  it('the day itself and features of it are NaN', () => {
    expect(v('KMID', 30)).toBeNaN();
    expect(v('MA5', 30)).toBeNaN(); // Mean(...)/$close with $close NaN
    expect(v('ROC5', 31)).not.toBeNaN();
    expect(v('ROC5', 35)).toBeNaN(); // Ref($close, 5) lands on the missing day
  });
});

describe('Alpha158 on flat prices and zero volume', () => {
  it('flat prices: STD exactly 0, RSQR and CORR NaN (Qlib masks a std within 2e-5 of 0)', () => {
    const v = run(30, [], { flat: true });
    expect(v('STD5', 10)).toBe(0);
    expect(v('RSQR5', 10)).toBeNaN();
    expect(v('CORR5', 10)).toBeNaN();
  });
  it('zero volume: VMA is huge (1e-12 guard), CORD skips the infinite log change', () => {
    const v = run(30, [], { zeroVolume: [20] });
    expect(v('VMA5', 20)).toBeGreaterThan(1e14);
    expect(v('CORD5', 21)).not.toBeNaN(); // Log(v/0 + 1) = inf is missing for Corr
  });
});
