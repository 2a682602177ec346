import { expect, it } from "vitest";
import { contrastRatios } from "./support/contrast.js";
import { describeRegistryPages } from "./support/registry-pages.js";

/** The same page over both stores: time travel and run IO are store queries. */
describeRegistryPages("datasets pages", (pages) => {
  it("lists datasets with their latest version, linked", async () => {
    const { page } = pages.browser;
    await page.goto(pages.at("/datasets"));
    const row = page.getByRole("table", { name: "Datasets" }).getByRole("row", { name: /digits/ });
    await expect.poll(() => row.count()).toBe(1);
    expect(await row.getByRole("cell").allTextContents()).toEqual(
      expect.arrayContaining(["digits", "3", "v3"]),
    );
    await row.getByRole("link", { name: "digits" }).click();
    await expect
      .poll(() => page.getByRole("heading", { level: 1 }).textContent())
      .toBe("Dataset digits");
    expect(new URL(page.url()).pathname).toBe("/datasets/digits");
    expect(pages.browser.errors).toEqual([]);
  });

  it("shows the timeline, the versions with the runs that used them, and the latest's files", async () => {
    const { page } = pages.browser;
    await page.goto(pages.at("/datasets/digits"));
    const timeline = page.getByRole("list", { name: "Version timeline" });
    await expect
      .poll(() => timeline.getByRole("button").allTextContents())
      .toEqual(["v1", "v2", "v3"]);
    expect(await timeline.getByRole("button", { name: "v3" }).getAttribute("aria-pressed")).toBe(
      "true",
    );
    const versions = page.getByRole("table", { name: "Versions" });
    const v1 = versions.locator('tr[data-version="v1"]');
    await expect.poll(() => v1.getByRole("link").allTextContents()).toEqual(["train-old"]);
    expect(await v1.getByRole("link").getAttribute("href")).toBe(`/runs/${pages.seed.runs.old}`);
    expect(await v1.textContent()).toContain("first cut");
    const v2 = versions.locator('tr[data-version="v2"]');
    await expect.poll(() => v2.getByRole("link").allTextContents()).toEqual(["train-asof"]);
    expect(await versions.locator('tr[data-version="v3"]').textContent()).toContain("none");
    const files = page.getByRole("table", { name: "Files of v3" });
    await expect
      .poll(() => files.locator("tbody tr td:first-child").allTextContents())
      .toEqual(["a.csv", "c.csv"]);
    // The diff defaults to the previous version: v3 dropped b.csv.
    await expect
      .poll(() => page.getByTestId("diff-summary").textContent())
      .toBe("0 added, 1 removed, 0 changed, 2 unchanged");
    for (const r of await contrastRatios(page)) expect(r).toBeGreaterThanOrEqual(4.5);
    await pages.browser.screenshot(`dataset-${pages.store}`);
    expect(pages.browser.errors).toEqual([]);
  });

  it("resolves the as-of picker through the server's time travel", async () => {
    const { page } = pages.browser;
    await page.goto(pages.at("/datasets/digits"));
    const picker = page.getByLabel("Date and time (UTC)");
    await picker.fill(pages.seed.asOfV2);
    const result = page.getByTestId("as-of-result");
    await expect.poll(() => result.textContent()).toContain("would have got v2");
    expect(await result.textContent()).toContain(pages.seed.versions[1]?.digest.slice(0, 19));
    // The picker lives in the URL, so a link shows the same answer.
    expect(new URL(page.url()).searchParams.get("asof")).toBe(pages.seed.asOfV2);
    // A time before v1 existed is the server's 400, shown inline.
    const before = new Date(Date.parse(pages.seed.versions[0]?.createdAt ?? "") - 60_000);
    await picker.fill(before.toISOString().slice(0, 19));
    await expect.poll(() => page.getByRole("alert").textContent()).toMatch(/before|first/i);
    await picker.fill(pages.seed.asOfV2);
    await expect.poll(() => result.textContent()).toContain("would have got v2");
    await page.getByRole("button", { name: "Show v2" }).click();
    await expect.poll(() => page.getByRole("heading", { name: "digits@v2" }).count()).toBe(1);
    await expect
      .poll(() =>
        page
          .getByRole("table", { name: "Files of v2" })
          .locator("tbody tr td:first-child")
          .allTextContents(),
      )
      .toEqual(["a.csv", "b.csv", "c.csv"]);
    await pages.browser.screenshot(`dataset-as-of-${pages.store}`);
    // The 400 above is a failed request the pages.browser logs; nothing else may be.
    expect(pages.browser.errors.filter((e) => !/status of 400/.test(e))).toEqual([]);
  });

  it("diffs two chosen versions file by file", async () => {
    const { page } = pages.browser;
    await page.goto(pages.at("/datasets/digits?version=v2&against=v1"));
    await expect
      .poll(() => page.getByTestId("diff-summary").textContent())
      .toBe("1 added, 0 removed, 1 changed, 1 unchanged");
    const diff = page.getByRole("table", { name: "Diff from v1 to v2" });
    expect(await diff.locator("tbody tr").allTextContents()).toEqual([
      expect.stringMatching(/added.*c\.csv/),
      expect.stringMatching(/changed.*a\.csv.*8 B → 12 B/),
    ]);
    await page.getByLabel("Changes to v2 since").selectOption("v3");
    await expect
      .poll(() => page.getByTestId("diff-summary").textContent())
      .toBe("1 added, 0 removed, 0 changed, 2 unchanged");
    expect(new URL(page.url()).searchParams.get("against")).toBe("v3");
    // Selecting a version on the timeline moves the page to it.
    await page
      .getByRole("list", { name: "Version timeline" })
      .getByRole("button", { name: "v1" })
      .click();
    await expect.poll(() => page.getByRole("heading", { name: "digits@v1" }).count()).toBe(1);
    expect(new URL(page.url()).searchParams.get("version")).toBe("v1");
    expect(pages.browser.errors).toEqual([]);
  });

  it("shows the server's 404 inline for an unknown dataset", async () => {
    const { page } = pages.browser;
    await page.goto(pages.at("/datasets/nosuch"));
    await expect.poll(() => page.getByRole("alert").textContent()).toMatch(/nosuch/);
    expect(await page.getByRole("list", { name: "Version timeline" }).count()).toBe(0);
    expect(pages.browser.errors.filter((e) => !/status of 404/.test(e))).toEqual([]);
  });
});
