// The deterministic synthetic market behind the simulator's S3 and REST servers.
export { createMarket, marketEngineOf, type FullSimulatedMarket, type SimulatedMarketExtras } from './create-market.ts';
export { defaultOptionUnderlyings, FULL_MARKET_TICKERS } from './universe.ts';
export { DECIMAL_VOLUME_FROM } from './day-session.ts';
export { parseOccTicker } from './option-chain.ts';
