export * from './flat-file-datasets.ts';
export * from './option-ticker.ts';
export * from './dataset-registry.ts';
export * from './gold-datasets.ts';
export * from './rest-dataset-types.ts';
export * from './rest-datasets.ts';
export * from './rest-fetch-units.ts';
export * from './rest-refresh-windows.ts';
