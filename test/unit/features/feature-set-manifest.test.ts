import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { compileFeatureSet, listBuiltinFeatureSets, loadBuiltinManifest, ManifestError, parseManifest } from '../../../core/features/sets/feature-set-manifest.ts';

const FIXTURE_CSV = path.resolve(import.meta.dirname, '../../fixtures/qlib-small/alpha158.csv');

const base = `
name: demo
version: 1.2.0
description: a test set
source:
  dataset: stocks_daily_adjusted
  fields: [close, volume]
parameters:
  window: 5
expressions:
  ret: "$close/Ref($close, 1) - 1"
  ma: "Mean($close, \${window})/$close"
labels:
  fwd: "Ref($close, -1)/$close - 1"
parent_version: 1.1.0
`;

function refusal(text: string): string {
  try {
    parseManifest(text, 'demo.yaml');
  } catch (err) {
    expect(err).toBeInstanceOf(ManifestError);
    return (err as Error).message;
  }
  throw new Error('the manifest was accepted');
}

describe('built-in feature sets', () => {
  it('Alpha158 has Qlib names and order (the fixture header) and LABEL0', () => {
    const header = fs.readFileSync(FIXTURE_CSV, 'utf8').split('\n', 1)[0]!.split(',').slice(2);
    const m = loadBuiltinManifest('alpha158');
    expect([...m.expressions.map((e) => e.name), ...m.labels.map((e) => e.name)]).toEqual(header);
    expect(m.labels[0]!.canonical).toBe('Sub(Div(Ref($close,-2),Ref($close,-1)),1)');
    expect({ lookback: m.lookback, lookahead: m.lookahead, refDepth: m.refDepth }).toEqual({ lookback: 60, lookahead: 2, refDepth: 60 });
  });
  it('Alpha360 is 60 days of six normalised fields, oldest first', () => {
    const m = loadBuiltinManifest('alpha360');
    expect(m.expressions).toHaveLength(360);
    expect(m.expressions[0]).toMatchObject({ name: 'CLOSE59', expression: 'Ref($close, 59)/$close' });
    expect(m.expressions[59]).toMatchObject({ name: 'CLOSE0', expression: '$close/$close' });
    expect(m.expressions[359]).toMatchObject({ name: 'VOLUME0', expression: '$volume/($volume+1e-12)' });
    expect(m.lookback).toBe(59);
  });
  it('every built-in set loads and compiles', () => {
    expect(listBuiltinFeatureSets()).toEqual(['alpha158', 'alpha360', 'daily']);
    for (const name of listBuiltinFeatureSets()) {
      const m = loadBuiltinManifest(name);
      expect(compileFeatureSet(m, { labels: true }).names.length).toBe(m.expressions.length + m.labels.length);
    }
    expect(() => loadBuiltinManifest('alpha999')).toThrow(/no built-in feature set "alpha999" \(available: alpha158, alpha360, daily\)/);
  });
});

describe('manifest fields', () => {
  it('parses, substitutes parameters and keeps the order', () => {
    const m = parseManifest(base, 'demo.yaml');
    expect(m).toMatchObject({ name: 'demo', version: '1.2.0', parentVersion: '1.1.0', source: { dataset: 'stocks_daily_adjusted', fields: ['close', 'volume'] } });
    expect(m.expressions.map((e) => [e.name, e.expression])).toEqual([
      ['ret', '$close/Ref($close, 1) - 1'],
      ['ma', 'Mean($close, 5)/$close'],
    ]);
    expect(m.labels[0]!.canonical).toBe('Sub(Div(Ref($close,-1),$close),1)');
    expect({ lookback: m.lookback, lookahead: m.lookahead, refDepth: m.refDepth }).toEqual({ lookback: 4, lookahead: 1, refDepth: 1 });
  });
  it('has a content hash stable across YAML layout and expression spacing', () => {
    const h = parseManifest(base, 'a').contentHash;
    expect(h).toMatch(/^sha256:[0-9a-f]{64}$/);
    const reformatted = `# same content, other layout
name: 'demo'
version: "1.2.0"
description: another description does not change the values
source: { dataset: stocks_daily_adjusted, fields: [close, volume] }
parameters: { window: 5 }
expressions:
  ret: $close / Ref( $close,1 )-1
  ma: >-
    Mean($close, \${window}) / $close
labels: { fwd: "Ref($close,-1)/$close-1" }
parent_version: null
`;
    expect(parseManifest(reformatted, 'b').contentHash).toBe(h);
    expect(parseManifest(base.replace('Ref($close, 1) - 1', 'Ref($close, 2) - 1'), 'c').contentHash).not.toBe(h);
    expect(parseManifest(base.replace('window: 5', 'window: 6'), 'd').contentHash).not.toBe(h);
    expect(parseManifest(base.replace('ret:', 'ret1:'), 'e').contentHash).not.toBe(h);
  });
});

describe('a bad manifest is refused with one line that points into it', () => {
  it('expression errors name the feature, the column and the expression', () => {
    expect(refusal(base.replace('Ref($close, 1) - 1', 'Ref($close, 1 - 1'))).toBe(
      `demo.yaml: expressions.ret: expected ',' or ')' in the arguments of Ref, found the end of the expression at column 25 of "$close/Ref($close, 1 - 1"`,
    );
    expect(refusal(base.replace('Mean($close', 'Maen($close'))).toBe(
      `demo.yaml: expressions.ma: unknown operator 'Maen' (did you mean Mean?) at column 1 of "Maen($close, 5)/$close"`,
    );
    expect(refusal(base.replace('Ref($close, -1)', 'Ref($open, -1)'))).toBe(
      'demo.yaml: labels.fwd: unknown field $open (known: $close, $volume) at column 5 of "Ref($open, -1)/$close - 1"',
    );
    expect(refusal(base.replace('Mean($close, ${window})', 'Mean($close)'))).toMatch(/^demo\.yaml: expressions\.ma: Mean takes 2 arguments, Mean\(x, N\), but got 1 at column 1/);
    for (const bad of [base.replace('Ref($close, 1) - 1', 'Ref($close, 1 - 1')]) expect(refusal(bad)).not.toContain('\n');
  });
  it('shape errors name the key', () => {
    expect(refusal(base.replace('version: 1.2.0', 'version: 1.2'))).toMatch(/^demo\.yaml: version: expected a semantic version/);
    expect(refusal(base.replace('name: demo', 'name: Demo Set'))).toMatch(/^demo\.yaml: name: expected a lowercase name/);
    expect(refusal(`${base}colour: blue\n`)).toMatch(/^demo\.yaml: manifest: Unrecognized key/i);
    expect(refusal(base.replace('  ret:', '  ma:'))).toMatch(/^demo\.yaml: not valid YAML: Map keys must be unique/);
    expect(refusal(base.replace('${window}', '${windw}'))).toBe('demo.yaml: expressions.ma: unknown parameter ${windw} (parameters: window)');
    expect(refusal(base.replace('  fwd:', '  ret:'))).toBe('demo.yaml: labels.ret: the name is already a feature');
    expect(refusal(base.replace('  ret: "', '  1ret: "'))).toMatch(/^demo\.yaml: expressions\.1ret: expected a feature name/);
  });
});
