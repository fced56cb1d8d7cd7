/** A calendar date as 'YYYY-MM-DD'. */
export type IsoDate = string;

/** A full-day closure on a weekday: a holiday observed on that day, or a special closure. */
export interface Holiday {
  date: IsoDate;
  name: string;
}

/** A trading session that ends early. */
export interface EarlyClose {
  date: IsoDate;
  closeEt: '13:00';
}

/** What kind of day a date is for the NYSE. */
export type DayKind = 'trading' | 'weekend' | 'holiday';
