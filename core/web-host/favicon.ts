/**
 * A 16x16 icon served at /favicon.ico when the renderer build has none: browsers always ask for
 * it, and a 404 there would be the one console error on an otherwise clean page.
 */

let cached: Buffer | null = null;

/** The icon bytes (ICO container holding a 32-bit bitmap: a teal rounded tile with a light bar chart). */
export function faviconIco(): Buffer {
  if (cached) return cached;
  const size = 16;
  const pixels = Buffer.alloc(size * size * 4);
  const bars = [
    { x0: 3, x1: 5, top: 9 },
    { x0: 7, x1: 9, top: 5 },
    { x0: 11, x1: 13, top: 7 },
  ];
  for (let y = 0; y < size; y++) {
    for (let x = 0; x < size; x++) {
      const corner = (x === 0 || x === size - 1) && (y === 0 || y === size - 1);
      const bar = bars.some((b) => x >= b.x0 && x < b.x1 && y >= b.top && y < 13);
      // Bitmaps are stored bottom-up, BGRA.
      const at = ((size - 1 - y) * size + x) * 4;
      const [r, g, b, a] = corner ? [0, 0, 0, 0] : bar ? [236, 253, 245, 255] : [13, 148, 136, 255];
      pixels[at] = b;
      pixels[at + 1] = g;
      pixels[at + 2] = r;
      pixels[at + 3] = a;
    }
  }
  const andMask = Buffer.alloc(size * 4); // 1 bit per pixel, rows padded to 32 bits; all opaque (alpha decides)
  const info = Buffer.alloc(40);
  info.writeUInt32LE(40, 0);
  info.writeInt32LE(size, 4);
  info.writeInt32LE(size * 2, 8); // ICO bitmaps declare twice the height (XOR + AND masks)
  info.writeUInt16LE(1, 12);
  info.writeUInt16LE(32, 14);
  info.writeUInt32LE(pixels.length + andMask.length, 20);
  const image = Buffer.concat([info, pixels, andMask]);
  const header = Buffer.alloc(6 + 16);
  header.writeUInt16LE(0, 0);
  header.writeUInt16LE(1, 2); // type: icon
  header.writeUInt16LE(1, 4); // one image
  header.writeUInt8(size, 6);
  header.writeUInt8(size, 7);
  header.writeUInt8(0, 8);
  header.writeUInt8(0, 9);
  header.writeUInt16LE(1, 10);
  header.writeUInt16LE(32, 12);
  header.writeUInt32LE(image.length, 14);
  header.writeUInt32LE(header.length, 18);
  cached = Buffer.concat([header, image]);
  return cached;
}
