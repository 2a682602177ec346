import { expect, it } from "vitest";
import { contrastRatios } from "./support/contrast.js";
import { describeRegistryPages } from "./support/registry-pages.js";

/** Alias moves are serialised per model in each store, so both stores run the clicks. */
describeRegistryPages("models pages", (pages) => {
  /** Where the server says the alias points, independent of the page. */
  async function production(): Promise<number | undefined> {
    const res = await pages.fx.server.call("GET", "/api/v1/models/digits-clf");
    return res.body.model.aliases.production;
  }

  it("lists models with their aliases, linked", async () => {
    const { page } = pages.browser;
    await page.goto(pages.at("/models"));
    const row = page
      .getByRole("table", { name: "Models" })
      .getByRole("row", { name: /digits-clf/ });
    await expect.poll(() => row.count()).toBe(1);
    expect(await row.textContent()).toContain("@production → v2");
    expect(await row.getByRole("cell").nth(1).textContent()).toBe("v2");
    await row.getByRole("link", { name: "digits-clf" }).click();
    await expect
      .poll(() => page.getByRole("heading", { level: 1 }).textContent())
      .toBe("Model digits-clf");
    expect(pages.browser.errors).toEqual([]);
  });

  it("shows versions with their runs' metrics and the alias history", async () => {
    const { page } = pages.browser;
    await page.goto(pages.at("/models/digits-clf?version=1"));
    const versions = page.getByRole("table", { name: "Model versions" });
    const v1 = versions.locator('tr[data-version="1"]');
    const v2 = versions.locator('tr[data-version="2"]');
    await expect.poll(() => v2.textContent()).toContain("@production");
    expect(await versions.getByRole("columnheader").allTextContents()).toContain("acc");
    expect(await v1.textContent()).toContain("0.81");
    expect(await v2.textContent()).toContain("0.93");
    expect(await v1.getAttribute("class")).toBe("selected");
    expect(await v1.getByRole("link").first().getAttribute("href")).toBe(
      `/runs/${pages.seed.runs.old}`,
    );
    expect(await v2.getByRole("link").first().getAttribute("href")).toBe(
      `/runs/${pages.seed.runs.asof}`,
    );
    const history = page.getByRole("table", { name: "History of @production" });
    // Newest first: 1 → 2, then none → 1.
    await expect.poll(() => history.locator("tbody tr").count()).toBe(2);
    const cells = await history
      .locator("tbody tr")
      .evaluateAll((rows) =>
        rows.map((r) => [...r.querySelectorAll("td")].slice(1, 4).map((td) => td.textContent)),
      );
    expect(cells).toEqual([
      ["set", "v1", "v2"],
      ["set", "none", "v1"],
    ]);
    for (const r of await contrastRatios(page)) expect(r).toBeGreaterThanOrEqual(4.5);
    await pages.browser.screenshot(`model-${pages.store}`);
    expect(pages.browser.errors).toEqual([]);
  });

  it("rolls an alias back by clicking, after a confirmation", async () => {
    const { page } = pages.browser;
    await page.goto(pages.at("/models/digits-clf"));
    const card = page.locator('[data-alias="production"]');
    await expect.poll(() => card.getByTestId("alias-version").textContent()).toBe("v2");
    await card.getByRole("button", { name: "Roll back @production to v1" }).click();
    const dialog = page.getByRole("dialog", { name: "Roll back alias?" });
    await expect.poll(() => dialog.isVisible()).toBe(true);
    expect(await dialog.textContent()).toContain("It will point at v1.");
    // Cancelling changes nothing.
    await dialog.getByRole("button", { name: "Cancel" }).click();
    await expect.poll(() => dialog.isVisible()).toBe(false);
    expect(await production()).toBe(2);
    await card.getByRole("button", { name: "Roll back @production to v1" }).click();
    await pages.browser.screenshot(`model-rollback-dialog-${pages.store}`);
    await dialog.getByRole("button", { name: "Roll back" }).click();
    await expect.poll(() => card.getByTestId("alias-version").textContent()).toBe("v1");
    expect(await production()).toBe(1);
    const history = page.getByRole("table", { name: "History of @production" });
    await expect
      .poll(() => history.locator("tbody tr").first().locator("td").nth(1).textContent())
      .toBe("rollback");
    // Nothing earlier to go back to now: none → 1 is the only move left.
    expect(await card.getByRole("button", { name: /Roll back/ }).isDisabled()).toBe(true);
    expect(pages.browser.errors).toEqual([]);
  });

  it("moves and rolls back an alias with the keyboard alone", async () => {
    const { page } = pages.browser;
    await page.goto(pages.at("/models/digits-clf"));
    const card = page.locator('[data-alias="production"]');
    await expect.poll(() => card.getByTestId("alias-version").textContent()).toBe("v1");
    const focused = () => page.evaluate<string>('document.activeElement?.textContent ?? ""');
    const tabTo = async (text: RegExp) => {
      for (let i = 0; i < 40 && !text.test(await focused()); i++) await page.keyboard.press("Tab");
      expect(await focused()).toMatch(text);
    };
    // Move: choose v2 in the select with arrow keys, tab to Move, Enter, Enter on the dialog.
    await card.getByLabel("Move to").focus();
    await page.keyboard.press("ArrowDown");
    expect(await card.getByLabel("Move to").inputValue()).toBe("2");
    await tabTo(/^Move @production$/);
    await page.keyboard.press("Enter");
    await expect.poll(focused).toBe("Move");
    await page.keyboard.press("Enter");
    await expect.poll(() => card.getByTestId("alias-version").textContent()).toBe("v2");
    expect(await production()).toBe(2);
    // Escape closes the dialog without a change.
    await page.keyboard.press("Shift+Tab");
    await tabTo(/^Roll back @production to v1$/);
    await page.keyboard.press("Enter");
    await expect.poll(focused).toBe("Roll back");
    await page.keyboard.press("Escape");
    await expect.poll(() => page.getByRole("dialog").isVisible()).toBe(false);
    expect(await production()).toBe(2);
    // Then for real: tab to the rollback button, Enter, confirm with Enter.
    await tabTo(/^Roll back @production to v1$/);
    await page.keyboard.press("Enter");
    await expect.poll(focused).toBe("Roll back");
    await page.keyboard.press("Enter");
    await expect.poll(() => card.getByTestId("alias-version").textContent()).toBe("v1");
    expect(await production()).toBe(1);
    expect(pages.browser.errors).toEqual([]);
  });
});
