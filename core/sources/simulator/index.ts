// The market simulator's public API: a deterministic market served over Polygon/Massive's S3 and
// REST protocols on loopback, with switchable plans and faults.
export type * from './simulator-types.ts';
export {
  DEMO_CREDENTIALS,
  DEMO_MARKET_DEFAULTS,
  startSimulatorServers,
  type RunningSimulator,
  type SimulatorServerOptions,
} from './simulator-servers.ts';
export type { Fault, FileFault, CountFault, FileFaultKind, CountFaultKind } from './faults/fault-types.ts';
export { FAULT_SYNTAX_HELP, FaultSyntaxError, formatFaults, parseFaults } from './faults/parse-faults.ts';
export { PLANS, planNamed, type PlanEntitlements, type PlanName } from './faults/simulator-plans.ts';
export type { FlatFileRenderer } from './s3/flat-file-store.ts';
export { createMarket, type FullSimulatedMarket } from './market/index.ts';
export { renderFlatFile, renderFlatFileAsync, streamFlatFile } from './flat-files/index.ts';
