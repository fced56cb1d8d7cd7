import { defaultRegistry, type DatasetKind } from '../../datasets/index.ts';
import type { Layer } from '../../vocabulary/layers.ts';
import { CliError } from '../cli-errors.ts';

/** Parses a --dataset/--datasets list against the registry; an unknown id exits 2 naming the known ones. */
export function parseDatasetList(ids: readonly string[], flag: string, opts: { layer?: Layer; kind?: DatasetKind } = {}): string[] {
  if (ids.length === 0) throw new CliError(`${flag} needs at least one dataset`, 2);
  try {
    return defaultRegistry().parseIds(ids, opts);
  } catch (err) {
    throw new CliError(`${flag}: ${(err as Error).message}`, 2);
  }
}

/** The datasets a --dataset list may name, for help texts. */
export function datasetIdsHelp(opts: { layer?: Layer } = {}): string {
  return (opts.layer ? defaultRegistry().inLayer(opts.layer) : defaultRegistry().entries).map((e) => e.id).join(',');
}
