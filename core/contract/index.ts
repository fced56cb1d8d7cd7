export * from './contract.ts';
export * from './contract-result.ts';
export type * from './contract-views.ts';
export * from './request-error.ts';
export * from './dispatch.ts';
export * from './wire-codec.ts';
export * from './bridge.ts';
export type * from './contract-backend.ts';
export * from './request-names.ts';
