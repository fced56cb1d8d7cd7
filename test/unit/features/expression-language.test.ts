import { describe, expect, it } from 'vitest';
import { ExpressionError } from '../../../core/features/expression/expression-error.ts';
import { compileExpression } from '../../../core/features/expression/expression-resolver.ts';
import { pythonNumberRepr } from '../../../core/features/expression/python-number.ts';
import { windowInfo } from '../../../core/features/expression/window-analysis.ts';
import { compileFeatures } from '../../../core/features/engine/feature-set-compiler.ts';

const key = (e: string) => compileExpression(e).key;

function errorOf(text: string, knownFields?: string[]): ExpressionError {
  try {
    compileExpression(text, { knownFields: knownFields ? new Set(knownFields) : undefined, feature: 'F' });
  } catch (err) {
    if (err instanceof ExpressionError) return err;
    throw err;
  }
  throw new Error(`no error for ${text}`);
}

describe('canonical form (equal to Qlib str(expression))', () => {
  it('matches the Qlib keys of Alpha158 expressions', () => {
    expect(key('($close-$open)/($high-$low+1e-12)')).toBe('Div(Sub($close,$open),Add(Sub($high,$low),1e-12))');
    expect(key('Quantile($close, 5, 0.8)/$close')).toBe('Div(Quantile($close,5,0.8),$close)');
    expect(key('Corr($close/Ref($close,1), Log($volume/Ref($volume, 1)+1), 5)')).toBe(
      'Corr(Div($close,Ref($close,1)),Log(Add(Div($volume,Ref($volume,1)),1)),5)',
    );
    expect(key('Ref($close, -2)/Ref($close, -1) - 1')).toBe('Sub(Div(Ref($close,-2),Ref($close,-1)),1)');
  });
  it("follows Python's reflected operators and precedence", () => {
    expect(key('2*$close-$high')).toBe('Sub(Mul($close,2),$high)');
    expect(key('2+$close')).toBe('Add(2,$close)');
    expect(key('2>$close')).toBe('Lt($close,2)');
    expect(key('$a>$b+1')).toBe('Gt($a,Add($b,1))');
    expect(key('-$close*2')).toBe('Mul(Mul($close,-1),2)');
    expect(key('$close*(2*3)')).toBe('Mul($close,6)');
    expect(key('$close/(1/2)')).toBe('Div($close,0.5)');
    expect(key('$Close')).toBe('$close');
    expect(key(' Mean ( $close ,\n 5 ) ')).toBe('Mean($close,5)');
  });
  it('prints numbers as Python repr does', () => {
    expect(pythonNumberRepr(1e-12, false)).toBe('1e-12');
    expect(pythonNumberRepr(0.00001, false)).toBe('1e-05');
    expect(pythonNumberRepr(0.0001, false)).toBe('0.0001');
    expect(pythonNumberRepr(2, false)).toBe('2.0');
    expect(pythonNumberRepr(1e16, false)).toBe('1e+16');
    expect(pythonNumberRepr(123.5, false)).toBe('123.5');
    expect(pythonNumberRepr(-3, true)).toBe('-3');
  });
});

describe('errors name the expression, the position and what was expected', () => {
  it('syntax errors, with a caret line', () => {
    const e = errorOf('Mean($close, 5');
    expect(e.position).toBe(14);
    expect(e.summary).toBe(`F: expected ',' or ')' in the arguments of Mean, found the end of the expression at column 15 of "Mean($close, 5"`);
    expect(e.message.split('\n').slice(1)).toEqual(['  Mean($close, 5', `  ${' '.repeat(14)}^`]);
    expect(errorOf('($close-$open').problem).toMatch(/expected '\)' to close the '\(' at column 1/);
    expect(errorOf('$close $open').position).toBe(7);
    expect(errorOf('$close # 2').problem).toBe('unexpected character "#"');
    expect(errorOf('Mean($close,)').problem).toMatch(/expected an argument after ','/);
    expect(errorOf('$a < $b < $c').problem).toMatch(/chained comparisons/);
    expect(errorOf('$close ** 2').problem).toMatch(/use Power/);
  });
  it('unknown operators and names, with a suggestion', () => {
    const e = errorOf('Maen($close, 5)/$close');
    expect(e.position).toBe(0);
    expect(e.spanLength).toBe(4);
    expect(e.problem).toBe("unknown operator 'Maen' (did you mean Mean?)");
    expect(errorOf('mean($close, 5)').problem).toContain('did you mean Mean?');
    expect(errorOf('close/2').problem).toMatch(/fields are written \$close/);
    expect(errorOf('Mask($close, 1)').problem).toMatch(/exists in Qlib but is not supported/);
  });
  it('wrong arity and bad parameters', () => {
    expect(errorOf('Mean($close)').problem).toBe('Mean takes 2 arguments, Mean(x, N), but got 1');
    expect(errorOf('Corr($a, $b)').problem).toBe('Corr takes 3 arguments, Corr(a, b, N), but got 2');
    expect(errorOf('Mean($close, 2.5)').problem).toMatch(/must be a whole number/);
    expect(errorOf('Mean($close, -1)').problem).toMatch(/must be 0 \(expanding\) or more/);
    expect(errorOf('Skew($close, 2)').problem).toMatch(/at least 3/);
    expect(errorOf('Quantile($close, 5, 1.5)').problem).toMatch(/q of Quantile/);
    expect(errorOf('Mean(5, 3)').problem).toMatch(/must be an expression over \$fields/);
    expect(errorOf('1+2').problem).toMatch(/plain number/);
    const pos = errorOf('$close + Mean($close)');
    expect(pos.position).toBe(9);
  });
  it('unknown fields against the known set', () => {
    const e = errorOf('$close/$volum', ['close', 'volume']);
    expect(e.position).toBe(7);
    expect(e.problem).toBe('unknown field $volum (known: $close, $volume); did you mean $volume?');
  });
  it("combinations Qlib turns into numpy object or float16 arrays are refused, not approximated", () => {
    expect(errorOf('Ref($close>$open, 1)').problem).toMatch(/object array/);
    expect(errorOf('Log($close>$open)').problem).toMatch(/float16/);
    expect(errorOf('($close>$open)-($high>$low)').problem).toMatch(/boolean subtract/);
  });
});

describe('windows', () => {
  it('lookback, lookahead, Ref depth and Qlib extension of an expression', () => {
    const w = windowInfo(compileExpression('Corr($close/Ref($close,1), Log($volume/Ref($volume, 1)+1), 60)'));
    expect(w).toMatchObject({ lookback: 60, lookahead: 0, refDepth: 1, qlibLeft: 60, qlibRight: 0 });
    expect(windowInfo(compileExpression('Ref($close, -2)/Ref($close, -1) - 1'))).toMatchObject({ lookback: 0, lookahead: 2, refDepth: 0, qlibRight: 2 });
    expect(windowInfo(compileExpression('Mean(Ref($close, 5), 10)'))).toMatchObject({ lookback: 14, refDepth: 5, qlibLeft: 14 });
    // Qlib extends Delta by N - 1 only: one row less than the value needs
    expect(windowInfo(compileExpression('Delta($close, 3)'))).toMatchObject({ lookback: 3, qlibLeft: 2 });
    expect(windowInfo(compileExpression('EMA($close, 10)')).lookback).toBe(Infinity);
    expect(windowInfo(compileExpression('Mean($close, 0)')).lookback).toBe(Infinity);
    expect(windowInfo(compileExpression('Max($close, 20)')).boundedExact).toBe(true);
    expect(windowInfo(compileExpression('Mean($close, 20)')).boundedExact).toBe(false);
  });
  it('a compiled set shares sub-expressions and reports its largest windows', () => {
    const set = compileFeatures([
      { name: 'A', expression: 'Ref($close, 1)/$close' },
      { name: 'B', expression: 'Mean($close>Ref($close, 1), 20)' },
      { name: 'C', expression: 'Std($close, 20)/Ref($close,1)' },
    ]);
    const keys = set.plan.nodes.map((n) => n.key);
    expect(keys.filter((k) => k === 'Ref($close,1)')).toHaveLength(1);
    expect(keys.filter((k) => k === '$close')).toHaveLength(1);
    expect(set).toMatchObject({ lookback: 20, refDepth: 1, lookahead: 0, fields: ['close'] });
  });
});
