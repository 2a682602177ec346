import { mkdirSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { type BrowserContext, chromium, type Page } from "playwright-core";

export const CHROMIUM = process.env.LOCKSTEP_CHROMIUM ?? "/usr/bin/chromium";
export const SCREENSHOTS = join(process.cwd(), "test-results", "ui");

export interface TestBrowser {
  /** The current page; newPage() replaces it. */
  page: Page;
  /** Console errors and uncaught exceptions seen so far; tests expect none. */
  errors: string[];
  screenshot(name: string): Promise<void>;
  /** A fresh page (and error list) in the same browser, cheaper than a new launch. */
  newPage(): Promise<void>;
  close(): Promise<void>;
}

/** Debian's Chromium, headless, with a fresh profile that is removed afterwards. */
export async function openBrowser(): Promise<TestBrowser> {
  const profile = mkdtempSync(join(tmpdir(), "lockstep-chromium-"));
  mkdirSync(SCREENSHOTS, { recursive: true });
  const context: BrowserContext = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM,
    headless: true,
    args: ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking"],
    viewport: { width: 1400, height: 900 },
  });
  const watch = (page: Page, errors: string[]) => {
    page.on("console", (message) => {
      if (message.type() === "error") errors.push(message.text());
    });
    page.on("pageerror", (error) => errors.push(error.message));
  };
  const browser: TestBrowser = {
    page: context.pages()[0] ?? (await context.newPage()),
    errors: [],
    async screenshot(name) {
      await browser.page.screenshot({ path: join(SCREENSHOTS, `${name}.png`), fullPage: true });
    },
    async newPage() {
      const old = browser.page;
      browser.page = await context.newPage();
      browser.errors = [];
      watch(browser.page, browser.errors);
      await old.close();
    },
    async close() {
      await context.close();
      rmSync(profile, { recursive: true, force: true });
    },
  };
  watch(browser.page, browser.errors);
  return browser;
}
