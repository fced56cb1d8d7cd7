/**
 * Feature-set manifests: a YAML file naming a set, its semantic version, the source dataset and
 * fields, parameters, the expressions (name -> Qlib expression, in order), labels and the parent
 * version (design: shared/seeds/002). Loading validates the shape with zod and parses every
 * expression, so a bad manifest is refused with one line that points into the offending expression.
 *
 * The content hash covers what determines the values (source, parameters, expressions and labels in
 * canonical form), so it is stable across YAML layout, quoting, comments and spacing inside
 * expressions; description and parent_version are documentation and lineage, not content.
 */
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import YAML from 'yaml';
import { z } from 'zod';
import { ExpressionError } from '../expression/expression-error.ts';
import { compileFeatures, type CompiledFeatureSet } from '../engine/feature-set-compiler.ts';

const SEMVER = /^(0|[1-9]\d*)\.(0|[1-9]\d*)\.(0|[1-9]\d*)$/;
const semver = z.string({ error: 'expected a semantic version such as "1.0.0" (quoted)' }).regex(SEMVER, 'expected a semantic version such as 1.0.0');
const identifier = /^[A-Za-z_][A-Za-z0-9_]*$/;

const manifestSchema = z
  .object({
    name: z.string().regex(/^[a-z][a-z0-9_]*$/, 'expected a lowercase name (letters, digits, _), used in paths and the features_<name> view'),
    version: semver,
    description: z.string().default(''),
    source: z
      .object({
        dataset: z.string().min(1),
        fields: z.array(z.string().regex(/^[a-z][a-z0-9_]*$/, 'expected a lowercase field name')).min(1),
      })
      .strict(),
    parameters: z.record(z.string().regex(identifier, 'expected a parameter name'), z.union([z.number(), z.string(), z.boolean()])).default({}),
    expressions: z.record(z.string().regex(identifier, 'expected a feature name (letters, digits, _)'), z.string().min(1)),
    labels: z.record(z.string().regex(identifier, 'expected a label name (letters, digits, _)'), z.string().min(1)).default({}),
    parent_version: semver.nullable().default(null),
  })
  .strict();

/** A validated manifest; every expression has been parsed and checked against the source fields. */
export interface FeatureSetManifest {
  name: string;
  version: string;
  description: string;
  source: { dataset: string; fields: string[] };
  parameters: Record<string, number | string | boolean>;
  /** Features in manifest order, parameters substituted. */
  expressions: { name: string; expression: string; canonical: string }[];
  labels: { name: string; expression: string; canonical: string }[];
  parentVersion: string | null;
  /** `sha256:<hex>` of the canonical content. */
  contentHash: string;
  /** Where the manifest came from (file path or a label), for messages. */
  origin: string;
  /** Largest lookback / lookahead / Ref depth over features and labels. */
  lookback: number;
  lookahead: number;
  refDepth: number;
}

/** A manifest that cannot be used; `message` is one line naming the file and the problem. */
export class ManifestError extends Error {
  override name = 'ManifestError';
}

/** Parses and validates manifest text; throws ManifestError (one line) on any problem. */
export function parseManifest(text: string, origin: string): FeatureSetManifest {
  let doc: unknown;
  try {
    doc = YAML.parse(text, { uniqueKeys: true });
  } catch (err) {
    const msg = err instanceof Error ? err.message.split('\n')[0] : String(err);
    throw new ManifestError(`${origin}: not valid YAML: ${msg}`);
  }
  const parsed = manifestSchema.safeParse(doc);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    const where = issue.path.length ? issue.path.join('.') : 'manifest';
    // a bad record key carries the key's own validation message one level down
    const inner = issue.code === 'invalid_key' ? issue.issues[0]?.message : undefined;
    throw new ManifestError(`${origin}: ${where}: ${inner ?? issue.message}`);
  }
  const m = parsed.data;
  const substitute = (section: string, name: string, expr: string): string =>
    expr.replace(/\$\{([A-Za-z_][A-Za-z0-9_]*)\}/g, (_, p: string) => {
      if (!(p in m.parameters)) throw new ManifestError(`${origin}: ${section}.${name}: unknown parameter \${${p}} (parameters: ${Object.keys(m.parameters).join(', ') || 'none'})`);
      return String(m.parameters[p]);
    });
  const features = Object.entries(m.expressions).map(([name, e]) => ({ name, expression: substitute('expressions', name, e) }));
  const labels = Object.entries(m.labels).map(([name, e]) => ({ name, expression: substitute('labels', name, e) }));
  const clash = labels.find((l) => features.some((f) => f.name === l.name));
  if (clash) throw new ManifestError(`${origin}: labels.${clash.name}: the name is already a feature`);
  if (features.length === 0) throw new ManifestError(`${origin}: expressions: a feature set needs at least one expression`);
  let compiled: CompiledFeatureSet;
  try {
    compiled = compileFeatures([...features, ...labels], { knownFields: new Set(m.source.fields) });
  } catch (err) {
    if (err instanceof ExpressionError) {
      const section = labels.some((l) => l.name === err.feature) ? 'labels' : 'expressions';
      throw new ManifestError(`${origin}: ${section}.${err.summary}`);
    }
    throw err;
  }
  const canonical = compiled.expressions.map((e) => e.key);
  const withKeys = (defs: { name: string; expression: string }[], offset: number) =>
    defs.map((d, i) => ({ ...d, canonical: canonical[offset + i]! }));
  const manifest: Omit<FeatureSetManifest, 'contentHash'> = {
    name: m.name,
    version: m.version,
    description: m.description,
    source: m.source,
    parameters: m.parameters,
    expressions: withKeys(features, 0),
    labels: withKeys(labels, features.length),
    parentVersion: m.parent_version,
    origin,
    lookback: compiled.lookback,
    lookahead: compiled.lookahead,
    refDepth: compiled.refDepth,
  };
  return { ...manifest, contentHash: contentHash(manifest) };
}

/** Reads and validates a manifest file. */
export function loadManifest(file: string): FeatureSetManifest {
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch (err) {
    throw new ManifestError(`${file}: cannot read the manifest (${(err as NodeJS.ErrnoException).code ?? String(err)})`);
  }
  return parseManifest(text, file);
}

/** The canonical content hash: source, sorted parameters, and (name, canonical expression) pairs in order. */
function contentHash(m: Omit<FeatureSetManifest, 'contentHash'>): string {
  const content = {
    source: { dataset: m.source.dataset, fields: m.source.fields },
    parameters: Object.fromEntries(Object.entries(m.parameters).sort(([a], [b]) => (a < b ? -1 : 1))),
    expressions: m.expressions.map((e) => [e.name, e.canonical]),
    labels: m.labels.map((e) => [e.name, e.canonical]),
  };
  return `sha256:${crypto.createHash('sha256').update(JSON.stringify(content)).digest('hex')}`;
}

/** Compiles a manifest's features (and its labels when asked) into one evaluation plan. */
export function compileFeatureSet(manifest: FeatureSetManifest, options: { labels?: boolean } = {}): CompiledFeatureSet {
  const defs = [...manifest.expressions, ...(options.labels ? manifest.labels : [])];
  return compileFeatures(defs, { knownFields: new Set(manifest.source.fields) });
}

/** Folder of the built-in manifests shipped with QuantMini. */
export function builtinFeatureSetDir(): string {
  return fileURLToPath(new URL('../../../config/feature-sets/', import.meta.url));
}

/** Names of the built-in feature sets. */
export function listBuiltinFeatureSets(): string[] {
  return fs
    .readdirSync(builtinFeatureSetDir())
    .filter((f) => f.endsWith('.yaml'))
    .map((f) => f.slice(0, -'.yaml'.length))
    .sort();
}

/** Loads a built-in feature set by name. */
export function loadBuiltinManifest(name: string): FeatureSetManifest {
  const known = listBuiltinFeatureSets();
  if (!known.includes(name)) throw new ManifestError(`no built-in feature set "${name}" (available: ${known.join(', ')})`);
  return loadManifest(path.join(builtinFeatureSetDir(), `${name}.yaml`));
}
