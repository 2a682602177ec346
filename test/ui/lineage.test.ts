import { mkdirSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { openBrowser, type TestBrowser } from "./support/browser.js";
import { contrastRatios } from "./support/contrast.js";
import { type RegistrySeed, seedRegistry } from "./support/seed-registry.js";
import {
  checkPrerequisites,
  cli,
  dirtyRepo,
  startUiFixture,
  type UiFixture,
} from "./support/ui-fixture.js";

let fx: UiFixture;
let browser: TestBrowser;
let seed: RegistrySeed;
let cliRun = "";
const at = (path: string) => `${fx.server.url}${path}`;

beforeAll(async () => {
  checkPrerequisites();
  fx = await startUiFixture();
  seed = await seedRegistry(fx);
  // A wrapped command in a git repo that reads digits@v3: a run with a commit upstream.
  const repo = join(fx.temp, "repo");
  mkdirSync(repo);
  dirtyRepo(repo);
  const wrapped = await cli(
    [
      "--tracking-uri",
      fx.server.url,
      "run",
      "--experiment",
      "registry",
      "--name",
      "evaluate",
      "--data",
      "digits@v3",
      "--",
      process.execPath,
      "-e",
      "0",
    ],
    { cwd: repo, env: { LOCKSTEP_HOME: join(fx.temp, "home") } },
  );
  expect(wrapped.code, wrapped.stderr).toBe(0);
  cliRun = /run ([0-9a-f]{32})/.exec(wrapped.stderr)?.[1] ?? "";
  expect(cliRun).toMatch(/^[0-9a-f]{32}$/);
  browser = await openBrowser();
}, 60_000);

beforeEach(async () => {
  await browser.newPage();
});

afterAll(async () => {
  await browser?.close();
  await fx?.close();
});

const node = (id: string) => browser.page.locator(`[data-node="${id}"]`);

describe("lineage page", () => {
  it("draws a model version's graph, upstream to its run and dataset", async () => {
    const { page } = browser;
    await page.goto(at(`/lineage?ref=${encodeURIComponent("models:/digits-clf/2")}`));
    await expect
      .poll(() => page.getByRole("heading", { level: 1 }).textContent())
      .toBe("Lineage of models:/digits-clf/2");
    await expect.poll(() => node("model:digits-clf/2").count()).toBe(1);
    expect(await node("model:digits-clf/2").textContent()).toContain("digits-clf v2 [production]");
    expect(await node(`run:${seed.runs.asof}`).textContent()).toContain("train-asof");
    expect(await node("dataset:digits@v2").textContent()).toContain("digits@v2");
    expect(await node(`run:${seed.runs.old}`).count()).toBe(0);
    const edges = await page
      .locator(".lineage-graph .edge")
      .evaluateAll((gs) => gs.map((g) => g.getAttribute("data-kind")).sort());
    expect(edges).toEqual(["input", "registered"]);
    // Columns follow time: dataset left of run left of model.
    const x = async (id: string) => (await node(id).boundingBox())?.x ?? Number.NaN;
    expect(await x("dataset:digits@v2")).toBeLessThan(await x(`run:${seed.runs.asof}`));
    expect(await x(`run:${seed.runs.asof}`)).toBeLessThan(await x("model:digits-clf/2"));
    for (const r of await contrastRatios(page)) expect(r).toBeGreaterThanOrEqual(4.5);
    await browser.screenshot("lineage-model");
    expect(browser.errors).toEqual([]);
  });

  it("re-centres on a clicked node and links each node to its page", async () => {
    const { page } = browser;
    await page.goto(at(`/lineage?ref=${encodeURIComponent("models:/digits-clf/2")}`));
    await node("dataset:digits@v2").click();
    await expect
      .poll(() => page.getByRole("heading", { level: 1 }).textContent())
      .toBe("Lineage of digits@v2");
    expect(new URL(page.url()).searchParams.get("ref")).toBe("digits@v2");
    // Downstream of v2: the run that read it and the model it registered.
    await expect.poll(() => node("model:digits-clf/2").count()).toBe(1);
    expect(await page.getByRole("link", { name: "open its page" }).getAttribute("href")).toBe(
      "/datasets/digits?version=v2",
    );
    const rows = page.getByRole("table", { name: "Lineage nodes" }).locator("tbody tr");
    const run = rows.filter({ hasText: "train-asof" });
    // The run's seed and params travel with its node.
    expect(await run.textContent()).toContain("params: source=asof");
    expect(await run.textContent()).toMatch(/seed: \d+/);
    expect(await run.getByRole("link", { name: "open" }).getAttribute("href")).toBe(
      `/runs/${seed.runs.asof}`,
    );
    // Keyboard: a node is a button; Enter on it re-centres too.
    await node(`run:${seed.runs.asof}`).focus();
    await page.keyboard.press("Enter");
    await expect
      .poll(() => page.getByRole("heading", { level: 1 }).textContent())
      .toBe(`Lineage of ${seed.runs.asof}`);
    await page.getByRole("link", { name: "open its page" }).click();
    await expect.poll(() => new URL(page.url()).pathname).toBe(`/runs/${seed.runs.asof}`);
    expect(browser.errors).toEqual([]);
  });

  it("shows the commit a CLI run's code came from", async () => {
    const { page } = browser;
    await page.goto(at("/lineage?ref=digits%40v3"));
    await expect.poll(() => node(`run:${cliRun}`).count()).toBe(1);
    await page.getByRole("link", { name: "centre here" }).first().click();
    await expect
      .poll(() => page.getByRole("heading", { level: 1 }).textContent())
      .toBe(`Lineage of ${cliRun}`);
    const commit = page.locator('[data-node^="commit:"]');
    await expect.poll(() => commit.count()).toBe(1);
    expect(await commit.textContent()).toMatch(/commit[0-9a-f]{12} \(main\) \+diff/);
    // A commit has no page of its own, so it is not a button.
    expect(await commit.getAttribute("role")).toBeNull();
    const edges = await page
      .locator(".lineage-graph .edge")
      .evaluateAll((gs) => gs.map((g) => g.getAttribute("data-kind")).sort());
    expect(edges).toEqual(["code", "input"]);
    await browser.screenshot("lineage-run");
    expect(browser.errors).toEqual([]);
  });

  it("is one click away from a run's page", async () => {
    const { page } = browser;
    await page.goto(at(`/runs/${seed.runs.old}`));
    await page.getByRole("link", { name: "graph of this run" }).click();
    await expect
      .poll(() => page.getByRole("heading", { level: 1 }).textContent())
      .toBe(`Lineage of ${seed.runs.old}`);
    await expect.poll(() => node("dataset:digits@v1").count()).toBe(1);
    expect(browser.errors).toEqual([]);
  });

  it("takes a reference typed into the form", async () => {
    const { page } = browser;
    await page.goto(at("/lineage"));
    await page.getByLabel("Reference").fill("digits@v1");
    await page.getByRole("button", { name: "Show lineage" }).click();
    await expect.poll(() => node(`run:${seed.runs.old}`).count()).toBe(1);
    expect(await node("model:digits-clf/1").textContent()).toContain("digits-clf v1");
    expect(browser.errors).toEqual([]);
  });

  it("shows the server's error inline for an unknown or malformed reference", async () => {
    const { page } = browser;
    await page.goto(at("/lineage?ref=nosuch%40v9"));
    await expect.poll(() => page.getByRole("alert").textContent()).toMatch(/nosuch/);
    expect(await page.locator(".lineage-graph").count()).toBe(0);
    await page.goto(at(`/lineage?ref=${encodeURIComponent("models:/digits-clf@nosuch")}`));
    await expect.poll(() => page.getByRole("alert").textContent()).toMatch(/nosuch/);
    // Only the failed requests themselves are logged by the browser.
    expect(browser.errors.filter((e) => !/status of 40[04]/.test(e))).toEqual([]);
  });
});
