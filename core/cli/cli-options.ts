import { InvalidArgumentError } from 'commander';
import { isIsoDate } from '../calendar/index.ts';

/** Commander argument parser for YYYY-MM-DD dates. */
export function parseIsoDate(value: string): string {
  if (!isIsoDate(value)) throw new InvalidArgumentError(`"${value}" is not a date as YYYY-MM-DD`);
  return value;
}

/** Commander argument parser for positive integers. */
export function parsePositiveInt(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n <= 0) throw new InvalidArgumentError(`"${value}" is not a positive whole number`);
  return n;
}

/** Commander argument parser for non-negative integers. */
export function parseNonNegativeInt(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 0) throw new InvalidArgumentError(`"${value}" is not a whole number >= 0`);
  return n;
}

/** Commander argument parser for comma-separated lists ("a,b,c"). */
export function parseList(value: string): string[] {
  return value
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
}
