/** Core results turned into the contract's view shapes (the renderer never sees core's internals). */
import type { PlanStep, SystemProfileView, UpdatePlanView } from '../contract/contract-views.ts';
import type { UpdatePlan } from '../runtime/update-plan.ts';
import type { ConcurrencySettings, SystemProfile } from '../system/system-profile.ts';

/** The plan "Update today" would run, step by step. */
export function updatePlanView(plan: UpdatePlan): UpdatePlanView {
  const steps: PlanStep[] = plan.items
    .filter((i) => i.download.needed || i.ingest.needed)
    .map((i) => ({
      dataset: i.dataset,
      date: i.date,
      download: i.download.needed,
      ingest: i.ingest.needed,
      estimatedBytes: i.download.needed ? i.download.estimatedBytes : i.ingest.estimatedBytes,
    }));
  return {
    dates: plan.dates,
    datasets: plan.datasets,
    steps,
    alreadyComplete: plan.totals.upToDate,
    totalEstimatedBytes: plan.totals.estimatedDownloadBytes,
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
