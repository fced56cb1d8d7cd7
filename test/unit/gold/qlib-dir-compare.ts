import fs from 'node:fs';
import path from 'node:path';

/** Every file under a directory (following the top-level symlink), relative path -> bytes. */
export function readTree(dir: string): Map<string, Buffer> {
  const out = new Map<string, Buffer>();
  const walk = (rel: string) => {
    for (const d of fs.readdirSync(path.join(dir, rel), { withFileTypes: true })) {
      const r = rel ? `${rel}/${d.name}` : d.name;
      if (d.isDirectory()) walk(r);
      else out.set(r, fs.readFileSync(path.join(dir, r)));
    }
  };
  walk('');
  return out;
}

/** The differences between two Qlib directories: missing, extra and differing files (empty when byte-identical). */
export function treeDiff(expected: string, actual: string): string[] {
  const a = readTree(expected);
  const b = readTree(actual);
  const out: string[] = [];
  for (const [f, bytes] of a) {
    const other = b.get(f);
    if (!other) out.push(`missing ${f}`);
    else if (!bytes.equals(other)) out.push(`differs ${f}`);
  }
  for (const f of b.keys()) if (!a.has(f)) out.push(`extra ${f}`);
  return out;
}
