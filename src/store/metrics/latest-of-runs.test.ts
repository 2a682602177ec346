import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  type MetricHarness,
  openPostgresHarness,
  openSqliteHarness,
} from "../../../test/support/metric-store-harness.js";
import { createTestDatabase, postgresAvailable } from "../../../test/support/postgres.js";

// In CI an unreachable PostgreSQL throws here, failing the file instead of skipping it.
const pgUp = await postgresAvailable();
const dialects: Array<[string, () => Promise<MetricHarness>, boolean]> = [
  ["sqlite", openSqliteHarness, true],
  ["postgres", async () => openPostgresHarness(await createTestDatabase()), pgUp],
];

const point = (key: string, value: number, step: number, timestamp = step) => ({
  key,
  value,
  step,
  timestamp,
});

for (const [name, open, available] of dialects) {
  describe.skipIf(!available)(`${name} latest metrics of many runs`, () => {
    let h: MetricHarness;
    beforeAll(async () => {
      h = await open();
    });
    afterAll(async () => {
      await h?.close();
    });

    it("reads every run's latest values at once, mapping each id asked for", async () => {
      const [trained, empty, other] = [await h.newRun(), await h.newRun(), await h.newRun()];
      await h.write(trained, [
        point("loss", 0.5, 1),
        point("loss", 0.25, 2),
        point("acc", Number.NaN, 2),
        point("best", Number.POSITIVE_INFINITY, 0),
      ]);
      await h.write(other, [point("acc", 0.75, 7, 70)]);
      const latest = await h.store.latestOfRuns([other, trained, empty, "unknown", trained]);
      expect([...latest.keys()]).toEqual([other, trained, empty, "unknown"]);
      expect(latest.get(trained)).toEqual([
        point("acc", Number.NaN, 2),
        point("best", Number.POSITIVE_INFINITY, 0),
        point("loss", 0.25, 2),
      ]);
      expect(latest.get(other)).toEqual([point("acc", 0.75, 7, 70)]);
      expect(latest.get(empty)).toEqual([]);
      expect(latest.get("unknown")).toEqual([]);
      // The same answer as reading the runs one by one.
      for (const id of [trained, other, empty]) {
        expect(latest.get(id)).toEqual(await h.store.latest(id));
      }
      expect((await h.store.latestOfRuns([])).size).toBe(0);
    });

    it("reads more runs than one query may bind", async () => {
      const run = await h.newRun();
      await h.write(run, [point("acc", 0.5, 1)]);
      const ids = Array.from({ length: 12_000 }, (_, i) => `missing-${i}`);
      ids.splice(11_000, 0, run);
      const latest = await h.store.latestOfRuns(ids);
      expect(latest.size).toBe(12_001);
      expect(latest.get(run)).toEqual([point("acc", 0.5, 1)]);
    });
  });
}
