/** Core results turned into the contract's view shapes (the renderer never sees core's internals). */
import type { BackfillEstimateView, PlanStep, SystemProfileView, UpdatePlanView } from '../contract/contract-views.ts';
import type { EnginePlan } from '../runtime/planner.ts';
import type { ConcurrencySettings, SystemProfile } from '../system/system-profile.ts';

/** A plan as the Today page shows it: per (dataset, day) the job kinds that run, and every job. */
export function updatePlanView(plan: EnginePlan): UpdatePlanView {
  const steps = new Map<string, PlanStep>();
  for (const j of plan.jobs) {
    for (const date of j.dates) {
      const key = `${j.dataset}|${date}`;
      const step = steps.get(key) ?? { dataset: j.dataset, date, kinds: [], estimatedBytes: 0, reason: j.reason };
      if (!step.kinds.includes(j.kind)) step.kinds.push(j.kind);
      if (date === j.dates[0]) step.estimatedBytes = Math.max(step.estimatedBytes, j.estimatedBytes);
      steps.set(key, step);
    }
  }
  return {
    dates: [...new Set(plan.items.map((i) => i.date))].sort(),
    datasets: [...new Set(plan.items.map((i) => i.dataset))],
    steps: [...steps.values()].sort((a, b) => (a.date === b.date ? a.dataset.localeCompare(b.dataset) : a.date.localeCompare(b.date))),
    jobs: plan.jobs.map((j) => ({
      jobId: j.id, kind: j.kind, dataset: j.dataset, layer: j.layer, dates: j.dates, dependsOn: j.dependsOn,
      estimatedBytes: j.estimatedBytes, estimate: j.estimate, reason: j.reason,
    })),
    byKind: plan.totals.byKind,
    alreadyComplete: plan.totals.upToDate,
    totalEstimatedBytes: plan.totals.estimatedBytes,
    estimateIsGuess: plan.jobs.some((j) => j.estimate === 'typical'),
  };
}

/** What a backfill of selected cells would run, upstream jobs included ("3 download, 3 ingest"). */
export function backfillEstimateView(plan: EnginePlan): BackfillEstimateView {
  const view = updatePlanView(plan);
  return {
    days: new Set(plan.jobs.flatMap((j) => j.dates)).size,
    datasets: [...new Set(plan.jobs.map((j) => j.dataset))].sort(),
    jobs: plan.totals.jobs,
    byKind: plan.totals.byKind,
    estimatedBytes: view.totalEstimatedBytes,
    estimateIsGuess: view.estimateIsGuess,
    alreadyComplete: plan.totals.upToDate,
  };
}

/** The machine, its processing mode and the concurrency runs will use. */
export function systemProfileView(profile: SystemProfile, effective: ConcurrencySettings): SystemProfileView {
  return {
    cores: profile.cores,
    totalMemoryBytes: profile.totalMemoryBytes,
    availableMemoryBytes: profile.availableMemoryBytes,
    diskFreeBytes: profile.disk?.freeBytes ?? null,
    diskTotalBytes: profile.disk?.totalBytes ?? null,
    appleSilicon: profile.appleSilicon,
    platform: profile.platform,
    mode: profile.mode,
    recommended: { ...profile.recommended },
    effective: {
      downloads: effective.downloads,
      ingestWorkers: effective.ingestWorkers,
      duckdbThreads: effective.duckdbThreads,
      duckdbMemoryLimit: effective.duckdbMemoryLimit,
    },
  };
}
