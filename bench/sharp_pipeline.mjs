// sharp (libvips 8.18 through Node.js) making the same outputs as our pipeline, as a peer for
// build/bench.sh: decode with EXIF rotation and shrink-on-load to at most 1024 px (never enlarged),
// WebP (effort 2, metadata dropped) down the quality ladder 85, 75, 60, 50, 40 until it fits 500 KB,
// and 300/200/100 px thumbnails made from that 1024 px rendition. One libvips thread, no cache.
// Prints one line per input: "<file> <median ms> <output bytes>", or "<file> n/a n/a" when sharp
// cannot decode it (its prebuilt libvips has no HEVC decoder, so no HEIC photographs).
// Usage: node sharp_pipeline.mjs <iterations> <image>...
import { readFileSync } from "node:fs";
import { sep } from "node:path";
import { performance } from "node:perf_hooks";
import sharp from "sharp";

const LADDER = [85, 75, 60, 50, 40];
const MAX_BYTES = 500 * 1024;
const THUMBNAILS = [300, 200, 100];

sharp.concurrency(1);
sharp.cache(false);

async function webp(pixels, info) {
  for (const quality of LADDER) {
    const out = await sharp(pixels, { raw: info }).webp({ quality, effort: 2 }).toBuffer();
    if (out.length <= MAX_BYTES) {
      return out;
    }
  }
  throw new Error("cannot compress");
}

async function pipeline(data) {
  const { data: pixels, info } = await sharp(data, { failOn: "truncated" })
    .rotate()
    .resize(1024, 1024, { fit: "inside", withoutEnlargement: true })
    .toColourspace("srgb")
    .raw()
    .toBuffer({ resolveWithObject: true });
  const raw = { width: info.width, height: info.height, channels: info.channels };
  const full = await webp(pixels, raw);
  for (const size of THUMBNAILS) {
    const { data: small, info: smallInfo } = await sharp(pixels, { raw })
      .resize(size, size, { fit: "inside", withoutEnlargement: true })
      .raw()
      .toBuffer({ resolveWithObject: true });
    await webp(small, { width: smallInfo.width, height: smallInfo.height, channels: smallInfo.channels });
  }
  return full;
}

function median(values) {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
}

const iterations = Number.parseInt(process.argv[2], 10);
if (!(iterations > 0) || process.argv.length < 4) {
  console.error("usage: node sharp_pipeline.mjs <iterations> <image>...");
  process.exit(2);
}

for (const path of process.argv.slice(3)) {
  const parts = path.split(sep);
  const name = `${parts.at(-4)}/${parts.at(-1)}`;
  const data = readFileSync(path);
  let size;
  try {
    size = (await pipeline(data)).length;
  } catch (error) {
    console.error(`sharp cannot process ${name}: ${error.message.trim().split("\n").at(-1)}`);
    console.log(`${name} n/a n/a`);
    continue;
  }
  const times = [];
  for (let i = 0; i < iterations; i++) {
    const started = performance.now();
    await pipeline(data);
    times.push(performance.now() - started);
  }
  console.log(`${name} ${median(times).toFixed(1)} ${size}`);
}
