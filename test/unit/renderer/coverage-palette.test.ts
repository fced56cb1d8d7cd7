/**
 * The heatmap palette under simulated colour-vision deficiencies: Machado, Oliveira & Fernandes
 * (2009) at severity 1.0 for protanopia, deuteranopia and tritanopia, applied to linear RGB. Every
 * two drawable states must stay apart by at least 3:1 in luminance contrast (WCAG's ratio) or by
 * pattern, each pattern's ink must stand 3:1 off its base so the pattern is visible at all, and
 * the selection outline must stand out from every fill, in the light and the dark theme.
 */
import { describe, expect, it } from 'vitest';
import { COVERAGE_STATES } from '../../../core/vocabulary/coverage-states.ts';
import { DRAWN_STATES, LEGEND_ORDER, OUTLINES, PALETTES, PATTERN_TILES } from '../../../renderer/lib/coverage-colors.ts';
import { STATE_DESCRIPTIONS } from '../../../renderer/lib/coverage-colors.ts';
import type { CellStyle, PaletteState } from '../../../renderer/lib/coverage-colors.ts';

type Rgb = [number, number, number];
type Matrix = [Rgb, Rgb, Rgb];

const SIMULATIONS: Record<string, Matrix | null> = {
  'normal vision': null,
  protanopia: [
    [0.152286, 1.052583, -0.204868],
    [0.114503, 0.786281, 0.099216],
    [-0.003882, -0.048116, 1.051998],
  ],
  deuteranopia: [
    [0.367322, 0.860646, -0.227968],
    [0.280085, 0.672501, 0.047413],
    [-0.01182, 0.04294, 0.968881],
  ],
  tritanopia: [
    [1.255528, -0.076749, -0.178779],
    [-0.078411, 0.930809, 0.1476],
    [0.004733, 0.691367, 0.3039],
  ],
};

const toLinear = (c: number) => (c <= 0.04045 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4);

function linearRgb(hex: string): Rgb {
  expect(hex).toMatch(/^#[0-9a-f]{6}$/i);
  return [1, 3, 5].map((i) => toLinear(parseInt(hex.slice(i, i + 2), 16) / 255)) as Rgb;
}

function simulate(rgb: Rgb, m: Matrix | null): Rgb {
  if (!m) return rgb;
  return m.map((row) => Math.min(1, Math.max(0, row[0] * rgb[0] + row[1] * rgb[1] + row[2] * rgb[2]))) as Rgb;
}

const luminance = (c: Rgb) => 0.2126 * c[0] + 0.7152 * c[1] + 0.0722 * c[2];

function contrast(a: Rgb, b: Rgb): number {
  const [x, y] = [luminance(a), luminance(b)];
  return (Math.max(x, y) + 0.05) / (Math.min(x, y) + 0.05);
}

/** Every failure of the rule for one theme and one simulation, as readable lines. */
function violations(palette: Readonly<Record<PaletteState, CellStyle>>, m: Matrix | null): string[] {
  const out: string[] = [];
  const seen = (s: PaletteState) => {
    const style = palette[s];
    return { style, base: simulate(linearRgb(style.base), m), ink: style.ink ? simulate(linearRgb(style.ink), m) : null };
  };
  for (const s of DRAWN_STATES) {
    const { base, ink, style } = seen(s);
    if (style.pattern !== 'solid' && (!ink || contrast(base, ink) < 3)) {
      out.push(`${s}: pattern ink ${ink ? contrast(base, ink).toFixed(2) : 'missing'}:1`);
    }
  }
  for (let i = 0; i < DRAWN_STATES.length; i++) {
    for (let j = i + 1; j < DRAWN_STATES.length; j++) {
      const a = seen(DRAWN_STATES[i]!);
      const b = seen(DRAWN_STATES[j]!);
      const ratio = contrast(a.base, b.base);
      if (a.style.pattern === b.style.pattern && ratio < 3) {
        out.push(`${DRAWN_STATES[i]} / ${DRAWN_STATES[j]}: same pattern, ${ratio.toFixed(2)}:1`);
      }
    }
  }
  return out;
}

describe('the coverage palette', () => {
  for (const theme of ['light', 'dark'] as const) {
    for (const [name, matrix] of Object.entries(SIMULATIONS)) {
      it(`keeps every two states apart (3:1 or a pattern) in the ${theme} theme under ${name}`, () => {
        expect(violations(PALETTES[theme], matrix)).toEqual([]);
      });
    }

    it(`draws selection outlines that stand out from every fill in the ${theme} theme, under every simulation`, () => {
      const o = OUTLINES[theme];
      for (const matrix of Object.values(SIMULATIONS)) {
        for (const s of DRAWN_STATES) {
          const base = simulate(linearRgb(PALETTES[theme][s].base), matrix);
          const inner = contrast(simulate(linearRgb(o.inner), matrix), base);
          // Selection and hover: dark outer line plus light inner line (inverted in dark mode).
          expect(Math.max(contrast(simulate(linearRgb(o.outer), matrix), base), inner), `${theme} ${s}`).toBeGreaterThanOrEqual(3);
          // The keyboard cursor: the accent line plus the same inner line.
          const cursor = contrast(simulate(linearRgb(o.cursor), matrix), base);
          expect(Math.max(cursor, inner), `${theme} cursor on ${s}`).toBeGreaterThanOrEqual(3);
        }
      }
    });
  }

  it('covers the whole vocabulary plus stale, with a description and a legend place for each drawn state', () => {
    for (const s of [...COVERAGE_STATES, 'stale' as const]) {
      expect(PALETTES.light[s], s).toBeDefined();
      expect(PALETTES.dark[s], s).toBeDefined();
      expect(STATE_DESCRIPTIONS[s]).toMatch(/\w/);
    }
    for (const s of DRAWN_STATES) expect(LEGEND_ORDER).toContain(s);
  });

  it('old palette, for the record: the check catches complete vs missing under deuteranopia', () => {
    const old = { complete: '#2f9e44', missing: '#e03131' };
    const m = SIMULATIONS.deuteranopia!;
    expect(contrast(simulate(linearRgb(old.complete), m), simulate(linearRgb(old.missing), m))).toBeLessThan(1.1);
  });

  it('puts pattern ink in every pixel column of a tile, so a one-pixel column still shows its pattern', () => {
    for (const [name, tile] of Object.entries(PATTERN_TILES)) {
      for (let x = 0; x < tile.w; x++) {
        const cx = x + 0.5;
        // A column is inked when some polygon spans its centre line.
        const hit = tile.shapes.some((poly) => {
          const xs = poly.filter((_, i) => i % 2 === 0);
          return Math.min(...xs) <= cx && Math.max(...xs) >= cx;
        });
        expect(hit, `${name} column ${x}`).toBe(true);
      }
    }
  });
});
