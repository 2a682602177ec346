import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import Database from "better-sqlite3";
import { describe, expect, it } from "vitest";
import { openStore } from "../open-store.js";
import { describeStore } from "../store-contract.js";
import { newRun } from "../store-contract-fixtures.js";

/** A fresh database file per test, in a nested folder the store must create. */
async function openTempStore() {
  const dir = mkdtempSync(join(tmpdir(), "lockstep-sqlite-"));
  const store = await openStore(`sqlite:${join(dir, "nested", "meta.db")}`);
  const close = store.close;
  return {
    ...store,
    close: async () => {
      await close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

describeStore("sqlite", openTempStore);

describe("openStore", () => {
  it("opens an in-memory SQLite store with the schema in place", async () => {
    const store = await openStore("sqlite::memory:");
    try {
      expect(store.dialect).toBe("sqlite");
      expect((await store.experiments.get("0"))?.name).toBe("Default");
    } finally {
      await store.close();
    }
  });

  it("reopens a file without migrating twice and keeps its data", async () => {
    const dir = mkdtempSync(join(tmpdir(), "lockstep-sqlite-"));
    try {
      const url = `sqlite:${join(dir, "meta.db")}`;
      const first = await openStore(url);
      const e = await first.experiments.create({ name: "kept", now: 1 });
      await first.close();
      const second = await openStore(url);
      expect((await second.experiments.getByName("kept"))?.id).toBe(e.id);
      await second.close();
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it("uses WAL and records deleted_time on delete, clearing it on restore", async () => {
    const dir = mkdtempSync(join(tmpdir(), "lockstep-sqlite-"));
    const file = join(dir, "meta.db");
    const store = await openStore(`sqlite:${file}`);
    const raw = new Database(file, { readonly: true });
    try {
      expect(raw.pragma("journal_mode", { simple: true })).toBe("wal");
      const { id } = await newRun(store, { experimentId: "0" });
      const deletedTime = raw.prepare("select deleted_time from runs where run_id = ?").pluck();
      await store.runs.setLifecycle(id, "deleted", 1234);
      expect(deletedTime.get(id)).toBe(1234);
      await store.runs.setLifecycle(id, "active", 5678);
      expect(deletedTime.get(id)).toBeNull();
    } finally {
      raw.close();
      await store.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it("refuses a URL it does not understand", async () => {
    await expect(openStore("mysql://localhost/x")).rejects.toThrow(/unsupported store URL/);
    await expect(openStore("sqlite:")).rejects.toThrow(/names no file/);
    await expect(openStore("./meta.db")).rejects.toThrow(/unsupported store URL/);
  });
});
