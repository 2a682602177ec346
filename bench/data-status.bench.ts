/**
 * A no-change `data status` on 10,000 small files against a baseline of just
 * stat-ing the same files, in the same run. Run: npx tsx bench/data-status.bench.ts
 */
import { mkdirSync, mkdtempSync, readdirSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import { buildManifest } from "../src/blobs/manifest/build-manifest.js";
import { statusAgainst } from "../src/blobs/manifest/manifest-status.js";
import { median } from "./support/timing.js";

const DIRS = 100;
const PER_DIR = 100;
const RUNS = 7;
const dir = mkdtempSync(join(tmpdir(), "lockstep-status-bench-"));
const root = join(dir, "data");
const cache = join(dir, "stat-cache.bin");

try {
  for (let d = 0; d < DIRS; d++) {
    mkdirSync(join(root, `part-${d}`), { recursive: true });
    for (let f = 0; f < PER_DIR; f++) {
      writeFileSync(
        join(root, `part-${d}`, `sample-${f}.json`),
        `{"d":${d},"f":${f},"x":"${"x".repeat(f * 7)}"}\n`,
      );
    }
  }
  // Files written in the last moments are not trusted by the stat cache; let them age.
  await sleep(200);
  let start = performance.now();
  const { manifest } = await buildManifest(root, { statCachePath: cache });
  const addMs = performance.now() - start;

  const statMs: number[] = [];
  const statusMs: number[] = [];
  for (let run = 0; run < RUNS; run++) {
    start = performance.now();
    let count = 0;
    for (const part of readdirSync(root)) {
      for (const name of readdirSync(join(root, part))) {
        if (statSync(join(root, part, name)).isFile()) count++;
      }
    }
    statMs.push(performance.now() - start);
    if (count !== DIRS * PER_DIR) throw new Error(`expected ${DIRS * PER_DIR} files, saw ${count}`);

    start = performance.now();
    const status = await statusAgainst(manifest, root, { statCachePath: cache });
    statusMs.push(performance.now() - start);
    if (status.unchanged.length !== DIRS * PER_DIR) throw new Error("status saw changes");
  }
  const files = (DIRS * PER_DIR).toLocaleString("en-US");
  console.log(
    `no-change status, ${files} files: ${median(statusMs).toFixed(1)} ms median of ${RUNS} (baseline: readdir + stat of the ${files} files ${median(statMs).toFixed(1)} ms; target < 100 ms)`,
  );
  console.log(`  status runs ms: ${statusMs.map((ms) => ms.toFixed(0)).join(" ")}`);
  console.log(
    `build manifest of ${files} small files (chunk + hash + stat cache): ${addMs.toFixed(0)} ms`,
  );
} finally {
  rmSync(dir, { recursive: true, force: true });
}
