// Identifier formats with real check digits, so code that validates FIGIs or ISINs accepts them.

const FIGI_CHARS = '0123456789BCDFGHJKLMNPQRSTVWXYZ';

/** Numeric value of an identifier character: digits as themselves, letters A=10 .. Z=35. */
function charValue(c: string): number {
  const code = c.charCodeAt(0);
  return code <= 57 ? code - 48 : code - 55;
}

/** Sum of the decimal digits of a small number. */
function digitSum(n: number): number {
  let s = 0;
  for (let v = n; v > 0; v = Math.floor(v / 10)) s += v % 10;
  return s;
}

/** OpenFIGI check digit: every second character's value doubled, digits summed, mod 10. */
function figiCheckDigit(body: string): string {
  let sum = 0;
  for (let i = 0; i < body.length; i++) {
    const v = charValue(body[i] as string);
    sum += digitSum((i + 1) % 2 === 0 ? v * 2 : v);
  }
  return String((10 - (sum % 10)) % 10);
}

/** A well-formed FIGI ("BBG" + 8 characters + check digit) unique for each non-negative number. */
export function figiFor(n: number): string {
  let body = '';
  let v = n;
  for (let i = 0; i < 8; i++) {
    body = FIGI_CHARS[v % FIGI_CHARS.length] + body;
    v = Math.floor(v / FIGI_CHARS.length);
  }
  // OpenFIGI never issues a third character that is a vowel; "BBG" + consonants/digits satisfies that.
  const full = `BBG${body}`;
  return full + figiCheckDigit(full);
}

/** A 10-digit SEC Central Index Key. */
export function cikFor(n: number): string {
  return String(n).padStart(10, '0');
}

/** CUSIP check digit (the 9th character) of an 8-character body. */
function cusipCheckDigit(body: string): string {
  let sum = 0;
  for (let i = 0; i < 8; i++) {
    let v = charValue(body[i] as string);
    if (i % 2 === 1) v *= 2;
    sum += Math.floor(v / 10) + (v % 10);
  }
  return String((10 - (sum % 10)) % 10);
}

/** ISIN check digit: letters expanded to two digits, then Luhn from the right. */
function isinCheckDigit(body: string): string {
  const digits = [...body].map((c) => String(charValue(c))).join('');
  let sum = 0;
  for (let i = digits.length - 1, double = true; i >= 0; i--, double = !double) {
    let d = digits.charCodeAt(i) - 48;
    if (double) {
      d *= 2;
      if (d > 9) d -= 9;
    }
    sum += d;
  }
  return String((10 - (sum % 10)) % 10);
}

/** A US ISIN with a valid embedded CUSIP (issuer from `n` in base 36, issue "10"), unique below 36^6. */
export function usIsinFor(n: number): string {
  const body = `${n.toString(36).toUpperCase().padStart(6, '0').slice(-6)}10`;
  const cusip = body + cusipCheckDigit(body);
  const isinBody = `US${cusip}`;
  return isinBody + isinCheckDigit(isinBody);
}
