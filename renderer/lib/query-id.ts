/** Client-generated ids for SQL queries, so a query can be cancelled before its answer arrives. */

let counter = 0;

/** A fresh id matching the contract's `^[\w-]{1,64}$`: "q-<time>-<counter>-<random>". */
export function newQueryId(now: number = Date.now()): string {
  counter = (counter + 1) % 1_000_000;
  const random = Math.floor(Math.random() * 36 ** 6).toString(36).padStart(6, '0');
  return `q-${now.toString(36)}-${counter.toString(36)}-${random}`;
}
