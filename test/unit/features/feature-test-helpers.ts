import { expect } from 'vitest';
import { compileFeatures, evaluateInstrument } from '../../../core/features/engine/feature-set-compiler.ts';

/** Evaluates one expression over hand-made float32 fields and returns its float32 output as numbers. */
export function evaluate(expression: string, fields: Record<string, number[]>): number[] {
  const compiled = compileFeatures([{ name: 'x', expression }]);
  const length = Math.max(...Object.values(fields).map((f) => f.length));
  const input = { length, fields: Object.fromEntries(Object.entries(fields).map(([k, v]) => [k, Float32Array.from(v)])) };
  return [...evaluateInstrument(compiled, input).columns[0]!];
}

/**
 * Asserts a float32 series: NaN and ±inf exactly, other values exactly equal to float32(expected)
 * unless `rel` is given (statistics whose last float32 bit depends on the summation order).
 */
export function expectSeries(actual: number[], expected: number[], rel?: number): void {
  expect(actual.length).toBe(expected.length);
  expected.forEach((e, i) => {
    const a = actual[i]!;
    if (Number.isNaN(e)) expect(a, `row ${i}`).toBeNaN();
    else if (!Number.isFinite(e) || rel === undefined) expect(a, `row ${i}`).toBe(Math.fround(e));
    else expect(Math.abs(a - e), `row ${i}: ${a} vs ${e}`).toBeLessThanOrEqual(rel * Math.abs(e) + 1e-12);
  });
}
