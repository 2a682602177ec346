import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { listLocalFiles } from "./local-files.js";

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), "lockstep-local-files-"));
});
afterEach(() => {
  rmSync(dir, { recursive: true, force: true });
});

describe("listLocalFiles", () => {
  it("gives a folder's files sorted, '/'-separated, without following symbolic links", async () => {
    const model = join(dir, "model");
    mkdirSync(join(model, "cfg", "deep"), { recursive: true });
    mkdirSync(join(model, "empty"));
    writeFileSync(join(model, "w.bin"), "w");
    writeFileSync(join(model, "cfg", "deep", "b.json"), "{}");
    writeFileSync(join(model, "a.txt"), "a");
    writeFileSync(join(dir, "outside.txt"), "o");
    symlinkSync(join(dir, "outside.txt"), join(model, "link.txt"));
    symlinkSync(dir, join(model, "up"));
    expect(await listLocalFiles(model)).toEqual({
      kind: "folder",
      files: [
        { local: join(model, "a.txt"), relative: "a.txt" },
        { local: join(model, "cfg", "deep", "b.json"), relative: "cfg/deep/b.json" },
        { local: join(model, "w.bin"), relative: "w.bin" },
      ],
    });
  });

  it("gives a file under its base name, nothing for an empty folder or a device", async () => {
    const file = join(dir, "model.pkl");
    writeFileSync(file, "p");
    expect(await listLocalFiles(file)).toEqual({
      kind: "file",
      files: [{ local: file, relative: "model.pkl" }],
    });
    mkdirSync(join(dir, "none"));
    expect(await listLocalFiles(join(dir, "none"))).toEqual({ kind: "folder", files: [] });
    expect(await listLocalFiles("/dev/null")).toEqual({ kind: "other", files: [] });
    await expect(listLocalFiles(join(dir, "missing"))).rejects.toMatchObject({ code: "ENOENT" });
  });
});
