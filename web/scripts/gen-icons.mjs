// Writes the app icons (public/icon.svg, icon-192.png, icon-512.png, icon-maskable-512.png): a white
// ring and dot ("rounds") on the brand blue. PNGs are encoded here with zlib, so no image tool is needed.
// Run once after changing the design: node scripts/gen-icons.mjs
import { writeFileSync } from 'node:fs';
import { deflateSync } from 'node:zlib';

const BLUE = [11, 92, 171];
const WHITE = [255, 255, 255];

function crc32(buf) {
  let c;
  let crc = 0xffffffff;
  for (const byte of buf) {
    c = (crc ^ byte) & 0xff;
    for (let k = 0; k < 8; k += 1) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    crc = (crc >>> 8) ^ c;
  }
  return (crc ^ 0xffffffff) >>> 0;
}

function chunk(type, data) {
  const len = Buffer.alloc(4);
  len.writeUInt32BE(data.length);
  const td = Buffer.concat([Buffer.from(type, 'ascii'), data]);
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(td));
  return Buffer.concat([len, td, crc]);
}

/** Pixel colour at (x, y) of a size×size icon; `full` fills the corners (maskable icons). */
function pixel(x, y, size, full) {
  const cx = size / 2;
  const r = Math.hypot(x + 0.5 - cx, y + 0.5 - cx) / size;
  const corner = size * 0.18;
  const dx = Math.max(corner - x - 0.5, x + 0.5 - (size - corner), 0);
  const dy = Math.max(corner - y - 0.5, y + 0.5 - (size - corner), 0);
  const outside = !full && Math.hypot(dx, dy) > corner;
  if (outside) return [0, 0, 0, 0];
  const scale = full ? 0.8 : 1; // maskable: keep the mark inside the safe zone
  const ring = r > 0.2 * scale && r < 0.3 * scale;
  const dot = r < 0.1 * scale;
  return [...(ring || dot ? WHITE : BLUE), 255];
}

function png(size, full) {
  const raw = Buffer.alloc((size * 4 + 1) * size);
  let o = 0;
  for (let y = 0; y < size; y += 1) {
    raw[o++] = 0;
    for (let x = 0; x < size; x += 1) {
      for (const v of pixel(x, y, size, full)) raw[o++] = v;
    }
  }
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(size, 0);
  ihdr.writeUInt32BE(size, 4);
  ihdr[8] = 8; // bit depth
  ihdr[9] = 6; // RGBA
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk('IHDR', ihdr),
    chunk('IDAT', deflateSync(raw, { level: 9 })),
    chunk('IEND', Buffer.alloc(0)),
  ]);
}

writeFileSync('public/icon-192.png', png(192, false));
writeFileSync('public/icon-512.png', png(512, false));
writeFileSync('public/icon-maskable-512.png', png(512, true));
writeFileSync(
  'public/icon.svg',
  `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 100 100"><rect width="100" height="100" rx="18" fill="#0b5cab"/><circle cx="50" cy="50" r="25" fill="none" stroke="#fff" stroke-width="10"/><circle cx="50" cy="50" r="10" fill="#fff"/></svg>\n`,
);
console.log('icons written to public/');
