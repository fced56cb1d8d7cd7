/** The medallion layers, lowest first: landing (source bytes), bronze (validated), silver (research-ready), gold (Qlib). */
export const LAYERS = ['landing', 'bronze', 'silver', 'gold'] as const;

/** One layer of the lake. */
export type Layer = (typeof LAYERS)[number];

/** True for a layer name. */
export function isLayer(s: string): s is Layer {
  return (LAYERS as readonly string[]).includes(s);
}
