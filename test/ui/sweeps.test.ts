import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { SweepWorkspace } from "../sweeps/support/sweep-cli.js";
import { openBrowser, type TestBrowser } from "./support/browser.js";
import { contrastRatios } from "./support/contrast.js";
import { checkPrerequisites, startUiFixture, type UiFixture } from "./support/ui-fixture.js";

/** Six grid trials; the trial script logs loss = (x - 0.3)² + y, so x=0.3, y=0 is best at 0. */
const SPEC = {
  command: ["node", "trial.cjs"],
  method: "grid",
  seed: 42,
  objective: { metric: "loss", goal: "minimize" },
  parameters: { x: [0.1, 0.3, 0.6], y: [0, 1] },
};

let fx: UiFixture;
let ws: SweepWorkspace;
let browser: TestBrowser;
let sweepId = "";
const at = (path: string) => `${fx.server.url}${path}`;

beforeAll(async () => {
  checkPrerequisites();
  fx = await startUiFixture();
  ws = new SweepWorkspace();
  const created = await ws.run(fx.server.url, ["sweep", "create", ws.writeSpec("s.json", SPEC)]);
  expect(created.code, created.stderr).toBe(0);
  sweepId = created.stdout.trim();
  const agent = await ws.run(fx.server.url, ["sweep", "agent", sweepId]);
  expect(agent.code, agent.stderr).toBe(0);
  browser = await openBrowser();
}, 120_000);

beforeEach(async () => {
  await browser.newPage();
});

afterAll(async () => {
  await browser?.close();
  ws?.cleanup();
  await fx?.close();
});

describe("sweep page", () => {
  it("shows the best trial, its progress over time and every trial", async () => {
    const { page } = browser;
    await page.goto(at(`/sweeps/${sweepId}`));
    await expect.poll(() => page.getByTestId("sweep-state").textContent()).toBe("finished");
    const best = page.getByTestId("best-trial");
    expect(await best.textContent()).toMatch(/loss = 0 with x=0\.3, y=0/);
    const bestRun = await best.getByRole("link", { name: "open its run" }).getAttribute("href");
    expect(bestRun).toMatch(/^\/runs\/[0-9a-f]{32}$/);
    const rows = page.getByRole("table", { name: "Trials" }).locator("tbody tr");
    expect(await rows.count()).toBe(6);
    const bestRow = rows.filter({ hasText: "best" });
    expect(await bestRow.count()).toBe(1);
    expect(await bestRow.getByRole("link").getAttribute("href")).toBe(bestRun);
    // Each row's objective agrees with its params under the trial script's formula.
    const cells = await rows.evaluateAll((trs) =>
      trs.map((tr) => [...tr.querySelectorAll("td")].map((td) => td.textContent ?? "")),
    );
    for (const row of cells) {
      const [x, y, loss] = [Number(row[2]), Number(row[3]), Number(row[4])];
      expect(loss).toBeCloseTo((x - 0.3) ** 2 + y, 5);
    }
    await page.locator(".chart-canvas[data-drawn=true] canvas").waitFor({ state: "attached" });
    expect(await page.locator(".chart figcaption").textContent()).toBe("Best loss over time");
    for (const r of await contrastRatios(page)) expect(r).toBeGreaterThanOrEqual(4.5);
    await browser.screenshot("sweep");
    expect(browser.errors).toEqual([]);
  });

  it("draws params against the objective, the best trial on top", async () => {
    const { page } = browser;
    await page.goto(at(`/sweeps/${sweepId}`));
    const chart = page.locator("svg.parallel");
    await expect.poll(() => chart.locator(".pc-line").count()).toBe(6);
    expect(
      await chart
        .locator(".pc-axis")
        .evaluateAll((gs) => gs.map((g) => g.getAttribute("data-axis"))),
    ).toEqual(["x", "y", "loss"]);
    const bestLine = chart.locator(".pc-best");
    expect(await bestLine.count()).toBe(1);
    const bestTrial = await bestLine.getAttribute("data-trial");
    const bestRow = page.getByRole("table", { name: "Trials" }).locator("tr.selected");
    expect(await bestRow.getAttribute("data-trial")).toBe(bestTrial);
    // The best (lowest) loss sits at the bottom of the objective axis: the largest y.
    const lastY = (points: string | null) =>
      Number(points?.trim().split(" ").at(-1)?.split(",")[1]);
    const ys = await chart
      .locator(".pc-line")
      .evaluateAll((ls) => ls.map((l) => l.getAttribute("points")));
    expect(lastY(await bestLine.getAttribute("points"))).toBe(Math.max(...ys.map(lastY)));
    expect(browser.errors).toEqual([]);
  });

  it("is linked from the sweep's run page", async () => {
    const { page } = browser;
    await page.goto(at(`/runs/${sweepId}`));
    await page.getByRole("link", { name: "sweep page" }).click();
    await expect.poll(() => page.getByTestId("sweep-state").textContent()).toBe("finished");
    expect(new URL(page.url()).pathname).toBe(`/sweeps/${sweepId}`);
    expect(browser.errors).toEqual([]);
  });

  it("follows a running sweep until it finishes, without a reload", async () => {
    const { page } = browser;
    const created = await ws.run(fx.server.url, [
      "sweep",
      "create",
      ws.writeSpec("later.json", { ...SPEC, parameters: { x: [0.3, 0.6], y: [0] } }),
    ]);
    expect(created.code, created.stderr).toBe(0);
    const id = created.stdout.trim();
    await page.goto(at(`/sweeps/${id}`));
    await expect.poll(() => page.getByTestId("sweep-state").textContent()).toBe("running");
    expect(await page.getByTestId("best-trial").count()).toBe(0);
    const agent = await ws.run(fx.server.url, ["sweep", "agent", id]);
    expect(agent.code, agent.stderr).toBe(0);
    await expect
      .poll(() => page.getByTestId("sweep-state").textContent(), { timeout: 15_000 })
      .toBe("finished");
    expect(await page.getByTestId("best-trial").textContent()).toMatch(/loss = 0 with x=0\.3/);
    expect(await page.getByRole("table", { name: "Trials" }).locator("tbody tr").count()).toBe(2);
    expect(browser.errors).toEqual([]);
  });

  it("shows the server's 404 inline for an unknown sweep", async () => {
    const { page } = browser;
    await page.goto(at(`/sweeps/${"0".repeat(32)}`));
    await expect.poll(() => page.getByRole("alert").count()).toBe(1);
    expect(browser.errors.filter((e) => !/status of 404/.test(e))).toEqual([]);
  });
});
