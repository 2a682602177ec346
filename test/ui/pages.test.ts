import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { openBrowser, type TestBrowser } from "./support/browser.js";
import { contrastRatios } from "./support/contrast.js";
import {
  checkPrerequisites,
  cli,
  dirtyRepo,
  startUiFixture,
  type UiFixture,
} from "./support/ui-fixture.js";

const PNG = Buffer.from(
  "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==",
  "base64",
);

/** SDK runs here would capture this repository's own working tree; the CLI run covers capture. */
const NO_CAPTURE = { capture: false } as const;

let fx: UiFixture;
let browser: TestBrowser;
const ids: Record<string, string> = {};
let experimentId = "";

beforeAll(async () => {
  checkPrerequisites();
  fx = await startUiFixture();
  const url = fx.server.url;

  // Through the CLI: the experiment, then a wrapped command with code capture and a log.
  const created = await cli(["--tracking-uri", url, "experiments", "create", "vision"]);
  expect(created.code, created.stderr).toBe(0);
  const repo = join(fx.temp, "repo");
  mkdirSync(repo);
  dirtyRepo(repo);
  const wrapped = await cli(
    [
      "--tracking-uri",
      url,
      "run",
      "--experiment",
      "vision",
      "--name",
      "cli-run",
      "--seed",
      "7",
      "--",
      process.execPath,
      "-e",
      "console.log('hello from the log')",
    ],
    { cwd: repo, env: { LOCKSTEP_HOME: join(fx.temp, "home") } },
  );
  expect(wrapped.code, wrapped.stderr).toBe(0);
  ids.cli = /run ([0-9a-f]{32})/.exec(wrapped.stderr)?.[1] ?? "";
  expect(ids.cli).toMatch(/^[0-9a-f]{32}$/);
  const reproduced = await cli(["--tracking-uri", url, "reproduce", ids.cli, "--json"], {
    cwd: repo,
    env: { LOCKSTEP_HOME: join(fx.temp, "home") },
  });
  expect(reproduced.code, reproduced.stderr).toBe(0);
  ids.reproduction = (JSON.parse(reproduced.stdout) as { reproduction: string }).reproduction;

  // Through the SDK: a sweep with trials and a fold, a baseline with artifacts, a live run.
  const { ls } = fx;
  const sweep = await ls.startRun({
    ...NO_CAPTURE,
    experiment: "vision",
    name: "sweep",
    kind: "sweep",
    seed: 1,
  });
  const trials = [];
  for (const [i, lr] of [0.01, 0.1].entries()) {
    const trial = await sweep.child({
      ...NO_CAPTURE,
      name: `trial-${i + 1}`,
      seed: 1,
      params: { lr, depth: 4 },
    });
    for (let step = 0; step < 50; step++) {
      trial.logMetric("loss", 1 / (step + 1 + i * 5), step);
      trial.logMetric("acc", 0.5 + step / (100 + i * 50), step);
    }
    trials.push(trial);
  }
  const fold = await (trials[0] ?? sweep).child({ ...NO_CAPTURE, name: "fold-1", seed: 1 });
  await fold.end();
  for (const trial of trials) await trial.end();
  await sweep.end();
  ids.sweep = sweep.id;
  ids.trial1 = trials[0]?.id ?? "";
  ids.trial2 = trials[1]?.id ?? "";
  ids.fold = fold.id;

  const baseline = await ls.startRun({
    ...NO_CAPTURE,
    experiment: "vision",
    name: "baseline",
    params: { lr: 0.05, optimizer: "adam" },
    tags: { team: "vision" },
  });
  for (let step = 0; step < 100; step++) baseline.logMetric("loss", Math.exp(-step / 30), step);
  const files = join(fx.temp, "files");
  mkdirSync(files);
  writeFileSync(join(files, "config.json"), JSON.stringify({ layers: [64, 32], dropout: 0.2 }));
  writeFileSync(join(files, "preds.csv"), "id,label,score\n1,cat,0.91\n2,dog,0.42\n");
  writeFileSync(join(files, "notes.txt"), "trained on the digits set\n");
  writeFileSync(join(files, "confusion.png"), PNG);
  await baseline.logArtifact(join(files, "config.json"), "config.json");
  await baseline.logArtifact(join(files, "preds.csv"), "eval/preds.csv");
  await baseline.logArtifact(join(files, "notes.txt"), "notes.txt");
  await baseline.logArtifact(join(files, "confusion.png"), "eval/confusion.png");
  await baseline.end();
  ids.baseline = baseline.id;

  const experiments = await fx.server.call("GET", "/api/v1/experiments/by-name/vision");
  experimentId = experiments.body.experiment.id;
  browser = await openBrowser();
}, 90_000);

afterAll(async () => {
  await browser?.close();
  await fx?.close();
});

beforeEach(async () => {
  await browser.newPage();
});

const at = (path: string) => `${fx.server.url}${path}`;

describe("web UI pages in Chromium", () => {
  it("lists experiments with run counts, searches by name, and keeps text readable", async () => {
    const { page } = browser;
    await page.goto(at("/"));
    const row = page.getByRole("row", { name: /vision/ });
    // The six runs made above, and the CLI run's reproduction.
    await expect.poll(() => row.getByTestId("run-count").textContent()).toBe("7");
    const link = row.getByRole("link", { name: "vision" });
    expect(await link.getAttribute("href")).toBe(`/experiments/${experimentId}`);
    await page.getByLabel("Search by name").fill("zzz");
    await expect.poll(() => page.getByText("No experiment matches").count()).toBe(1);
    expect(page.url()).toContain("q=zzz");
    await page.getByLabel("Search by name").fill("vis");
    await expect.poll(() => row.count()).toBe(1);
    // WCAG AA: body, muted and link text against the page background.
    const ratios = await contrastRatios(page);
    for (const r of ratios) expect(r).toBeGreaterThanOrEqual(4.5);
    await browser.screenshot("experiments");
    expect(browser.errors).toEqual([]);
  });

  it("shows the runs table: tree, columns, sort, inline filter errors, keyboard and selection", async () => {
    const { page } = browser;
    await page.goto(at(`/experiments/${experimentId}?cols=metric:acc,param:lr,attribute:status`));
    const table = page.getByRole("table", { name: "Runs" });
    await expect.poll(() => table.getByRole("row", { name: /baseline/ }).count()).toBe(1);
    // Trials nest under the sweep, folded until opened.
    expect(await table.getByRole("row", { name: /trial-1/ }).count()).toBe(0);
    await table.getByRole("button", { name: "unfold 2 child runs" }).click();
    await expect.poll(() => table.getByRole("row", { name: /trial-/ }).count()).toBe(2);
    const trial1Row = page.locator(`[data-run-id="${ids.trial1}"]`);
    expect(await trial1Row.getAttribute("aria-level")).toBe("2");
    await trial1Row.getByRole("button", { name: "unfold 1 child runs" }).click();
    await expect
      .poll(() => page.locator(`[data-run-id="${ids.fold}"]`).getAttribute("aria-level"))
      .toBe("3");
    expect(await trial1Row.textContent()).toContain("0.01");
    await browser.screenshot("runs-tree");

    // Header and body rows are separate grids: every column must start at the same x,
    // also when the default columns overflow a narrow window.
    await page.setViewportSize({ width: 700, height: 700 });
    await page.goto(at(`/experiments/${experimentId}`));
    await page.locator(".body-row").first().waitFor();
    const lefts = (selector: string) =>
      page
        .locator(selector)
        .first()
        .evaluate((row) =>
          [...row.children].map((c) => Math.round(c.getBoundingClientRect().left)),
        );
    expect(await lefts(".body-row")).toEqual(await lefts(".grid-head .grid-row"));
    await page.setViewportSize({ width: 1280, height: 800 });
    await page.goto(at(`/experiments/${experimentId}?cols=metric:acc,param:lr,attribute:status`));
    await table.getByRole("button", { name: "unfold 2 child runs" }).click();

    // Sort by a metric: the server orders, the URL remembers.
    await table.getByRole("button", { name: "acc" }).click();
    await expect.poll(() => page.url()).toContain("sort=metric%3Aacc");
    await expect
      .poll(() => table.getByRole("columnheader", { name: /acc/ }).getAttribute("aria-sort"))
      .toBe("descending");
    const order = () =>
      page
        .locator(".body-row")
        .evaluateAll((rows) => rows.map((r) => r.getAttribute("data-run-id")));
    const ranksBefore = (a: string, b: string) => async () => {
      const list = await order();
      return list.indexOf(a) >= 0 && list.indexOf(a) < list.indexOf(b);
    };
    await expect.poll(ranksBefore(ids.trial1 ?? "", ids.trial2 ?? "")).toBe(true);
    await table.getByRole("button", { name: "acc" }).click();
    await expect.poll(() => page.url()).toContain("dir=asc");
    await expect.poll(ranksBefore(ids.trial2 ?? "", ids.trial1 ?? "")).toBe(true);

    // A bad filter: the API's message, inline under the box.
    const filter = page.getByLabel("Filter", { exact: true });
    await filter.fill("metrics.acc >> 1");
    await filter.press("Enter");
    const alert = page.locator("#run-filter-error");
    await expect.poll(() => alert.textContent()).toMatch(/position|expected/i);
    expect(await filter.getAttribute("aria-invalid")).toBe("true");
    await browser.screenshot("runs-filter-error");
    await filter.fill("params.optimizer = 'adam'");
    await filter.press("Enter");
    await expect.poll(() => page.locator(".body-row").count()).toBe(1);
    expect(await alert.count()).toBe(0);
    expect(decodeURIComponent(page.url().replaceAll("+", " "))).toContain(
      "filter=params.optimizer = 'adam'",
    );

    // Keyboard: Space selects, Enter opens.
    await page.goto(at(`/experiments/${experimentId}`));
    // Tab order follows the page: filter, its button, columns, compare, then the table.
    await page.getByLabel("Filter", { exact: true }).focus();
    const focused = () => page.evaluate("document.activeElement.textContent");
    await page.keyboard.press("Tab");
    expect(await focused()).toBe("Apply");
    await page.keyboard.press("Tab");
    expect(await focused()).toMatch(/^Columns/);
    const baselineRow = page.locator(`[data-run-id="${ids.baseline}"]`);
    const cliRow = page.locator(`[data-run-id="${ids.cli}"]`);
    await baselineRow.focus();
    await page.keyboard.press(" ");
    await cliRow.focus();
    await page.keyboard.press(" ");
    await expect.poll(() => page.url()).toContain("sel=");
    expect(await baselineRow.getAttribute("aria-selected")).toBe("true");
    const compare = page.getByRole("button", { name: "Compare (2)" });
    expect(await compare.isEnabled()).toBe(true);
    await browser.screenshot("runs-selected");
    await compare.click();
    await expect.poll(() => page.url()).toContain("/compare?runs=");
    await page.goBack();
    await page.locator(`[data-run-id="${ids.baseline}"]`).focus();
    await page.keyboard.press("Enter");
    await expect.poll(() => page.url()).toBe(at(`/runs/${ids.baseline}`));
    await expect.poll(() => page.getByRole("heading", { name: "baseline" }).count()).toBe(1);
    const allowed = /status of 400/;
    expect(browser.errors.filter((e) => !allowed.test(e))).toEqual([]);
  });

  it("shows a run: params, charts, artifacts with previews", async () => {
    const { page } = browser;
    await page.goto(at(`/runs/${ids.baseline}`));
    await expect.poll(() => page.getByRole("heading", { name: "baseline" }).count()).toBe(1);
    const params = page.getByRole("table", { name: "Parameters" });
    expect(await params.textContent()).toContain("optimizer");
    expect(await params.textContent()).toContain("adam");
    await expect.poll(() => page.locator(".chart-canvas[data-drawn=true] canvas").count()).toBe(1);
    expect(await page.locator(".chart figcaption").first().textContent()).toBe("loss");
    // Log scale and smoothing redraw the chart.
    await page.getByLabel("log scale").check();
    await expect.poll(() => page.url()).toContain("log=1");
    await expect.poll(() => page.locator(".chart-canvas[data-drawn=true] canvas").count()).toBe(1);
    const tags = page.getByRole("table", { name: "Tags" });
    expect(await tags.textContent()).toContain("team");

    const artifacts = page.getByRole("navigation", { name: "Artifact folders" });
    await artifacts.getByRole("button", { name: "config.json" }).click();
    await expect
      .poll(() => page.locator(".artifact-preview pre").textContent())
      .toContain('"dropout": 0.2');
    await artifacts.getByRole("button", { name: "eval/" }).click();
    await artifacts.getByRole("button", { name: "preds.csv" }).click();
    const csv = page.getByRole("table", { name: "head of eval/preds.csv" });
    await expect.poll(() => csv.locator("tbody tr").count()).toBe(2);
    expect(await csv.locator("thead").textContent()).toBe("idlabelscore");
    await artifacts.getByRole("button", { name: "confusion.png" }).click();
    const img = page.getByRole("img", { name: "eval/confusion.png" });
    expect(await img.count()).toBe(1);
    await expect
      .poll(() => page.evaluate("document.querySelector('.preview-image').naturalWidth"))
      .toBe(1);
    await browser.screenshot("run-baseline");
    expect(browser.errors).toEqual([]);
  });

  it("shows the reproducibility panel and the log of a wrapped command", async () => {
    const { page } = browser;
    await page.goto(at(`/runs/${ids.cli}`));
    await expect.poll(() => page.getByRole("heading", { name: "cli-run" }).count()).toBe(1);
    const code = page.getByRole("table", { name: "Code" });
    await expect.poll(() => code.textContent()).toContain("https://example.com/team/digits.git");
    expect(await code.textContent()).toContain("main");
    expect(await code.textContent()).toContain("yes — uncommitted changes");
    const diff = page.getByLabel("uncommitted changes");
    await expect
      .poll(() => diff.locator(".diff-add").allTextContents())
      .toContain("+console.log('tuned');\n");
    expect(await page.getByRole("link", { name: "download code.patch" }).getAttribute("href")).toBe(
      `/api/v1/runs/${ids.cli}/artifacts/lockstep/code.patch`,
    );
    const seed = page.getByRole("table", { name: "Seed" });
    expect(await seed.textContent()).toContain("root seed7");
    expect(await page.getByRole("table", { name: "Environment" }).textContent()).toContain("node");
    await expect
      .poll(() => page.getByLabel("run log").textContent())
      .toContain("hello from the log");
    const reproduction = ids.reproduction ?? "";
    const original = ids.cli ?? "";
    const reproductions = page.getByRole("table", { name: "Reproductions" });
    await expect.poll(() => reproductions.textContent()).toContain("identical");
    expect(
      await reproductions
        .getByRole("link", { name: reproduction.slice(0, 12) })
        .getAttribute("href"),
    ).toBe(`/runs/${reproduction}`);
    expect(await page.getByText("Reproduced 1 time.").count()).toBe(1);
    await reproductions.getByRole("link", { name: reproduction.slice(0, 12) }).click();
    await expect.poll(() => page.getByText("reproduction of").count()).toBe(1);
    expect(await page.getByRole("link", { name: original.slice(0, 12) }).getAttribute("href")).toBe(
      `/runs/${original}`,
    );
    await browser.screenshot("run-cli-repro");
    expect(browser.errors).toEqual([]);
  });

  it("follows a running run live over server-sent events", async () => {
    const { page } = browser;
    const live = await fx.ls.startRun({
      ...NO_CAPTURE,
      experiment: "vision",
      name: "live-run",
      seed: 3,
    });
    live.logMetric("loss", 0.9, 0);
    await live.flush();
    await page.goto(at(`/runs/${live.id}`));
    const status = page.getByTestId("run-status");
    await expect.poll(() => status.textContent()).toBe("RUNNING");
    expect(await page.getByTestId("run-duration").textContent()).toContain("(live)");
    live.logMetric("loss", 0.25, 1);
    await live.flush();
    const latest = page.getByRole("table", { name: "Latest metrics" });
    await expect.poll(() => latest.textContent(), { timeout: 5000 }).toContain("0.25");
    await live.end();
    await expect.poll(() => status.textContent(), { timeout: 5000 }).toBe("FINISHED");
    expect(await page.getByTestId("run-duration").textContent()).not.toContain("(live)");
    await browser.screenshot("run-live");
    expect(browser.errors).toEqual([]);
  });

  it("compares runs: params side by side with differences marked, charts overlaid", async () => {
    const { page } = browser;
    await page.goto(at(`/compare?runs=${ids.trial1},${ids.trial2},${ids.cli}`));
    await expect.poll(() => page.getByRole("heading", { name: "Compare 3 runs" }).count()).toBe(1);
    const params = page.getByRole("table", { name: "Parameters" });
    const lr = params.getByRole("row", { name: /^lr/ });
    expect(await lr.getAttribute("data-differs")).toBe("true");
    expect(await lr.textContent()).toContain("0.01");
    expect(await lr.textContent()).toContain("0.1");
    const seedRow = page
      .getByRole("table", { name: "Seed" })
      .getByRole("row", { name: /root seed/ });
    expect(await seedRow.getAttribute("data-differs")).toBe("true");
    const codeRow = page.getByRole("table", { name: "Code" }).getByRole("row", { name: /^commit/ });
    expect(await codeRow.getAttribute("data-differs")).toBe("true");
    // cli-run may carry the wrapper's own metrics too; every chosen key gets a drawn chart.
    const captions = page.locator(".chart figcaption");
    await expect
      .poll(() => captions.allTextContents())
      .toEqual(expect.arrayContaining(["acc", "loss"]));
    await expect
      .poll(async () => page.locator(".chart-canvas[data-drawn=true] canvas").count())
      .toBe(await captions.count());
    await page.getByLabel("Show only differences").check();
    await expect.poll(() => page.url()).toContain("diff=1");
    await browser.screenshot("compare");

    await page.goto(at(`/compare?runs=${ids.trial1},${ids.trial2}`));
    const same = page
      .getByRole("table", { name: "Parameters" })
      .getByRole("row", { name: /^depth/ });
    await expect.poll(() => same.getAttribute("data-differs")).toBe("false");
    // Only differences: the equal depth row goes, the differing lr row stays.
    await page.getByLabel("Show only differences").check();
    const params2 = page.getByRole("table", { name: "Parameters" });
    await expect.poll(() => params2.getByRole("row", { name: /^depth/ }).count()).toBe(0);
    expect(await params2.getByRole("row", { name: /^lr/ }).count()).toBe(1);
    await page.goto(at(`/compare?runs=${ids.trial1}`));
    await expect.poll(() => page.getByRole("alert").textContent()).toContain("Choose 2 to 10 runs");
    expect(browser.errors).toEqual([]);
  });

  it("gives sweeps a place that leads back", async () => {
    const { page } = browser;
    const pages: [string, string][] = [["/sweeps", "Sweeps"]];
    for (const [path, title] of pages) {
      await page.goto(at(path));
      await expect.poll(() => page.getByRole("heading", { level: 1 }).textContent()).toBe(title);
      expect(
        await page.getByRole("link", { name: "Back to experiments" }).getAttribute("href"),
      ).toBe("/");
    }
    await browser.screenshot("placeholder-sweeps");
    await page.getByRole("link", { name: "Back to experiments" }).click();
    await expect.poll(() => page.getByRole("heading", { name: "Experiments" }).count()).toBe(1);
    // Unknown API paths keep their JSON 404; page addresses get the app.
    const api = await fx.server.call("GET", "/api/v1/no-such-thing");
    expect(api.status).toBe(404);
    expect(api.body).toEqual({
      error: { code: "NOT_FOUND", message: "no route for GET /api/v1/no-such-thing" },
    });
    const html = await fetch(at("/runs/anything"));
    expect(html.headers.get("content-type")).toContain("text/html");
    expect(browser.errors).toEqual([]);
  });
});
