import { describe, expect, it } from "vitest";
import { NotFoundError } from "../domain/errors.js";
import { newRunId } from "../domain/ids.js";
import type { ArtifactEntry } from "./metadata-store.js";
import {
  collect,
  newExperiment,
  newRun,
  type OpenStore,
  unique,
  useStore,
} from "./store-contract-fixtures.js";

export function describeArtifacts(open: OpenStore): void {
  describe("artifact index", () => {
    const store = useStore(open);

    async function runWith(paths: string[]) {
      const e = await newExperiment(store());
      const run = await newRun(store(), { experimentId: e.id });
      const entries: ArtifactEntry[] = paths.map((path, i) => ({
        runId: run.id,
        path,
        digest: unique("sha256"),
        size: 10 * (i + 1),
        createdAt: 1000 + i,
      }));
      for (const entry of entries) await store().artifacts.put(entry);
      return { runId: run.id, entries };
    }

    it("puts, gets and replaces an artifact", async () => {
      const { runId, entries } = await runWith(["model/weights.bin"]);
      expect(await store().artifacts.get(runId, "model/weights.bin")).toEqual(entries[0]);
      const replaced = { ...entries[0], digest: "sha256:new", size: 5_000_000_000, createdAt: 9 };
      await store().artifacts.put(replaced as ArtifactEntry);
      expect(await store().artifacts.get(runId, "model/weights.bin")).toEqual(replaced);
      expect(await store().artifacts.get(runId, "model")).toBeUndefined();
      expect(await store().artifacts.get(newRunId(), "model/weights.bin")).toBeUndefined();
    });

    it("lists everything under a folder, nested folders included", async () => {
      const { runId } = await runWith([
        "a/b/c/deep.txt",
        "a/b/x.txt",
        "a/top.txt",
        "ab/not-under-a.txt",
        "a_b/also-not.txt",
        "root.txt",
      ]);
      const paths = async (folder: string) =>
        (await store().artifacts.listUnder(runId, folder)).map((e) => e.path).sort();
      expect(await paths("")).toHaveLength(6);
      expect(await paths("a")).toEqual(["a/b/c/deep.txt", "a/b/x.txt", "a/top.txt"]);
      expect(await paths("a/")).toEqual(["a/b/c/deep.txt", "a/b/x.txt", "a/top.txt"]);
      expect(await paths("a/b")).toEqual(["a/b/c/deep.txt", "a/b/x.txt"]);
      expect(await paths("a/b/c")).toEqual(["a/b/c/deep.txt"]);
      expect(await paths("a/b/c/deep.txt")).toEqual(["a/b/c/deep.txt"]);
      expect(await paths("missing")).toEqual([]);
      expect(await store().artifacts.listUnder(newRunId(), "")).toEqual([]);
    });

    it("deletes, reporting whether anything was there", async () => {
      const { runId } = await runWith(["x.txt", "y.txt"]);
      expect(await store().artifacts.delete(runId, "x.txt")).toBe(true);
      expect(await store().artifacts.delete(runId, "x.txt")).toBe(false);
      expect(await store().artifacts.get(runId, "x.txt")).toBeUndefined();
      expect((await store().artifacts.listUnder(runId, "")).map((e) => e.path)).toEqual(["y.txt"]);
    });

    it("yields every digest referred to, once each", async () => {
      const { runId, entries } = await runWith(["p", "q"]);
      const shared = { ...entries[0], path: "r" } as ArtifactEntry;
      await store().artifacts.put(shared);
      const digests = await collect(store().artifacts.digests());
      expect(new Set(digests).size).toBe(digests.length);
      expect(digests).toEqual(expect.arrayContaining(entries.map((e) => e.digest)));
      await store().artifacts.delete(runId, "q");
      expect(await collect(store().artifacts.digests())).not.toContain(entries[1]?.digest);
    });

    it("refuses an artifact for an unknown run", async () => {
      const put = store().artifacts.put({
        runId: newRunId(),
        path: "x",
        digest: "d",
        size: 1,
        createdAt: 1,
      });
      await expect(put).rejects.toThrow(NotFoundError);
    });
  });
}
