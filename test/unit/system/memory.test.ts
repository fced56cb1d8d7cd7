import { describe, expect, it } from 'vitest';
import { createMemoryMonitor, memoryLevel } from '../../../core/system/memory-monitor.ts';
import { parseMeminfo, parsePsRss, parseVmStat, systemMemorySource } from '../../../core/system/memory-source.ts';

describe('memory sources', () => {
  it('reads MemTotal and MemAvailable from /proc/meminfo text', () => {
    const text = 'MemTotal:       24684092 kB\nMemFree:        23835252 kB\nMemAvailable:   24152612 kB\nBuffers: 4164 kB\n';
    expect(parseMeminfo(text)).toEqual({ totalBytes: 24684092 * 1024, availableBytes: 24152612 * 1024 });
    expect(parseMeminfo('MemTotal: 100 kB\nMemFree: 10 kB\nCached: 5 kB\nBuffers: 1 kB\n')).toEqual({ totalBytes: 102400, availableBytes: 16 * 1024 });
    expect(parseMeminfo('garbage')).toBeNull();
  });

  it('counts free, inactive, speculative and purgeable pages from vm_stat (macOS)', () => {
    const text = [
      'Mach Virtual Memory Statistics: (page size of 16384 bytes)',
      'Pages free:                               10000.',
      'Pages active:                            300000.',
      'Pages inactive:                          200000.',
      'Pages speculative:                         5000.',
      'Pages wired down:                        100000.',
      'Pages purgeable:                           1000.',
    ].join('\n');
    expect(parseVmStat(text, 32 * 2 ** 30)).toEqual({ totalBytes: 32 * 2 ** 30, availableBytes: 216000 * 16384 });
  });

  it('parses ps rss output', () => {
    expect(parsePsRss('  123  4567\n 89 10\n')).toEqual(new Map([[123, 4567 * 1024], [89, 10 * 1024]]));
  });

  it('reads this machine and this process', async () => {
    const s = systemMemorySource();
    const sys = await s.system();
    expect(sys.totalBytes).toBeGreaterThan(sys.availableBytes);
    expect(sys.availableBytes).toBeGreaterThan(0);
    const rss = await s.processRss([process.pid, 2 ** 22 + 12345]);
    if (process.platform !== 'win32') {
      expect(rss.get(process.pid)).toBeGreaterThan(10e6);
      expect(rss.has(2 ** 22 + 12345)).toBe(false);
    }
  });
});

describe('memory monitor', () => {
  it('maps usage to levels with the configured thresholds', () => {
    const t = { warningPercent: 75, criticalPercent: 85 };
    expect(memoryLevel(74.9, t)).toBe('normal');
    expect(memoryLevel(75, t)).toBe('warning');
    expect(memoryLevel(85, t)).toBe('critical');
    expect(memoryLevel(60, { warningPercent: 50, criticalPercent: 70 })).toBe('warning');
  });

  it('samples the injected source on an interval and labels process RSS', async () => {
    let used = 50;
    const monitor = createMemoryMonitor({
      source: { system: async () => ({ totalBytes: 1000, availableBytes: 1000 - used * 10 }), processRss: async (pids) => new Map(pids.map((p) => [p, p * 2])) },
      thresholds: { warningPercent: 75, criticalPercent: 85 },
      intervalMs: 20,
      processes: () => [{ pid: 7, label: 'job-a' }],
    });
    const levels: string[] = [];
    monitor.onSample((s) => levels.push(s.level));
    expect(monitor.level).toBe('normal');
    const first = await monitor.sample();
    expect(first).toMatchObject({ usedPercent: 50, level: 'normal', processes: [{ pid: 7, label: 'job-a', rssBytes: 14 }] });
    monitor.start();
    used = 80;
    await new Promise((r) => setTimeout(r, 80));
    expect(monitor.level).toBe('warning');
    used = 90;
    await new Promise((r) => setTimeout(r, 80));
    monitor.stop();
    expect(monitor.level).toBe('critical');
    expect(levels).toContain('warning');
    const n = levels.length;
    await new Promise((r) => setTimeout(r, 60));
    expect(levels.length).toBe(n);
  });
});
