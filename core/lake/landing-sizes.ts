import fs from 'node:fs';
import path from 'node:path';
import { lakePaths } from './lake-paths.ts';

function sortedDirs(dir: string): string[] {
  try {
    return fs
      .readdirSync(dir, { withFileTypes: true })
      .filter((d) => d.isDirectory() && /^\d+$/.test(d.name))
      .map((d) => d.name)
      .sort()
      .reverse();
  } catch {
    return [];
  }
}

/**
 * The median size of the newest landing files of a dataset (up to `sample`), or null when the lake
 * has none. Recent files of the same dataset predict the next download far better than a
 * registry-wide typical size (and in demo mode the simulator's files are much smaller).
 */
export function typicalLandingBytes(lakeRoot: string, dataset: string, sample = 15): number | null {
  const base = path.join(lakePaths(lakeRoot).landingDir, dataset);
  const sizes: number[] = [];
  for (const year of sortedDirs(base)) {
    for (const month of sortedDirs(path.join(base, year))) {
      const dir = path.join(base, year, month);
      let names: string[];
      try {
        names = fs.readdirSync(dir).filter((n) => n.endsWith('.csv.gz')).sort().reverse();
      } catch {
        continue;
      }
      for (const n of names) {
        const size = fs.statSync(path.join(dir, n), { throwIfNoEntry: false })?.size;
        if (size) sizes.push(size);
        if (sizes.length >= sample) break;
      }
      if (sizes.length >= sample) break;
    }
    if (sizes.length >= sample) break;
  }
  if (sizes.length === 0) return null;
  sizes.sort((a, b) => a - b);
  return sizes[Math.floor(sizes.length / 2)]!;
}
