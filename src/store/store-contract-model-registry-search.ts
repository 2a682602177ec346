import { describe, expect, it } from "vitest";
import type { RegistryComparison } from "../domain/registry-search.js";
import type { MetadataStore } from "./metadata-store.js";
import {
  newExperiment,
  newRun,
  type OpenStore,
  unique,
  useStore,
} from "./store-contract-fixtures.js";

/**
 * Registry search as the store runs it in SQL: the same answers on every
 * dialect, with MLflow's semantics (LIKE case-sensitive, ILIKE not, `%` and
 * `_` the only wildcards, a missing tag matching no comparison). Every search
 * is narrowed to this test's unique prefix, since the database may be shared.
 */
export function describeModelSearch(open: OpenStore): void {
  describe("model registry search", () => {
    const store = useStore(open);
    const all = { offset: 0, limit: 1000 };

    function where(prefix: string, ...rest: [string, RegistryComparison["op"], string][]) {
      return [
        { key: "name", op: "LIKE" as const, value: `${prefix}%` },
        ...rest.map(([key, op, value]) => ({ key, op, value })),
      ];
    }

    async function modelNames(s: MetadataStore, comparisons: RegistryComparison[], page = all) {
      return (await s.models.searchModels({ comparisons, ...page })).map((m) => m.name);
    }

    it("filters and pages models by name and tags", async () => {
      const s = store();
      const p = unique("ms");
      const names = [`${p}-Alpha`, `${p}-alpha`, `${p}-beta_1`, `${p}-betaX1`, `${p}-be[ta]*`];
      const teams: Record<string, string> = { [`${p}-Alpha`]: "Vision", [`${p}-alpha`]: "vision" };
      for (const name of names) {
        const team = teams[name];
        await s.models.createModel({
          name,
          description: "",
          tags: team ? { team } : {},
          now: 1,
        });
      }
      expect(new Set(await modelNames(s, where(p)))).toEqual(new Set(names));
      expect(await modelNames(s, where(p, ["name", "=", `${p}-alpha`]))).toEqual([`${p}-alpha`]);
      expect(await modelNames(s, where(p, ["name", "!=", `${p}-alpha`]))).toHaveLength(4);
      // LIKE is case-sensitive, ILIKE is not.
      expect(await modelNames(s, where(p, ["name", "LIKE", `${p}-alpha`]))).toEqual([`${p}-alpha`]);
      expect(new Set(await modelNames(s, where(p, ["name", "ILIKE", `${p}-ALPHA`])))).toEqual(
        new Set([`${p}-Alpha`, `${p}-alpha`]),
      );
      // `_` is one character; other pattern characters are literal.
      expect(new Set(await modelNames(s, where(p, ["name", "LIKE", `${p}-beta_1`])))).toEqual(
        new Set([`${p}-beta_1`, `${p}-betaX1`]),
      );
      expect(await modelNames(s, where(p, ["name", "LIKE", `${p}-be[ta]%`]))).toEqual([
        `${p}-be[ta]*`,
      ]);
      // Tags: a model without the tag matches neither = nor !=.
      expect(await modelNames(s, where(p, ["tags.team", "=", "vision"]))).toEqual([`${p}-alpha`]);
      expect(await modelNames(s, where(p, ["tags.team", "!=", "vision"]))).toEqual([`${p}-Alpha`]);
      expect(new Set(await modelNames(s, where(p, ["tags.team", "ILIKE", "VIS%"])))).toEqual(
        new Set([`${p}-Alpha`, `${p}-alpha`]),
      );
      expect(await modelNames(s, where(p, ["tags.nope", "!=", "x"]))).toEqual([]);

      // Pages follow one order and together hold every match once.
      const order = await modelNames(s, where(p));
      const pages = [
        await modelNames(s, where(p), { offset: 0, limit: 2 }),
        await modelNames(s, where(p), { offset: 2, limit: 2 }),
        await modelNames(s, where(p), { offset: 4, limit: 2 }),
      ];
      expect(pages.map((page) => page.length)).toEqual([2, 2, 1]);
      expect(pages.flat()).toEqual(order);
      const [hydrated] = await s.models.searchModels({
        comparisons: where(p, ["name", "=", `${p}-alpha`]),
        ...all,
      });
      expect(hydrated).toMatchObject({
        tags: { team: "vision" },
        aliases: {},
        latestVersion: null,
      });
    });

    it("filters and pages versions by name, run, version and tags, newest first", async () => {
      const s = store();
      const p = unique("vs");
      const experiment = await newExperiment(s);
      const runA = await newRun(s, { experimentId: experiment.id });
      const runB = await newRun(s, { experimentId: experiment.id });
      for (const name of [`${p}-m`, `${p}-n`]) {
        await s.models.createModel({ name, description: "", tags: {}, now: 1 });
      }
      const register = (name: string, runId: string, tags: Record<string, string>) =>
        s.models.createVersion({
          name,
          runId,
          sourcePath: "model",
          source: `runs:/${runId}/model`,
          files: [{ path: "w", digest: unique("sha256:w"), size: 1 }],
          digest: unique("sha256:v"),
          description: "",
          tags,
          userId: "ada",
          now: 2,
        });
      for (let n = 1; n <= 11; n++) await register(`${p}-m`, runA.id, { n: String(n) });
      await register(`${p}-n`, runB.id, { stage: "candidate" });
      await s.models.setAlias({ name: `${p}-m`, alias: "prod", version: 10, user: "u", now: 3 });

      const versions = async (comparisons: RegistryComparison[], page = all) =>
        (await s.models.searchVersions({ comparisons, ...page })).map(
          (v) => `${v.name.slice(p.length + 1)}/${v.version}`,
        );
      const m = (...numbers: number[]) => numbers.map((n) => `m/${n}`);
      expect(await versions(where(p))).toEqual([...m(11, 10, 9, 8, 7, 6, 5, 4, 3, 2, 1), "n/1"]);
      expect(await versions(where(p, ["run_id", "=", runB.id]))).toEqual(["n/1"]);
      // Versions compare as text, as MLflow clients send them.
      expect(await versions(where(p, ["version", "=", "10"]))).toEqual(m(10));
      expect(await versions(where(p, ["version", "LIKE", "1%"]))).toEqual(
        m(11, 10, 1).concat("n/1"),
      );
      expect(await versions(where(p, ["name", "=", `${p}-m`], ["version", "!=", "1"]))).toEqual(
        m(11, 10, 9, 8, 7, 6, 5, 4, 3, 2),
      );
      expect(await versions(where(p, ["tags.n", "=", "2"]))).toEqual(m(2));
      expect(await versions(where(p, ["tags.stage", "LIKE", "cand%"]))).toEqual(["n/1"]);
      expect(await versions(where(p, ["tags.stage", "!=", "x"]))).toEqual(["n/1"]);

      const pages = [0, 5, 10].map((offset) => versions(where(p), { offset, limit: 5 }));
      expect((await Promise.all(pages)).flat()).toEqual(await versions(where(p)));
      const [aliased] = await s.models.searchVersions({
        comparisons: where(p, ["version", "=", "10"]),
        ...all,
      });
      expect(aliased).toMatchObject({ aliases: ["prod"], tags: { n: "10" }, runId: runA.id });
      expect(aliased?.files).toBeUndefined();
    });
  });
}
