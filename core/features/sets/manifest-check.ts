/**
 * A manifest checked for the UI: the first error of the whole file (what a build would refuse with)
 * and, for every expression on its own, where it fails (position and length in the expression after
 * parameter substitution), so the page can underline the offending span instead of quoting a line.
 */
import YAML from 'yaml';
import { compileExpression } from '../expression/expression-resolver.ts';
import { ExpressionError } from '../expression/expression-error.ts';
import { ManifestError, parseManifest } from './feature-set-manifest.ts';

/** Where one expression fails. */
export interface ExpressionProblem {
  position: number;
  length: number;
  problem: string;
}

/** The check of one manifest text. */
export interface ManifestCheck {
  ok: boolean;
  error: string | null;
  name: string | null;
  version: string | null;
  expressions: Array<{ name: string; expression: string; problem: ExpressionProblem | null }>;
}

const asRecord = (v: unknown): Record<string, unknown> =>
  v && typeof v === 'object' && !Array.isArray(v) ? (v as Record<string, unknown>) : {};

/** What a page shows of a manifest without compiling it. */
export interface ManifestOutline {
  name: string;
  version: string;
  description: string;
  expressions: Array<{ name: string; expression: string }>;
}

/**
 * The outline of manifest text known to be valid (a built version's, an installed one's): name,
 * version, description and the expressions with parameters substituted, from the YAML alone. A
 * full parse compiles every expression (about 100 ms for Alpha158 here), which the pages that only
 * show them need not pay on the host's thread.
 */
export function manifestOutline(text: string): ManifestOutline {
  const doc = asRecord(YAML.parse(text));
  const params = asRecord(doc.parameters);
  const str = (v: unknown) => (typeof v === 'string' ? v : '');
  const expressions = Object.entries(asRecord(doc.expressions)).map(([name, raw]) => ({
    name,
    expression: String(raw).replace(/\$\{([A-Za-z_]\w*)\}/g, (all, p: string) => (p in params ? String(params[p]) : all)),
  }));
  return { name: str(doc.name), version: str(doc.version), description: str(doc.description), expressions };
}

/** Checks manifest text; never throws for a bad manifest (the problems are the answer). */
export function checkManifestText(text: string, origin = 'manifest'): ManifestCheck {
  let error: string | null = null;
  try {
    parseManifest(text, origin);
  } catch (err) {
    if (!(err instanceof ManifestError)) throw err;
    error = err.message;
  }
  let doc: Record<string, unknown> = {};
  try {
    doc = asRecord(YAML.parse(text));
  } catch {
    // parseManifest already said the YAML is not valid; there are no expressions to point into.
  }
  const params = asRecord(doc.parameters);
  const source = asRecord(doc.source);
  const fields = Array.isArray(source.fields) ? new Set(source.fields.filter((f): f is string => typeof f === 'string')) : undefined;
  const expressions = Object.entries(asRecord(doc.expressions)).map(([name, raw]) => {
    if (typeof raw !== 'string') {
      return { name, expression: String(raw), problem: { position: 0, length: 1, problem: 'expected the expression as a string' } };
    }
    let problem: ExpressionProblem | null = null;
    const unknown = [...raw.matchAll(/\$\{([A-Za-z_]\w*)\}/g)].find((m) => !(m[1]! in params));
    // Positions are in the substituted text, which is what the page shows and what the parser reads.
    const expression = raw.replace(/\$\{([A-Za-z_]\w*)\}/g, (all, p: string) => (p in params ? String(params[p]) : all));
    if (unknown) {
      problem = { position: expression.indexOf(unknown[0]), length: unknown[0].length, problem: `unknown parameter ${unknown[0]}` };
    } else {
      try {
        compileExpression(expression, { ...(fields ? { knownFields: fields } : {}), feature: name });
      } catch (err) {
        if (!(err instanceof ExpressionError)) throw err;
        problem = { position: err.position, length: err.spanLength, problem: err.problem };
      }
    }
    return { name, expression, problem };
  });
  const str = (v: unknown) => (typeof v === 'string' ? v : null);
  return { ok: error === null, error, name: str(doc.name), version: str(doc.version), expressions };
}
