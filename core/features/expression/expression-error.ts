/**
 * The one error type of the expression language. It names the expression, the position and what
 * was expected, so a bad manifest or command line is refused loudly instead of producing a column
 * of NaN. `summary` is one line (for manifest refusals and logs); `message` adds the expression and
 * a caret line under the offending span.
 */
export class ExpressionError extends Error {
  override name = 'ExpressionError';
  /** One line: where (feature name, column) and what went wrong. */
  readonly summary: string;

  constructor(
    /** The expression text as written. */
    readonly expression: string,
    /** 0-based index of the first offending character. */
    readonly position: number,
    /** What is wrong or what was expected there, e.g. `expected ',' or ')'`. */
    readonly problem: string,
    /** Name of the feature the expression defines, when known. */
    readonly feature?: string,
    /** Length of the offending span (at least 1) for the caret line. */
    readonly spanLength = 1,
  ) {
    const summary = `${feature ? `${feature}: ` : ''}${problem} at column ${position + 1} of ${JSON.stringify(expression)}`;
    super(`${summary}\n${caretLines(expression, position, spanLength)}`);
    this.summary = summary;
  }

  /** The same error attributed to a named feature (manifests know the name, the parser does not). */
  forFeature(feature: string): ExpressionError {
    return new ExpressionError(this.expression, this.position, this.problem, feature, this.spanLength);
  }
}

/** Two lines: the expression (newlines shown as spaces) and carets under [position, position+length). */
export function caretLines(expression: string, position: number, length = 1): string {
  const flat = expression.replace(/[\r\n\t]/g, ' ');
  const at = Math.max(0, Math.min(position, flat.length));
  const width = Math.max(1, Math.min(length, Math.max(1, flat.length - at)));
  return `  ${flat}\n  ${' '.repeat(at)}${'^'.repeat(width)}`;
}
