import { describe, expect, it } from 'vitest';
import { checkManifestText } from '../../../core/features/sets/manifest-check.ts';

const manifest = (expressions: string) =>
  [
    'name: demo',
    'version: 1.0.0',
    'source:',
    '  dataset: stocks_daily_adjusted',
    '  fields: [close, volume]',
    'parameters:',
    '  window: 5',
    'expressions:',
    expressions,
  ].join('\n');

describe('checkManifestText', () => {
  it('accepts a manifest that would build', () => {
    const r = checkManifestText(manifest('  ret: "$close/Ref($close, 1) - 1"\n  vol: "$volume/Mean($volume, ${window})"'));
    expect(r).toMatchObject({ ok: true, error: null, name: 'demo', version: '1.0.0' });
    expect(r.expressions.map((e) => [e.name, e.expression, e.problem])).toEqual([
      ['ret', '$close/Ref($close, 1) - 1', null],
      ['vol', '$volume/Mean($volume, 5)', null],
    ]);
  });

  it('points at the misspelt operator, the unknown field and the unknown parameter, each in its own expression', () => {
    const r = checkManifestText(manifest('  a: "$close/Maen($close, 5)"\n  b: "$close/$open"\n  c: "Mean($close, ${win})"\n  d: "$close"'));
    expect(r.ok).toBe(false);
    // Parameters are substituted before any expression is parsed, so the build refuses c first.
    expect(r.error).toMatch(/^manifest: expressions\.c: unknown parameter/);
    const byName = new Map(r.expressions.map((e) => [e.name, e]));
    const a = byName.get('a')!;
    expect(a.expression.slice(a.problem!.position, a.problem!.position + a.problem!.length)).toBe('Maen');
    const b = byName.get('b')!;
    expect(b.expression.slice(b.problem!.position, b.problem!.position + b.problem!.length)).toBe('$open');
    const c = byName.get('c')!;
    expect(c.problem).toMatchObject({ problem: 'unknown parameter ${win}' });
    expect(c.expression.slice(c.problem!.position, c.problem!.position + c.problem!.length)).toBe('${win}');
    expect(byName.get('d')!.problem).toBeNull();
  });

  it('says why text that is not YAML cannot be checked, without expressions to point into', () => {
    const r = checkManifestText('name: [unclosed');
    expect(r.ok).toBe(false);
    expect(r.error).toMatch(/not valid YAML/);
    expect(r.expressions).toEqual([]);
  });
});
