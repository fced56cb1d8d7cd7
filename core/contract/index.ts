export * from './contract.ts';
export * from './contract-result.ts';
export type * from './contract-views.ts';
