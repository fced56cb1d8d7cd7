/**
 * A plan's jobs per kind in the words of its stages, in build order: "3 downloads, 3 ingests,
 * 3 silver builds, 1 gold update". Kinds the app does not know yet follow, humanised.
 */
import { formatCount, humanize } from './format.ts';

/** Known job kinds in build order, with how one job of each is called. */
const STAGES: ReadonlyArray<{ kind: string; one: string; many: string }> = [
  { kind: 'download', one: 'download', many: 'downloads' },
  { kind: 'rest-fetch', one: 'REST fetch', many: 'REST fetches' },
  { kind: 'ingest', one: 'ingest', many: 'ingests' },
  { kind: 'silver-build', one: 'silver build', many: 'silver builds' },
  { kind: 'gold-build', one: 'gold update', many: 'gold updates' },
  { kind: 'gold-minute-build', one: '1-minute gold update', many: '1-minute gold updates' },
  { kind: 'feature-build', one: 'feature-set build', many: 'feature-set builds' },
];

/** The stages of a plan, one phrase per kind with jobs, in build order. */
export function stagePhrases(byKind: Readonly<Record<string, number>>): string[] {
  const known = STAGES.filter((s) => (byKind[s.kind] ?? 0) > 0).map((s) => {
    const n = byKind[s.kind] ?? 0;
    return `${formatCount(n)} ${n === 1 ? s.one : s.many}`;
  });
  const other = Object.entries(byKind)
    .filter(([kind, n]) => n > 0 && !STAGES.some((s) => s.kind === kind))
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([kind, n]) => `${formatCount(n)} ${humanize(kind).toLowerCase()}`);
  return [...known, ...other];
}

/** The stages as one line ("nothing to run" when the plan is empty). */
export function describeStages(byKind: Readonly<Record<string, number>>): string {
  const phrases = stagePhrases(byKind);
  return phrases.length ? phrases.join(', ') : 'nothing to run';
}
