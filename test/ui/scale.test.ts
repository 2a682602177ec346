import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type RunningServer, startServer } from "../../src/server/start-server.js";
import { openBrowser, SCREENSHOTS, type TestBrowser } from "./support/browser.js";
import { seedLongMetric, seedRuns } from "./support/seed-scale.js";
import { checkPrerequisites } from "./support/ui-fixture.js";

/*
 * The scale bar: 10,000 runs × 20 params × 20 metrics show their first
 * rows within 1.5 s and sort by a metric within 0.5 s; a 1,000,000-point
 * metric chart draws within 1 s. Each figure is printed next to the same page
 * at a small size, so a slowdown that comes from size stands out.
 */

let dir: string;
let server: RunningServer;
let browser: TestBrowser;
const ids = { big: "", small: "", longRun: "", shortRun: "" };
const figures: Record<string, number> = {};

beforeAll(async () => {
  checkPrerequisites();
  dir = mkdtempSync(join(tmpdir(), "lockstep-ui-scale-"));
  const storeUrl = `sqlite:${join(dir, "lockstep.db")}`;
  ids.big = (
    await seedRuns({ storeUrl, experimentName: "scale-10k", runs: 10_000, keys: 20 })
  ).experimentId;
  ids.small = (
    await seedRuns({ storeUrl, experimentName: "scale-100", runs: 100, keys: 20 })
  ).experimentId;
  // Their own experiment, so the tables above hold only the 20-key runs.
  const charts = (await seedRuns({ storeUrl, experimentName: "scale-charts", runs: 0, keys: 0 }))
    .experimentId;
  ids.longRun = await seedLongMetric({
    storeUrl,
    experimentId: charts,
    key: "loss",
    points: 1_000_000,
  });
  ids.shortRun = await seedLongMetric({
    storeUrl,
    experimentId: charts,
    key: "loss",
    points: 1_000,
  });
  server = await startServer({
    host: "127.0.0.1",
    port: 0,
    storeUrl,
    blobsUrl: join(dir, "blobs"),
  });
  browser = await openBrowser();
}, 240_000);

afterAll(async () => {
  await browser?.close();
  await server?.close();
  if (dir) rmSync(dir, { recursive: true, force: true });
  if (Object.keys(figures).length > 0) {
    writeFileSync(join(SCREENSHOTS, "scale.json"), `${JSON.stringify(figures, null, 2)}\n`);
  }
});

const COLUMNS = "cols=metric:m2,metric:m3,metric:m4,param:p1";

/** The middle of three tries: one load spike on a shared machine does not decide it. */
async function median(tries: (() => Promise<number>)[]): Promise<number> {
  const times: number[] = [];
  for (const attempt of tries) times.push(await attempt());
  return times.sort((a, b) => a - b)[Math.floor(times.length / 2)] as number;
}

/** Navigation to the first table row in view, in milliseconds. */
async function firstRows(experimentId: string): Promise<number> {
  const { page } = browser;
  const start = performance.now();
  await page.goto(`${server.url}/experiments/${experimentId}?${COLUMNS}`, { waitUntil: "commit" });
  await page.locator(".body-row").first().waitFor({ state: "visible" });
  return Math.round(performance.now() - start);
}

/** Click on a metric's header to the server-sorted top run in the first row. */
async function sortByMetric(experimentId: string, key: string): Promise<number> {
  const { page } = browser;
  const top = await fetch(`${server.url}/api/v1/runs/search`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({
      experimentIds: [experimentId],
      orderBy: [`metrics.${key} DESC`],
      maxResults: 1,
    }),
  });
  const topId = ((await top.json()) as { runs: { id: string }[] }).runs[0]?.id;
  expect(topId).toBeDefined();
  const header = page
    .getByRole("table", { name: "Runs" })
    .getByRole("button", { name: key, exact: true });
  const start = performance.now();
  await header.click();
  await page.waitForFunction(
    `document.querySelector(".body-row")?.getAttribute("data-run-id") === ${JSON.stringify(topId)}`,
    undefined,
    { polling: "raf" },
  );
  return Math.round(performance.now() - start);
}

/** Navigation to a drawn chart of the run's `loss`, in milliseconds. */
async function chart(runId: string): Promise<number> {
  const { page } = browser;
  const start = performance.now();
  await page.goto(`${server.url}/runs/${runId}`, { waitUntil: "commit" });
  await page.locator(".chart-canvas[data-drawn=true] canvas").waitFor({ state: "attached" });
  return Math.round(performance.now() - start);
}

describe("the UI at scale", () => {
  it("shows 10,000 runs within 1.5 s and sorts them by a metric within 0.5 s", async () => {
    await browser.newPage();
    // Warm-up: the first load also compiles the bundle, which a user pays once.
    await firstRows(ids.small);
    const rows = (id: string) => () => firstRows(id);
    const sorts = (id: string) => ["m2", "m3", "m4"].map((key) => () => sortByMetric(id, key));
    const smallRows = await median([rows(ids.small), rows(ids.small), rows(ids.small)]);
    const smallSort = await median(sorts(ids.small));
    const bigRows = await median([rows(ids.big), rows(ids.big), rows(ids.big)]);
    await browser.screenshot("scale-runs-10k");
    const bigSort = await median(sorts(ids.big));
    await browser.screenshot("scale-runs-10k-sorted");
    Object.assign(figures, { smallRows, smallSort, bigRows, bigSort });
    console.log(
      `ui runs table first rows: ${bigRows} ms for 10,000 runs (100-run baseline ${smallRows} ms)`,
    );
    console.log(
      `ui runs table sort by metric: ${bigSort} ms for 10,000 runs (100-run baseline ${smallSort} ms)`,
    );
    // Virtualised: only rows in view exist; scrolling to the end loads the next pages.
    const { page } = browser;
    expect(await page.locator(".body-row").count()).toBeLessThan(80);
    for (const loaded of ["1,200", "2,200"]) {
      await page.evaluate("document.querySelector('.grid-scroll').scrollTop = 1e9");
      await expect
        .poll(() => page.getByTestId("run-total").textContent())
        .toContain(`${loaded} runs`);
    }
    expect(await page.locator(".body-row").count()).toBeLessThan(80);
    expect(bigRows).toBeLessThan(1500);
    expect(bigSort).toBeLessThan(500);
    expect(browser.errors).toEqual([]);
  }, 60_000);

  // Once missed (1.06–1.12 s): React 19 held the lazily loaded run page back
  // 300 ms behind its Suspense fallback, and the run and its histories were
  // requested one after another only once the page's code had loaded.
  // ui/src/app/routes/lazy-page.tsx, ui/index.html and ui/src/app/prefetch.ts
  // remove those waits (about 0.3–0.4 s now with the machine busy).
  it("draws a 1,000,000-point metric within 1 s", async () => {
    await browser.newPage();
    await chart(ids.shortRun);
    const small = await median([1, 2, 3].map(() => () => chart(ids.shortRun)));
    const big = await median([1, 2, 3].map(() => () => chart(ids.longRun)));
    const caption = await browser.page.locator(".chart figcaption").first().textContent();
    expect(caption).toBe("loss (1,000,000 points, downsampled)");
    await browser.screenshot("scale-chart-1m");
    Object.assign(figures, { smallChart: small, bigChart: big });
    console.log(
      `ui metric chart drawn: ${big} ms for 1,000,000 points (1,000-point baseline ${small} ms)`,
    );
    expect(big).toBeLessThan(1000);
    expect(browser.errors).toEqual([]);
  }, 30_000);
});
