import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { moveToUndo } from "../../src/domain/model-rules.js";
import { diffManifests } from "../../ui/src/features/datasets/components/diff-manifests.js";
import { layeredLayout } from "../../ui/src/features/lineage/components/layered-layout.js";
import { moveToUndo as uiMoveToUndo } from "../../ui/src/features/models/components/rollback-target.js";
import { parallelAxes } from "../../ui/src/features/sweeps/components/parallel-axes.js";

/** The pure parts of the pages, checked without a browser. */

const file = (path: string, digests: string[], mode = 0o644) => ({
  path,
  size: digests.length * 10,
  mode,
  chunks: digests.map((digest) => ({ digest, size: 10 })),
});
const manifest = (files: ReturnType<typeof file>[]) => ({ format: "lockstep-manifest/1", files });

describe("diffManifests", () => {
  it("sorts files into added, removed, changed and unchanged", () => {
    const from = manifest([file("a", ["1"]), file("b", ["2"]), file("c", ["3"]), file("d", ["4"])]);
    const to = manifest([
      file("a", ["1"]),
      file("b", ["2", "5"]),
      file("c", ["3"], 0o755),
      file("e", []),
    ]);
    const diff = diffManifests(from, to);
    expect(diff.added.map((f) => f.path)).toEqual(["e"]);
    expect(diff.removed.map((f) => f.path)).toEqual(["d"]);
    expect(diff.changed.map((c) => c.path)).toEqual(["b", "c"]);
    expect(diff.unchanged).toBe(1);
  });

  it("accounts for every path exactly once, and finds nothing between a manifest and itself", () => {
    const files = fc.uniqueArray(
      fc.record({
        path: fc.string({ minLength: 1 }),
        digests: fc.array(fc.constantFrom("x", "y")),
      }),
      { selector: (f) => f.path },
    );
    fc.assert(
      fc.property(files, files, (a, b) => {
        const from = manifest(a.map((f) => file(f.path, f.digests)));
        const to = manifest(b.map((f) => file(f.path, f.digests)));
        const diff = diffManifests(from, to);
        const paths = new Set([...a, ...b].map((f) => f.path));
        expect(diff.added.length + diff.removed.length + diff.changed.length + diff.unchanged).toBe(
          paths.size,
        );
        const same = diffManifests(from, from);
        expect([same.added, same.removed, same.changed]).toEqual([[], [], []]);
        expect(same.unchanged).toBe(a.length);
      }),
    );
  });
});

describe("layeredLayout", () => {
  it("puts every edge's target in a column right of its source", () => {
    // Random DAGs: an edge only goes from a lower to a higher node number.
    const dag = fc
      .integer({ min: 1, max: 12 })
      .chain((n) => fc.tuple(fc.constant(n), fc.array(fc.tuple(fc.nat(n - 1), fc.nat(n - 1)))));
    fc.assert(
      fc.property(dag, ([n, pairs]) => {
        const nodes = Array.from({ length: n }, (_, i) => ({
          id: `run:${i}`,
          type: "run" as const,
          label: `r${i}`,
        }));
        const edges = pairs
          .filter(([a, b]) => a !== b)
          .map(([a, b]) => ({
            from: `run:${Math.min(a, b)}`,
            to: `run:${Math.max(a, b)}`,
            kind: "parent",
          }));
        const layout = layeredLayout(nodes, edges);
        for (const e of edges) {
          expect(layout.byId.get(e.to)?.x).toBeGreaterThan(layout.byId.get(e.from)?.x ?? 0);
        }
        const spots = new Set(layout.nodes.map((p) => `${p.x},${p.y}`));
        expect(spots.size).toBe(n);
        for (const p of layout.nodes) {
          expect(p.x).toBeLessThan(layout.width);
          expect(p.y).toBeLessThan(layout.height);
        }
      }),
    );
  });

  it("ends even on a cycle", () => {
    const nodes = ["a", "b"].map((id) => ({ id, type: "run" as const, label: id }));
    const edges = [
      { from: "a", to: "b", kind: "parent" },
      { from: "b", to: "a", kind: "parent" },
    ];
    expect(layeredLayout(nodes, edges).nodes).toHaveLength(2);
  });
});

describe("the rollback target", () => {
  it("agrees with the server's moveToUndo on any history", () => {
    const kinds = fc.array(
      fc.constantFrom("set", "delete", "rollback") as fc.Arbitrary<"set" | "delete" | "rollback">,
    );
    fc.assert(
      fc.property(kinds, (list) => {
        const history = list.map((kind, seq) => ({
          seq,
          name: "m",
          alias: "prod",
          fromVersion: seq === 0 ? null : seq,
          toVersion: kind === "delete" ? null : seq + 1,
          kind,
          user: "u",
          at: seq,
        }));
        const shuffled = [...history].reverse();
        expect(uiMoveToUndo(shuffled)).toEqual(moveToUndo(history));
      }),
    );
  });
});

describe("parallelAxes", () => {
  const trial = (index: number, params: Record<string, unknown>, objective: number | null) => ({
    index,
    attempt: 1,
    runId: null,
    status: "FINISHED" as const,
    state: "finished" as const,
    params,
    seed: 0,
    objective,
    reason: null,
    startedAt: null,
    endedAt: null,
  });

  it("makes numeric and categorical axes, then the objective, each mapped into 0..1", () => {
    const trials = [
      trial(0, { lr: 1, opt: "sgd" }, 2),
      trial(1, { lr: 3, opt: "adam" }, 1),
      trial(2, { lr: 2, opt: "sgd" }, 4),
    ];
    const axes = parallelAxes(trials, "loss");
    expect(axes.map((a) => [a.label, a.kind])).toEqual([
      ["lr", "number"],
      ["opt", "category"],
      ["loss", "number"],
    ]);
    const [lr, opt, loss] = axes;
    expect([1, 2, 3].map((v) => lr?.position(v))).toEqual([0, 0.5, 1]);
    expect(["adam", "sgd"].map((v) => opt?.position(v))).toEqual([0, 1]);
    expect(loss?.position(4)).toBe(1);
    expect(lr?.position(undefined)).toBeUndefined();
  });
});
