/**
 * Qlib's symbol rules (facts from qlib/utils: code_to_fname, fname_to_code; scripts/dump_bin.py).
 * A symbol has three spellings: the code (file stem, lowercased by dump_all), the feature
 * directory (the code, `_qlib_`-prefixed when it is a Windows device name, lowercased) and the
 * instrument name in instruments/*.txt (the code uppercased).
 */

/** Names Windows reserves for devices; a folder with one of these names cannot be created there. */
const WINDOWS_RESERVED = new Set([
  'CON', 'PRN', 'AUX', 'NUL',
  ...Array.from({ length: 10 }, (_, i) => `COM${i}`),
  ...Array.from({ length: 10 }, (_, i) => `LPT${i}`),
]);

/** The prefix Qlib puts before a Windows-reserved code to make a usable folder name. */
export const RESERVED_PREFIX = '_qlib_';

/** The folder name (under features/) Qlib reads for an instrument or code: reserved names prefixed, lowercase. */
export function featureDirName(symbol: string): string {
  const prefixed = WINDOWS_RESERVED.has(symbol.toUpperCase()) ? `${RESERVED_PREFIX}${symbol}` : symbol;
  return prefixed.toLowerCase();
}

/**
 * The code dump_all derives from a CSV file stem: trimmed, lowercased, and a leading `_qlib_`
 * removed. Qlib removes it with `str.lstrip`, which strips any run of the characters `_ q l i b`
 * rather than the prefix; that quirk is kept so that names round-trip exactly as Qlib's do.
 */
export function codeFromFileStem(stem: string): string {
  let code = stem.trim().toLowerCase();
  if (code.startsWith(RESERVED_PREFIX)) {
    let i = 0;
    while (i < code.length && '_qlib'.includes(code[i]!)) i++;
    code = code.slice(i);
  }
  return code;
}

/** The instrument name Qlib writes to instruments/all.txt for a code. */
export function instrumentName(code: string): string {
  return code.toUpperCase();
}
