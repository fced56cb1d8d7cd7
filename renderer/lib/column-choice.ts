/** Which columns of a file a preview shows: null stands for every column, so new files start whole. */

/** The columns left after toggling `name`, in file order; null when that is every column again. */
export function toggleColumn(all: readonly string[], shown: readonly string[] | null, name: string): readonly string[] | null {
  const set = new Set(shown ?? all);
  if (set.has(name)) set.delete(name);
  else set.add(name);
  const next = all.filter((c) => set.has(c));
  return next.length === all.length ? null : next;
}
