import { afterAll, beforeAll, beforeEach, describe } from "vitest";
import { postgresAvailable } from "../../support/postgres.js";
import { openBrowser, type TestBrowser } from "./browser.js";
import { type RegistrySeed, seedRegistry } from "./seed-registry.js";
import { checkPrerequisites, startUiFixture, type UiFixture, type UiStore } from "./ui-fixture.js";

const STORES: UiStore[] = ["sqlite", "postgres"];
const pgReady = await postgresAvailable();

/** Filled in by `beforeAll`: use it only inside tests. */
export interface RegistryPages {
  fx: UiFixture;
  browser: TestBrowser;
  seed: RegistrySeed;
  store: UiStore;
  /** The server's address of a page path. */
  at(path: string): string;
}

/**
 * `body` once per store (the pages' data are store queries), each over a UI
 * server seeded by `seedRegistry`, with a fresh browser tab for every test.
 */
export function describeRegistryPages(title: string, body: (pages: RegistryPages) => void): void {
  for (const store of STORES) {
    describe.skipIf(store === "postgres" && !pgReady)(`${title} (${store})`, () => {
      const pages = {
        store,
        at: (path: string) => `${pages.fx.server.url}${path}`,
      } as RegistryPages;

      beforeAll(async () => {
        checkPrerequisites();
        pages.fx = await startUiFixture(store);
        pages.seed = await seedRegistry(pages.fx);
        pages.browser = await openBrowser();
      }, 60_000);

      beforeEach(async () => {
        await pages.browser.newPage();
      });

      afterAll(async () => {
        await pages.browser?.close();
        await pages.fx?.close();
      });

      body(pages);
    });
  }
}
