import type { Command } from 'commander';
import { formatBytes } from '../run-format.ts';
import { memoryLevel } from '../../system/memory-monitor.ts';
import { systemMemorySource } from '../../system/memory-source.ts';
import { profileSystem, resolveConcurrency } from '../../system/system-profile.ts';
import { createCliContext } from '../cli-context.ts';

/** `quantmini system`: this machine's profile, the concurrency in effect and the memory pressure level. */
export function registerSystemCommand(program: Command): void {
  program
    .command('system')
    .description('cores, memory, disk free on the lake volume, recommended concurrency and the memory pressure level')
    .action(async (_opts: unknown, cmd: Command) => {
      const ctx = createCliContext(cmd);
      const source = systemMemorySource();
      const profile = await profileSystem(ctx.dataRoot, source);
      const { from, ...effective } = resolveConcurrency(ctx.config.settings, profile);
      const m = ctx.config.settings.memory;
      const usedPercent = Math.round(((profile.totalMemoryBytes - profile.availableMemoryBytes) / profile.totalMemoryBytes) * 1000) / 10;
      const memory = {
        level: memoryLevel(usedPercent, m),
        usedPercent,
        totalBytes: profile.totalMemoryBytes,
        availableBytes: profile.availableMemoryBytes,
        warningPercent: m.warningPercent,
        criticalPercent: m.criticalPercent,
      };
      if (ctx.json) return ctx.printJson({ ...profile, effective, effectiveFrom: from, memory, lakeRoot: ctx.dataRoot });
      ctx.print(`${profile.cores} cores (${profile.cpuModel}), ${profile.platform}/${profile.arch}${profile.appleSilicon ? ', Apple Silicon' : ''}`);
      ctx.print(`memory: ${formatBytes(profile.totalMemoryBytes)} total, ${formatBytes(profile.availableMemoryBytes)} available, ${usedPercent}% in use -> ${memory.level} (warning at ${m.warningPercent}%, critical at ${m.criticalPercent}%)`);
      ctx.print(profile.disk ? `disk: ${formatBytes(profile.disk.freeBytes)} free of ${formatBytes(profile.disk.totalBytes)} on the volume of ${ctx.dataRoot}` : `disk: unknown for ${ctx.dataRoot}`);
      ctx.print(`mode: ${profile.mode}`);
      for (const k of ['downloads', 'ingestWorkers', 'duckdbThreads', 'duckdbMemoryLimit'] as const) {
        ctx.print(`  ${k.padEnd(18)} ${String(effective[k]).padEnd(8)} (${from[k] === 'settings' ? `your setting; recommended ${profile.recommended[k]}` : 'recommended for this machine'})`);
      }
    });
}
