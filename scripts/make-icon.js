#!/usr/bin/env node
// Draws the app icon (build/icon.png, 1024x1024 RGBA) from code so it can be regenerated and
// reviewed as text: a rounded dark tile with four rising bars and a trend line. electron-builder
// turns the PNG into the macOS .icns and the Linux icon set.
//
// Usage: node scripts/make-icon.js [<out.png>]
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import zlib from 'node:zlib';

const SIZE = 1024;

function crc32(buf) {
  let c;
  let crc = 0xffffffff;
  for (let n = 0; n < buf.length; n++) {
    c = (crc ^ buf[n]) & 0xff;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    crc = (crc >>> 8) ^ c;
  }
  return (crc ^ 0xffffffff) >>> 0;
}

function chunk(type, data) {
  const len = Buffer.alloc(4);
  len.writeUInt32BE(data.length);
  const body = Buffer.concat([Buffer.from(type, 'ascii'), data]);
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(body));
  return Buffer.concat([len, body, crc]);
}

/** Colour of pixel (x, y) as [r, g, b, a]. */
function pixel(x, y) {
  const margin = 80;
  const radius = 190;
  const inside = (() => {
    const lo = margin + radius;
    const hi = SIZE - margin - radius;
    const cx = Math.min(Math.max(x, lo), hi);
    const cy = Math.min(Math.max(y, lo), hi);
    return (x - cx) ** 2 + (y - cy) ** 2 <= radius ** 2 && x >= margin && y >= margin && x < SIZE - margin && y < SIZE - margin;
  })();
  if (!inside) return [0, 0, 0, 0];
  // Four bars rising left to right, teal on slate.
  const bars = [
    [250, 360, 620],
    [400, 510, 520],
    [550, 660, 420],
    [700, 810, 300],
  ];
  for (const [x0, x1, top] of bars) if (x >= x0 && x < x1 && y >= top && y < 780) return [45, 212, 191, 255];
  // Trend line through the bar tops.
  const t = (x - 230) / (830 - 230);
  if (t >= 0 && t <= 1) {
    const ly = 560 - t * 380;
    if (Math.abs(y - ly) < 14) return [251, 191, 36, 255];
  }
  const shade = Math.round(23 + (y / SIZE) * 20);
  return [15, shade, 42 + Math.round((y / SIZE) * 20), 255];
}

/** Encodes the icon as PNG bytes. */
export function iconPng() {
  const raw = Buffer.alloc((SIZE * 4 + 1) * SIZE);
  for (let y = 0; y < SIZE; y++) {
    const row = y * (SIZE * 4 + 1);
    raw[row] = 0;
    for (let x = 0; x < SIZE; x++) raw.set(pixel(x, y), row + 1 + x * 4);
  }
  const header = Buffer.alloc(13);
  header.writeUInt32BE(SIZE, 0);
  header.writeUInt32BE(SIZE, 4);
  header[8] = 8; // bit depth
  header[9] = 6; // RGBA
  const signature = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
  return Buffer.concat([signature, chunk('IHDR', header), chunk('IDAT', zlib.deflateSync(raw, { level: 9 })), chunk('IEND', Buffer.alloc(0))]);
}

const isMain = process.argv[1] && pathToFileURL(path.resolve(process.argv[1])).href === import.meta.url;
if (isMain) {
  const out = process.argv[2] ?? path.join(path.dirname(fileURLToPath(import.meta.url)), '..', 'build', 'icon.png');
  fs.writeFileSync(out, iconPng());
  console.log(`wrote ${out}`);
}
