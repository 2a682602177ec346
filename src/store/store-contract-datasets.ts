import { createHash } from "node:crypto";
import { describe, expect, it } from "vitest";
import type { DatasetVersion } from "../domain/dataset.js";
import { NotFoundError } from "../domain/errors.js";
import type { NewDatasetVersion } from "./dataset-store.js";
import {
  collect,
  newExperiment,
  newRun,
  type OpenStore,
  unique,
  useStore,
} from "./store-contract-fixtures.js";

export function fakeDigest(seed: string): string {
  return `sha256:${createHash("sha256").update(seed).digest("hex")}`;
}

export function describeDatasets(open: OpenStore): void {
  describe("datasets", () => {
    const store = useStore(open);

    function input(name: string, seed: string, now: number): NewDatasetVersion {
      return {
        name,
        digest: fakeDigest(seed),
        message: `msg ${seed}`,
        source: null,
        size: 10,
        files: 2,
        now,
      };
    }

    it("numbers versions per dataset and keeps their times strictly increasing", async () => {
      const name = unique("digits");
      const a = await store().datasets.addVersion(input(name, "a", 5000));
      expect(a).toEqual({
        created: true,
        version: {
          name,
          number: 1,
          digest: fakeDigest("a"),
          createdAt: 5000,
          message: "msg a",
          source: null,
          size: 10,
          files: 2,
        },
      });
      // A clock that goes back, or stands still, still yields later times.
      const b = await store().datasets.addVersion(input(name, "b", 1000));
      const c = await store().datasets.addVersion(input(name, "c", 5001));
      const d = await store().datasets.addVersion(input(name, "d", 9000));
      expect([b, c, d].map((x) => [x.version.number, x.version.createdAt])).toEqual([
        [2, 5001],
        [3, 5002],
        [4, 9000],
      ]);
      const other = await store().datasets.addVersion(input(unique("other"), "a", 1));
      expect(other.version).toMatchObject({ number: 1, createdAt: 1 });
      expect((await store().datasets.versions(name)).map((v) => v.number)).toEqual([1, 2, 3, 4]);
      expect(await store().datasets.versions(unique("none"))).toEqual([]);
    });

    it("returns the latest version unchanged when its digest is added again", async () => {
      const name = unique("same");
      const first = await store().datasets.addVersion(input(name, "x", 100));
      const again = await store().datasets.addVersion({ ...input(name, "x", 200), message: "z" });
      expect(again).toEqual({ created: false, version: first.version });
      await store().datasets.addVersion(input(name, "y", 300));
      // Going back to older content is a new version.
      const back = await store().datasets.addVersion(input(name, "x", 400));
      expect(back.created).toBe(true);
      expect(back.version.number).toBe(3);
    });

    it("gives concurrent adds distinct numbers and times", async () => {
      const name = unique("race");
      const added = await Promise.all(
        Array.from({ length: 8 }, (_, i) => store().datasets.addVersion(input(name, `r${i}`, 77))),
      );
      const numbers = added.map((a) => a.version.number).sort((x, y) => x - y);
      expect(numbers).toEqual([1, 2, 3, 4, 5, 6, 7, 8]);
      expect(new Set(added.map((a) => a.version.createdAt)).size).toBe(8);
    });

    it("finds versions by number, digest prefix and time", async () => {
      const name = unique("find");
      const v: DatasetVersion[] = [];
      for (const [seed, now] of [
        ["p", 1000],
        ["q", 2000],
        ["r", 3000],
      ] as const) {
        v.push((await store().datasets.addVersion(input(name, seed, now))).version);
      }
      const ds = store().datasets;
      expect(await ds.byNumber(name, 2)).toEqual(v[1]);
      expect(await ds.byNumber(name, 4)).toBeUndefined();
      expect(await ds.latest(name)).toEqual(v[2]);
      expect(await ds.first(name)).toEqual(v[0]);
      expect(await ds.latest(unique("none"))).toBeUndefined();
      const hex = fakeDigest("q").slice(7);
      expect(await ds.byDigestPrefix(name, hex.slice(0, 8))).toEqual([v[1]]);
      expect(await ds.byDigestPrefix(name, hex)).toEqual([v[1]]);
      expect(await ds.byDigestPrefix(name, "%")).toEqual([]);
      expect(await ds.byDigestPrefix(unique("none"), hex)).toEqual([]);
      expect(await ds.asOf(name, 999)).toBeUndefined();
      expect(await ds.asOf(name, 1000)).toEqual(v[0]);
      expect(await ds.asOf(name, 2999)).toEqual(v[1]);
      expect(await ds.asOf(name, 10_000)).toEqual(v[2]);
    });

    it("lists datasets with counts and latest versions", async () => {
      const name = unique("listed");
      await store().datasets.addVersion(input(name, "1", 10));
      const latest = (await store().datasets.addVersion(input(name, "2", 20))).version;
      const listed = (await store().datasets.list()).find((d) => d.name === name);
      expect(listed).toEqual({ name, versions: 2, latest });
      const names = (await store().datasets.list()).map((d) => d.name);
      expect(names).toEqual([...names].sort());
      expect(await store().datasets.exists(name)).toBe(true);
      expect(await store().datasets.exists(unique("none"))).toBe(false);
    });

    it("stores retention rules and deletes version records without reusing numbers", async () => {
      const name = unique("kept");
      for (const seed of ["1", "2", "3"]) {
        await store().datasets.addVersion(input(name, seed, 10));
      }
      expect(await store().datasets.setRetention(name, { keepLast: 1 })).toEqual({ keepLast: 1 });
      const rules = await store().datasets.retentions();
      expect(rules.find((r) => r.name === name)).toEqual({ name, retention: { keepLast: 1 } });
      await store().datasets.setRetention(name, { keepWithinDays: 3, keepLast: 2 });
      expect((await store().datasets.retentions()).find((r) => r.name === name)).toEqual({
        name,
        retention: { keepLast: 2, keepWithinDays: 3 },
      });
      await store().datasets.setRetention(name, {});
      expect((await store().datasets.retentions()).find((r) => r.name === name)).toBeUndefined();
      await expect(store().datasets.setRetention(unique("none"), { keepLast: 1 })).rejects.toThrow(
        NotFoundError,
      );

      expect(await store().datasets.deleteVersions(name, [1, 3, 99])).toBe(2);
      expect(await store().datasets.deleteVersions(name, [])).toBe(0);
      expect((await store().datasets.versions(name)).map((v) => v.number)).toEqual([2]);
      const next = await store().datasets.addVersion(input(name, "4", 5));
      expect(next.version.number).toBe(4);
      expect(next.version.createdAt).toBeGreaterThan(12);
    });

    it("pages through every version and reports versions runs used", async () => {
      const name = unique("all");
      for (let i = 0; i < 5; i++) await store().datasets.addVersion(input(name, `all${i}`, i));
      const mine = (await collect(store().datasets.allVersions())).filter((v) => v.name === name);
      expect(mine.map((v) => v.number)).toEqual([1, 2, 3, 4, 5]);

      const e = await newExperiment(store());
      const run = await newRun(store(), { experimentId: e.id });
      const use = { kind: "dataset" as const, name, version: "v2", digest: fakeDigest("all1") };
      await store().runs.addIo(run.id, "input", [{ ...use, context: "training" }]);
      await store().runs.addIo(run.id, "output", [
        { kind: "model", name: "m", version: "1", digest: fakeDigest("model"), context: "" },
      ]);
      const used = await store().datasets.usedByRuns();
      expect(used).toContainEqual({ name, digest: fakeDigest("all1") });
      expect(used.find((u) => u.digest === fakeDigest("model"))).toBeUndefined();
    });
  });
}
