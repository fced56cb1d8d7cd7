import type { Rng } from './hash-rng.ts';

/** An industry as the SEC codes it, with words that make plausible company names for it. */
interface Sector {
  sicCode: string;
  sicDescription: string;
  words: readonly string[];
  blurb: string;
}

// Real SEC SIC codes and descriptions, so sic filters on the REST side behave like the real thing.
const SECTORS: readonly Sector[] = [
  { sicCode: '7372', sicDescription: 'SERVICES-PREPACKAGED SOFTWARE', words: ['Software', 'Systems', 'Cloud', 'Data'], blurb: 'develops and sells business software and cloud services' },
  { sicCode: '3674', sicDescription: 'SEMICONDUCTORS & RELATED DEVICES', words: ['Semiconductor', 'Micro', 'Devices', 'Photonics'], blurb: 'designs semiconductors for computing, automotive and industrial markets' },
  { sicCode: '2834', sicDescription: 'PHARMACEUTICAL PREPARATIONS', words: ['Pharmaceuticals', 'Therapeutics', 'Pharma'], blurb: 'discovers and commercialises prescription medicines' },
  { sicCode: '2836', sicDescription: 'BIOLOGICAL PRODUCTS, (NO DIAGNOSTIC SUBSTANCES)', words: ['Biosciences', 'Bio', 'Genomics'], blurb: 'is a clinical-stage biotechnology company' },
  { sicCode: '6022', sicDescription: 'STATE COMMERCIAL BANKS', words: ['Bancorp', 'Financial', 'Bank'], blurb: 'is a bank holding company serving consumers and small businesses' },
  { sicCode: '1311', sicDescription: 'CRUDE PETROLEUM & NATURAL GAS', words: ['Energy', 'Resources', 'Petroleum'], blurb: 'explores for and produces oil and natural gas' },
  { sicCode: '5331', sicDescription: 'RETAIL-VARIETY STORES', words: ['Stores', 'Brands', 'Retail'], blurb: 'operates discount stores and an online marketplace' },
  { sicCode: '5812', sicDescription: 'RETAIL-EATING PLACES', words: ['Restaurants', 'Kitchen', 'Foods'], blurb: 'owns and franchises restaurants' },
  { sicCode: '6798', sicDescription: 'REAL ESTATE INVESTMENT TRUSTS', words: ['Realty', 'Properties', 'REIT'], blurb: 'owns and manages commercial real estate' },
  { sicCode: '3711', sicDescription: 'MOTOR VEHICLES & PASSENGER CAR BODIES', words: ['Motors', 'Automotive', 'Mobility'], blurb: 'designs and manufactures vehicles' },
  { sicCode: '3560', sicDescription: 'GENERAL INDUSTRIAL MACHINERY & EQUIPMENT', words: ['Industries', 'Machinery', 'Manufacturing'], blurb: 'makes industrial equipment and components' },
  { sicCode: '4813', sicDescription: 'TELEPHONE COMMUNICATIONS (NO RADIOTELEPHONE)', words: ['Communications', 'Networks', 'Telecom'], blurb: 'provides broadband, voice and network services' },
  { sicCode: '4911', sicDescription: 'ELECTRIC SERVICES', words: ['Power', 'Utilities', 'Electric'], blurb: 'generates and distributes electricity' },
  { sicCode: '6770', sicDescription: 'BLANK CHECKS', words: ['Acquisition', 'Capital'], blurb: 'is a blank check company formed to effect a business combination' },
  { sicCode: '4512', sicDescription: 'AIR TRANSPORTATION, SCHEDULED', words: ['Airlines', 'Aviation', 'Air'], blurb: 'operates scheduled passenger and cargo flights' },
  { sicCode: '8731', sicDescription: 'SERVICES-COMMERCIAL PHYSICAL & BIOLOGICAL RESEARCH', words: ['Labs', 'Research', 'Sciences'], blurb: 'provides contract research services' },
];

const STEMS_A = ['Al', 'Bel', 'Cor', 'Dyn', 'Ev', 'Fal', 'Gen', 'Hal', 'Ion', 'Jun', 'Kin', 'Lum', 'Mar', 'Nex', 'Or', 'Pel', 'Quin', 'Ral', 'Sol', 'Tor', 'Ul', 'Ver', 'Wes', 'Xan', 'Yar', 'Zen', 'Bry', 'Cal', 'Dax', 'Em', 'Fen', 'Gal', 'Hex', 'Lyr', 'Mer', 'Nov', 'Pyr', 'Ryn', 'Sta', 'Tel', 'Vin'];
const STEMS_B = ['a', 'e', 'i', 'o', 'ar', 'en', 'or', 'ix', 'on', 'el', 'um', 'is', 'ad', 'ent'];
const STEMS_C = ['tech', 'ra', 'lex', 'gen', 'tis', 'ton', 'ium', 'via', 'nova', 'dyne', 'cor', 'ly', 'mont', 'field', 'wick', 'dale', 'stone', 'bridge', 'ex', 'an'];
const COMPANY_SUFFIXES = ['Inc.', 'Corp.', 'Holdings Inc.', 'Group Inc.', 'Co.', 'Ltd.', 'Inc.', 'Corp.'];
const ADR_COUNTRIES = ['Ltd. Sponsored ADR', 'plc American Depositary Shares', 'S.A. Sponsored ADR', 'N.V. ADR', 'AG Sponsored ADR', 'K.K. ADR'];
const ETF_BRANDS = ['Summit', 'Harbor', 'Keystone', 'Meridian', 'Pinnacle', 'Granite', 'Beacon', 'Atlas', 'Cascade', 'Northstar', 'Evergreen', 'Lighthouse'];
const ETF_THEMES = ['U.S. Large Cap', 'Total Bond Market', 'Emerging Markets', 'Dividend Growth', 'Clean Energy', 'Semiconductor', 'Short-Term Treasury', 'Small Cap Value', 'Health Care Select', 'Gold Miners', 'Technology Select', 'Real Estate', 'High Yield Corporate Bond', 'International Developed', 'Momentum Factor', 'Mid Cap Growth', 'Regional Banks', 'Aggregate Bond', 'Quality Factor', 'Biotech'];
const LETTERS = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ';

/** What a new security is called and how it is described. */
export interface SecurityIdentity {
  name: string;
  sector: number;
  /** Letters the ticker is made from, most telling first. */
  seedLetters: string;
}

/** The SIC code and description of a sector index. */
export function sectorOf(sector: number): { sicCode: string; sicDescription: string; blurb: string } {
  const s = SECTORS[sector % SECTORS.length] as Sector;
  return { sicCode: s.sicCode, sicDescription: s.sicDescription, blurb: s.blurb };
}

/** A made-up company name such as "Veltrix Semiconductor Corp.", with its sector. */
export function companyIdentity(rng: Rng, adr = false): SecurityIdentity {
  const sector = rng.int(SECTORS.length);
  const stem = rng.pick(STEMS_A) + rng.pick(STEMS_B) + (rng.chance(0.6) ? rng.pick(STEMS_C) : '');
  const word = rng.pick((SECTORS[sector] as Sector).words);
  const suffix = adr ? rng.pick(ADR_COUNTRIES) : rng.pick(COMPANY_SUFFIXES);
  return { name: `${stem} ${word} ${suffix}`, sector, seedLetters: (stem + word).toUpperCase() };
}

/** A made-up ETF name such as "Granite Clean Energy ETF". */
export function etfIdentity(rng: Rng): SecurityIdentity {
  const brand = rng.pick(ETF_BRANDS);
  const theme = rng.pick(ETF_THEMES);
  const initials = theme.replace(/[^A-Za-z ]/g, '').split(' ').map((w) => w[0] ?? '').join('');
  return { name: `${brand} ${theme} ETF`, sector: -1, seedLetters: (brand[0] + initials + brand.slice(1)).toUpperCase() };
}

/** Ticker candidates from a name's letters: its first letters, then its consonants. */
function candidatesFor(letters: string, length: number): [string, string] {
  let consonants = letters[0] ?? '';
  for (let i = 1; i < letters.length && consonants.length < length; i++) {
    const c = letters[i] as string;
    if (c >= 'A' && c <= 'Z' && c !== 'A' && c !== 'E' && c !== 'I' && c !== 'O' && c !== 'U') consonants += c;
  }
  return [letters.slice(0, length), consonants];
}

/**
 * A unique ticker of 1-5 uppercase letters for a security, preferring letters from its name, and
 * recording it in `taken`. NYSE-style names get 1-4 letters, Nasdaq names mostly 4.
 */
export function allocateSymbol(rng: Rng, seedLetters: string, preferredLength: number, taken: Set<string>): string {
  for (const candidate of candidatesFor(seedLetters, preferredLength)) {
    if (candidate.length === preferredLength && !taken.has(candidate)) {
      taken.add(candidate);
      return candidate;
    }
  }
  // Keep the first letter (tickers usually start like the name) and fill the rest at random.
  const first = seedLetters[0] ?? 'X';
  for (let attempt = 0; ; attempt++) {
    // A crowded first letter soon gives way to a longer ticker, then to any letter.
    const length = Math.min(5, preferredLength + (attempt >> 3));
    let s = attempt < 24 ? first : (LETTERS[rng.int(26)] as string);
    while (s.length < length) s += LETTERS[rng.int(26)];
    if (!taken.has(s)) {
      taken.add(s);
      return s;
    }
  }
}

/** A second name for a company that rebrands (the name that goes with its new ticker). */
export function renamedIdentity(rng: Rng, sector: number): SecurityIdentity {
  const stem = rng.pick(STEMS_A) + rng.pick(STEMS_C);
  const word = rng.pick((SECTORS[Math.max(0, sector) % SECTORS.length] as Sector).words);
  return { name: `${stem} ${word} ${rng.pick(COMPANY_SUFFIXES)}`, sector, seedLetters: (stem + word).toUpperCase() };
}
