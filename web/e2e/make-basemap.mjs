// Writes a tiny PMTiles v3 file for the browser tests: one raster tile (zoom 0, the whole
// world) of one colour, as an office's offline basemap would hold many. scripts/e2e.sh serves
// it as the console's basemap. Usage: node make-basemap.mjs OUT.pmtiles RRGGBB
//
// PMTiles v3: a 127-byte header, the root directory, the metadata, then the tiles; nothing
// compressed here (internal and tile compression 1 = none), tile type 2 = PNG.

import { writeFileSync } from "node:fs";
import { deflateSync } from "node:zlib";

const [out, hex = "dde8f0"] = process.argv.slice(2);
if (!out) throw new Error("usage: node make-basemap.mjs OUT.pmtiles RRGGBB");
const rgb = [0, 2, 4].map((i) => Number.parseInt(hex.slice(i, i + 2), 16));

const CRC = new Uint32Array(256).map((_, n) => {
  let c = n;
  for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
  return c >>> 0;
});
function crc32(bytes) {
  let c = 0xffffffff;
  for (const b of bytes) c = CRC[(c ^ b) & 0xff] ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}
function chunk(type, data) {
  const body = Buffer.concat([Buffer.from(type, "ascii"), data]);
  const out = Buffer.alloc(12 + data.length);
  out.writeUInt32BE(data.length, 0);
  body.copy(out, 4);
  out.writeUInt32BE(crc32(body), 8 + data.length);
  return out;
}

// A 256 × 256 PNG of one colour (RGB, 8 bits, each row with filter 0).
const side = 256;
const row = Buffer.alloc(1 + side * 3);
for (let x = 0; x < side; x++) row.set(rgb, 1 + x * 3);
const ihdr = Buffer.alloc(13);
ihdr.writeUInt32BE(side, 0);
ihdr.writeUInt32BE(side, 4);
ihdr.set([8, 2, 0, 0, 0], 8);
const png = Buffer.concat([
  Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
  chunk("IHDR", ihdr),
  chunk("IDAT", deflateSync(Buffer.concat(Array.from({ length: side }, () => row)))),
  chunk("IEND", Buffer.alloc(0)),
]);

function varint(n) {
  const out = [];
  while (n >= 0x80) {
    out.push((n & 0x7f) | 0x80);
    n = Math.floor(n / 128);
  }
  out.push(n);
  return out;
}
// One entry: tile id 0 (z0), run length 1, the PNG's length, offset 0 (written as offset + 1).
const directory = Buffer.from([...varint(1), ...varint(0), ...varint(1), ...varint(png.length), ...varint(1)]);
const metadata = Buffer.from("{}");

const header = Buffer.alloc(127);
header.write("PMTiles", 0, "ascii");
header.writeUInt8(3, 7);
const rootOffset = 127;
const metadataOffset = rootOffset + directory.length;
const tilesOffset = metadataOffset + metadata.length;
const u64 = (value, at) => header.writeBigUInt64LE(BigInt(value), at);
u64(rootOffset, 8);
u64(directory.length, 16);
u64(metadataOffset, 24);
u64(metadata.length, 32);
u64(tilesOffset, 40); // no leaf directories
u64(0, 48);
u64(tilesOffset, 56);
u64(png.length, 64);
u64(1, 72); // addressed tiles
u64(1, 80); // tile entries
u64(1, 88); // tile contents
header.writeUInt8(1, 96); // clustered
header.writeUInt8(1, 97); // internal compression: none
header.writeUInt8(1, 98); // tile compression: none
header.writeUInt8(2, 99); // PNG
header.writeUInt8(0, 100); // min zoom
header.writeUInt8(0, 101); // max zoom
header.writeInt32LE(-1800000000, 102);
header.writeInt32LE(-850000000, 106);
header.writeInt32LE(1800000000, 110);
header.writeInt32LE(850000000, 114);
header.writeUInt8(0, 118);
header.writeInt32LE(1203925000, 119);
header.writeInt32LE(-27905000, 123);

writeFileSync(out, Buffer.concat([header, directory, metadata, png]));
