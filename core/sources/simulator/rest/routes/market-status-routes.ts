import { addDays, earlyCloses, etDateOf, etToUtc, extendedHours, holidays, sessionTimes } from '../../../../calendar/index.ts';
import type { RestContext } from '../rest-context.ts';

// Massive's own spelling of holiday names in /v1/marketstatus/upcoming.
const POLYGON_NAMES: Record<string, string> = {
  "New Year's Day": 'New Years Day',
  'Martin Luther King Jr. Day': 'Martin Luther King, Jr. Day',
  'Juneteenth National Independence Day': 'Juneteenth',
  'Thanksgiving Day': 'Thanksgiving',
  'Christmas Day': 'Christmas',
};

/** The holiday an early close precedes or follows, named as Massive names it. */
function earlyCloseName(date: string): string {
  const month = date.slice(5, 7);
  return month === '07' ? 'Independence Day' : month === '11' ? 'Thanksgiving' : 'Christmas';
}

const EXCHANGES = ['NASDAQ', 'NYSE'] as const;

/** GET /v1/marketstatus/upcoming: a bare array of closures and early closes in the coming year. */
export function upcomingMarketStatus(ctx: RestContext): unknown {
  const today = etDateOf(ctx.now);
  const until = addDays(today, 365);
  const rows: Array<Record<string, string>> = [];
  for (const h of holidays(today, until)) {
    for (const exchange of EXCHANGES) rows.push({ date: h.date, exchange, name: POLYGON_NAMES[h.name] ?? h.name, status: 'closed' });
  }
  for (const e of earlyCloses(today, until)) {
    const open = etToUtc(e.date, 9, 30).toISOString();
    const close = etToUtc(e.date, 13, 0).toISOString();
    for (const exchange of EXCHANGES) rows.push({ close, date: e.date, exchange, name: earlyCloseName(e.date), open, status: 'early-close' });
  }
  return rows.sort((a, b) => (a.date! < b.date! ? -1 : a.date! > b.date! ? 1 : a.exchange! < b.exchange! ? -1 : 1));
}

/** RFC 3339 with the Eastern offset, as serverTime is given ("2020-11-10T17:37:37-05:00"). */
function easternRfc3339(now: Date): string {
  const date = etDateOf(now);
  const offsetH = Math.round((etToUtc(date, 12, 0).getTime() - Date.parse(`${date}T12:00:00Z`)) / 3_600_000);
  const local = new Date(now.getTime() - offsetH * 3_600_000).toISOString().slice(0, 19);
  return `${local}-${String(offsetH).padStart(2, '0')}:00`;
}

/** GET /v1/marketstatus/now, from the calendar and the injected clock. */
export function marketStatusNow(ctx: RestContext): unknown {
  const now = ctx.now;
  const today = etDateOf(now);
  const session = sessionTimes(today);
  const ext = extendedHours(today);
  const open = session !== null && now >= session.openUtc && now < session.closeUtc;
  const early = session !== null && ext !== null && now >= ext.startUtc && now < session.openUtc;
  const after = session !== null && ext !== null && now >= session.closeUtc && now < ext.endUtc;
  const market = open ? 'open' : early || after ? 'extended-hours' : 'closed';
  const weekday = new Date(`${today}T12:00:00Z`).getUTCDay();
  const fxOpen = weekday >= 1 && weekday <= 5;
  const indices = open ? 'open' : 'closed';
  return {
    afterHours: after,
    currencies: { crypto: 'open', fx: fxOpen ? 'open' : 'closed' },
    earlyHours: early,
    exchanges: { nasdaq: market, nyse: market, otc: open ? 'open' : 'closed' },
    indicesGroups: {
      s_and_p: indices,
      societe_generale: indices,
      msci: indices,
      ftse_russell: indices,
      mstar: indices,
      mstarc: indices,
      cccy: 'open',
      cgi: indices,
      nasdaq: indices,
      dow_jones: indices,
    },
    market,
    serverTime: easternRfc3339(now),
  };
}
