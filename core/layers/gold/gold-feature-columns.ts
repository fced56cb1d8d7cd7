/**
 * Feature-set columns as gold fields (`--with-features alpha158@1`): each output of a feature set
 * becomes a bin `features/<symbol>/<name lowercased>.<freq>.bin` beside open/close/..., so a Qlib
 * user reads precomputed values with `D.features(insts, ["$kmid", ...])`. Values are what the
 * feature engine gives on the directory's own fields over each instrument's spans (Qlib's
 * D.features with `instruments: all`), NaN elsewhere in the bin range; the bins share the
 * instrument's start index and length. One instrument is held in memory at a time, and the result
 * is one new generation (readers see all the columns or none).
 */
import { evaluateQlibQuery } from '../../features/engine/feature-pool.ts';
import { planQlibQuery } from '../../features/qlib/qlib-directory-query.ts';
import { compileFeatureSet, type FeatureSetManifest } from '../../features/sets/feature-set-manifest.ts';
import type { GoldCommitStats } from './gold-types.ts';
import { updateGold } from './gold-writer.ts';

/** What adding a set's columns did. */
export interface FeatureColumnsResult {
  set: string;
  fields: string[];
  instruments: number;
  commit: GoldCommitStats;
}

/**
 * Adds the columns of a feature set to the day gold at `qlibDir`. Refused when a feature's
 * lowercased name is a field the directory already has (open, close, factor, or a set added before).
 */
export async function addFeatureColumns(qlibDir: string, manifest: FeatureSetManifest, opts: { threads?: number } = {}): Promise<FeatureColumnsResult> {
  const compiled = compileFeatureSet(manifest, { labels: false });
  const names = compiled.names.map((n) => n.toLowerCase());
  const dup = names.find((n, i) => names.indexOf(n) !== i);
  if (dup) throw new Error(`${manifest.name}@${manifest.version}: two features are named ${dup} once lowercased (Qlib's field names are case-blind)`);
  const plan = planQlibQuery({ qlibDir, instruments: 'all' });
  let instruments = 0;
  const commit = await updateGold(qlibDir, 'day', async (b) => {
    const data = new Set(b.codes().flatMap((c) => b.state(c)!.fields));
    const clash = names.find((n) => data.has(n));
    if (clash) throw new Error(`${manifest.name}@${manifest.version}: feature ${clash} would overwrite the field of that name in ${qlibDir}`);
    for await (const r of evaluateQlibQuery(compiled, plan, opts.threads ? { threads: opts.threads } : {})) {
      const code = r.instrument.toLowerCase();
      const st = b.state(code);
      if (!st) throw new Error(`${qlibDir}: instrument ${r.instrument} has no bins`);
      const fields = new Map<string, Float32Array>();
      for (const f of st.fields) fields.set(f, b.values(code, f)!);
      const n = r.rows.length;
      names.forEach((name, k) => {
        const col = new Float32Array(st.length).fill(NaN);
        for (let i = 0; i < n; i++) col[r.rows[i]! - st.binStart] = r.values[k * n + i]!;
        fields.set(name, col);
      });
      b.put({ code, key: st.key, spans: st.spans, fields });
      instruments++;
    }
  });
  return { set: `${manifest.name}@${manifest.version}`, fields: names, instruments, commit };
}
