/**
 * The web UI's scale figures, measured in Debian's Chromium by
 * test/ui/scale.test.ts (10,000 runs × 20 params × 20 metrics, and a
 * 1,000,000-point metric), each next to the same page at a small size.
 * Needs `npm run build` (dist/ui) and /usr/bin/chromium.
 */
import { execFileSync } from "node:child_process";
import { existsSync, readFileSync, rmSync } from "node:fs";
import { join } from "node:path";

const figuresFile = join("test-results", "ui", "scale.json");
rmSync(figuresFile, { force: true });
let failed = false;
try {
  execFileSync(join("node_modules", ".bin", "vitest"), ["run", "test/ui/scale.test.ts"], {
    stdio: ["ignore", process.stderr, "inherit"],
    timeout: 9 * 60_000,
  });
} catch {
  // A missed target fails the test, but its figures are still written and worth printing.
  failed = true;
}
if (!existsSync(figuresFile)) throw new Error(`${figuresFile} was not written`);
const f = JSON.parse(readFileSync(figuresFile, "utf8")) as Record<string, number>;
const ratio = (a = Number.NaN, b = Number.NaN) => `${(a / b).toFixed(2)}x`;

console.log(
  `ui runs table, first rows in view: ${f.bigRows} ms for 10,000 runs × 20 params × 20 metrics (100-run baseline ${f.smallRows} ms, ${ratio(f.bigRows, f.smallRows)}; target < 1500 ms)`,
);
console.log(
  `ui runs table, sorted by a metric: ${f.bigSort} ms for 10,000 runs (100-run baseline ${f.smallSort} ms, ${ratio(f.bigSort, f.smallSort)}; target < 500 ms)`,
);
console.log(
  `ui metric chart drawn: ${f.bigChart} ms for 1,000,000 points (1,000-point baseline ${f.smallChart} ms, ${ratio(f.bigChart, f.smallChart)}; target < 1000 ms)`,
);
if (failed) console.log("(test/ui/scale.test.ts failed: see its output for the target it missed)");
