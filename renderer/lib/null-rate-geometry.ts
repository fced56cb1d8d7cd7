/**
 * Geometry of the Feature sets page's null-rate chart: one horizontal bar per feature in manifest
 * order, a rate in [0, 1] across the plot, ticks at every quarter on the top axis. Plain SVG
 * replaced recharts here because recharts' synchronous render of Alpha158's 158 bars took one
 * main-thread task of 77 to 96 ms (budget 50 ms; the README has the measurement). Pure functions so
 * they can be tested without a browser.
 */
import { linearScale } from './trend-geometry.ts';

/** Height of one feature's row, in pixels. */
export const NULL_RATE_ROW = 16;
/** Width kept left of the plot for the feature names. */
export const NULL_RATE_LABEL = 128;
const TOP = 22;
const BOTTOM = 4;
const RIGHT = 16;
const GAP = 2;
const MAX_LABEL = 17;
/** The chart scrolls past this height. */
export const NULL_RATE_MAX_HEIGHT = 480;

/** One feature's bar: its row box, the filled length and the name drawn beside it. */
export interface NullRateBar {
  name: string;
  /** The rate clamped to [0, 1] (NaN, missing and out-of-range figures read as 0 or 1). */
  rate: number;
  label: string;
  y: number;
  height: number;
  /** Width of the filled part, from the plot's left edge. */
  width: number;
}

/** The whole chart's layout for a given width. */
export interface NullRateLayout {
  width: number;
  height: number;
  plotLeft: number;
  plotWidth: number;
  ticks: Array<{ x: number; rate: number }>;
  bars: NullRateBar[];
}

/** A name cut to what fits beside the plot, with an ellipsis when cut. */
export function shortLabel(name: string): string {
  return name.length > MAX_LABEL ? `${name.slice(0, MAX_LABEL - 1)}…` : name;
}

/** A rate as a number in [0, 1]; anything that is not a finite number counts as 0. */
export function clampRate(rate: number): number {
  return Number.isFinite(rate) ? Math.max(0, Math.min(1, rate)) : 0;
}

/** The height the chart takes on the page for `n` features, so its placeholder can hold the place. */
export function nullRateBoxHeight(n: number): number {
  return Math.min(NULL_RATE_MAX_HEIGHT, TOP + n * NULL_RATE_ROW + BOTTOM);
}

/** Lays out the bars of `features` (manifest order) in a chart `width` pixels wide. */
export function nullRateLayout(features: ReadonlyArray<{ name: string; nullRate: number }>, width: number): NullRateLayout {
  const plotLeft = NULL_RATE_LABEL;
  const plotWidth = Math.max(0, width - plotLeft - RIGHT);
  const x = linearScale(0, 1, 0, plotWidth);
  const bars = features.map((f, i) => {
    const rate = clampRate(f.nullRate);
    return { name: f.name, rate, label: shortLabel(f.name), y: TOP + i * NULL_RATE_ROW + GAP / 2, height: NULL_RATE_ROW - GAP, width: x(rate) };
  });
  const ticks = [0, 0.25, 0.5, 0.75, 1].map((rate) => ({ x: plotLeft + x(rate), rate }));
  return { width, height: TOP + features.length * NULL_RATE_ROW + BOTTOM, plotLeft, plotWidth, ticks, bars };
}
