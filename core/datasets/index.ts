export * from './flat-file-datasets.ts';
