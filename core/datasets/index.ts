export * from './flat-file-datasets.ts';
export * from './option-ticker.ts';
export * from './dataset-registry.ts';
