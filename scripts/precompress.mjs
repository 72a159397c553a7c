// Writes brotli (.br) and gzip (.gz) copies of the built site's assets (target/site/pkg by
// default) so the server sends them as they are instead of compressing on every page load.
// Skips files whose copies are newer than they are. Usage: node scripts/precompress.mjs [dir]
import { readdirSync, readFileSync, statSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { brotliCompressSync, gzipSync, constants } from "node:zlib";

const dir = process.argv[2] ?? "target/site/pkg";
const wanted = /\.(wasm|js|css|svg|json)$/;
for (const name of readdirSync(dir)) {
  if (!wanted.test(name)) continue;
  const file = join(dir, name);
  const mtime = statSync(file).mtimeMs;
  const fresh = (ext) => {
    try {
      return statSync(file + ext).mtimeMs >= mtime;
    } catch {
      return false;
    }
  };
  if (fresh(".br") && fresh(".gz")) continue;
  const data = readFileSync(file);
  const started = Date.now();
  // Quality 11 is slow on a multi-megabyte debug WASM; 9 is within a few percent of it there.
  const quality = data.length > 4 * 1024 * 1024 ? 9 : 11;
  const br = brotliCompressSync(data, {
    params: {
      [constants.BROTLI_PARAM_QUALITY]: quality,
      [constants.BROTLI_PARAM_SIZE_HINT]: data.length,
    },
  });
  writeFileSync(file + ".br", br);
  writeFileSync(file + ".gz", gzipSync(data, { level: 9 }));
  const kib = (n) => (n / 1024).toFixed(1);
  console.log(`    ${name}: ${kib(data.length)} KiB → brotli ${kib(br.length)} KiB (${Date.now() - started} ms)`);
}
