// Draws the app's icons (pages/icons/*.png, committed): `npx tsx cli/app-icons.ts`. Green ground,
// two white mountains and a sun, drawn inside the middle 80% so the maskable one survives any crop.
// PNG written by hand (node:zlib), to keep an image library out of the project for three files.
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { crc32, deflateSync } from 'node:zlib';

const ICONS = join(dirname(fileURLToPath(import.meta.url)), '..', 'pages', 'icons');
const GREEN = [0x0b, 0x6e, 0x4f];
const WHITE = [0xff, 0xff, 0xff];
const SUN = [0xff, 0xd3, 0x3d];
const PALE = [0xcf, 0xe3, 0xd9];

/** The colour at (x, y) in a unit square, or null for the ground. */
function paint(x: number, y: number): number[] | null {
  const inMountain = (peakX: number, peakY: number, half: number) =>
    y >= peakY && y <= 0.78 && Math.abs(x - peakX) <= ((y - peakY) / (0.78 - peakY)) * half;
  if (inMountain(0.62, 0.3, 0.3)) return y < 0.42 ? WHITE : PALE;
  if (inMountain(0.36, 0.42, 0.26)) return WHITE;
  if ((x - 0.3) ** 2 + (y - 0.3) ** 2 <= 0.075 ** 2) return SUN;
  return null;
}

function chunk(type: string, data: Buffer): Buffer {
  const head = Buffer.alloc(8);
  head.writeUInt32BE(data.length, 0);
  head.write(type, 4, 'latin1');
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(Buffer.concat([head.subarray(4), data])) >>> 0, 0);
  return Buffer.concat([head, data, crc]);
}

/** An RGB PNG of `size` px; `rounded` leaves the corners transparent (an RGBA icon), else full bleed. */
export function iconPng(size: number, rounded: boolean): Buffer {
  const channels = 4;
  const rows = Buffer.alloc(size * (size * channels + 1));
  const radius = 0.18;
  for (let py = 0; py < size; py++) {
    rows[py * (size * channels + 1)] = 0; // filter: none
    for (let px = 0; px < size; px++) {
      const x = (px + 0.5) / size;
      const y = (py + 0.5) / size;
      const cx = Math.min(Math.max(x, radius), 1 - radius);
      const cy = Math.min(Math.max(y, radius), 1 - radius);
      const outside = rounded && (x - cx) ** 2 + (y - cy) ** 2 > radius ** 2;
      const colour = paint(x, y) ?? GREEN;
      const at = py * (size * channels + 1) + 1 + px * channels;
      rows.set([...colour, outside ? 0 : 255], at);
    }
  }
  const header = Buffer.alloc(13);
  header.writeUInt32BE(size, 0);
  header.writeUInt32BE(size, 4);
  header.set([8, 6, 0, 0, 0], 8); // 8 bits, RGBA
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk('IHDR', header),
    chunk('IDAT', deflateSync(rows, { level: 9 })),
    chunk('IEND', Buffer.alloc(0)),
  ]);
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  mkdirSync(ICONS, { recursive: true });
  writeFileSync(join(ICONS, 'icon-192.png'), iconPng(192, true));
  writeFileSync(join(ICONS, 'icon-512.png'), iconPng(512, true));
  writeFileSync(join(ICONS, 'icon-maskable-512.png'), iconPng(512, false));
  writeFileSync(join(ICONS, 'apple-touch-icon-180.png'), iconPng(180, false));
}
