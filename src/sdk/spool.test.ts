import { mkdtempSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { defaultSpoolDir, Spool } from "./spool.js";

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), "lockstep-spool-"));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

const request = (n: number) => ({
  runId: "a".repeat(32),
  method: "POST" as const,
  path: `/api/v1/runs/${"a".repeat(32)}/batch`,
  body: `{"metrics":[],"idempotencyKey":"k${n}"}`,
  points: n,
});

describe("Spool", () => {
  it("reads requests back in the order they were written, bodies byte for byte", () => {
    const spool = new Spool(join(dir, "nested", "spool"), "http://a:1");
    for (let n = 0; n < 25; n++) spool.write(request(n));
    const files = spool.list();
    expect(files).toHaveLength(25);
    const back = files.map((f) => spool.read(f));
    expect(back.map((r) => r?.body)).toEqual(Array.from({ length: 25 }, (_, n) => request(n).body));
    expect(back[3]).toMatchObject({ ...request(3), baseUrl: "http://a:1", file: files[3] });
  });

  it("leaves no temporary files behind", () => {
    const spool = new Spool(dir, "http://a:1");
    spool.write(request(1));
    expect(readdirSync(dir).filter((f) => f.startsWith("."))).toEqual([]);
  });

  it("keeps each server's requests apart", () => {
    const a = new Spool(dir, "http://a:1");
    const b = new Spool(dir, "http://b:2");
    a.write(request(1));
    b.write(request(2));
    b.write(request(3));
    expect(a.list()).toHaveLength(1);
    expect(b.list().map((f) => b.read(f)?.points)).toEqual([2, 3]);
  });

  it("ignores half-written temp files and sets unreadable files aside", () => {
    const spool = new Spool(dir, "http://a:1");
    const name = spool.write(request(1));
    writeFileSync(join(dir, `.${name}.tmp`), "partial");
    writeFileSync(join(dir, name), "no header line");
    expect(spool.list()).toEqual([name]);
    expect(spool.read(name)).toBeUndefined();
    spool.quarantine(name);
    expect(spool.list()).toEqual([]);
    expect(readdirSync(dir)).toContain(`${name}.bad`);
  });

  it("treats a missing directory as empty and a vanished file as gone", () => {
    const spool = new Spool(join(dir, "never-created"), "http://a:1");
    expect(spool.list()).toEqual([]);
    expect(spool.read("nope.req")).toBeUndefined();
    expect(() => spool.remove("nope.req")).not.toThrow();
  });

  it("lives under LOCKSTEP_HOME when set, else ~/.lockstep", () => {
    expect(defaultSpoolDir({ LOCKSTEP_HOME: "/x/y" })).toBe(join("/x/y", "spool"));
    expect(defaultSpoolDir({})).toMatch(/\.lockstep[/\\]spool$/);
  });
});
