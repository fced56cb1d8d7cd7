// Machine profile (cores, memory, disk, recommended concurrency) and memory-pressure monitoring.
export * from './system-profile.ts';
export * from './memory-source.ts';
export * from './memory-monitor.ts';
