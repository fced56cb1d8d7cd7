export * from './config-schema.ts';
export * from './config-paths.ts';
export * from './load-config.ts';
export * from './redact.ts';
export * from './effective-source.ts';
export * from './save-user-config.ts';
