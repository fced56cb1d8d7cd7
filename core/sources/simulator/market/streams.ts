// Purpose tags mixed into every hash, so streams drawn for different purposes never coincide.
export const STREAM = {
  entity: 0x1001,
  ipo: 0x1002,
  walk: 0x1003,
  marketWalk: 0x1004,
  day: 0x1005,
  split: 0x1006,
  special: 0x1007,
  option: 0x1008,
  news: 0x1009,
  financials: 0x100a,
  shortInterest: 0x100b,
  shortVolume: 0x100c,
  dividendDates: 0x100d,
  ids: 0x100e,
} as const;
