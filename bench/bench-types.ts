/** One benchmark figure, printed beside the floor or peer it is judged against (measured in the same run). */
export interface BenchRow {
  name: string;
  value: number;
  unit: string;
  peer?: { name: string; value: number; unit: string };
  /** The budget from the architecture page, e.g. "< 3x gunzip" or "< 200 ms". */
  budget?: string;
  /** Whether the figure is inside its budget, when a budget applies. */
  withinBudget?: boolean;
}

/** Formats rows as an aligned table for the terminal. */
export function formatBenchTable(title: string, rows: readonly BenchRow[]): string {
  const fmt = (v: number, unit: string) => `${v >= 100 ? v.toFixed(0) : v >= 10 ? v.toFixed(1) : v.toFixed(2)} ${unit}`;
  const lines = rows.map((r) => [
    r.name,
    fmt(r.value, r.unit),
    r.peer ? `${r.peer.name}: ${fmt(r.peer.value, r.peer.unit)}` : '',
    r.budget ? `${r.budget}${r.withinBudget === undefined ? '' : r.withinBudget ? '  ok' : '  OVER'}` : '',
  ]);
  const widths = [0, 1, 2, 3].map((i) => Math.max(...lines.map((l) => l[i]!.length), 0));
  const body = lines.map((l) => l.map((c, i) => c.padEnd(widths[i]!)).join('   ').trimEnd());
  return [`== ${title}`, ...body].join('\n');
}
