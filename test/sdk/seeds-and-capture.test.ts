import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { deriveSeed, seededGenerator } from "../../src/capture/seeds.js";
import { Lockstep, type RunHandle } from "../../src/index.js";
import { startTestServer, type TestServer } from "./test-server.js";

let server: TestServer;
let scratch: string;
let ls: Lockstep;

beforeAll(async () => {
  server = await startTestServer();
  scratch = mkdtempSync(join(tmpdir(), "lockstep-seeds-"));
  ls = new Lockstep({ trackingUri: server.url, spoolDir: join(scratch, "spool") });
});

afterAll(async () => {
  await ls.close({ timeoutMs: 1000 });
  await server.close();
  rmSync(scratch, { recursive: true, force: true });
});

type StoredSeed = { root: number; source: string; algorithm: string; derived: object };

async function storedCapture(run: RunHandle): Promise<Record<string, unknown> | undefined> {
  return (await ls.getRun(run.id)).capture;
}

function draw(next: () => number, count: number): number[] {
  return Array.from({ length: count }, () => next());
}

describe("run.random(label)", () => {
  it("gives the same stream for the same seed and label, another for another seed", async () => {
    const a = await ls.startRun({ experiment: "seeds", seed: 7, capture: false });
    const b = await ls.startRun({ experiment: "seeds", seed: 7, capture: false });
    const c = await ls.startRun({ experiment: "seeds", seed: 8, capture: false });
    const streamA = draw(a.random("init").next, 1000);
    expect(draw(b.random("init").next, 1000)).toEqual(streamA);
    expect(draw(c.random("init").next, 1000)).not.toEqual(streamA);
    // Another label under the same root is another stream.
    expect(draw(a.random("dropout").next, 1000)).not.toEqual(streamA);
    // The values docs/seeds.md publishes.
    expect(draw(a.random("init").next, 3)).toEqual([
      0.9162247698815127, 0.5933873853807612, 0.3486237132171809,
    ]);
    await Promise.all([a.end(), b.end(), c.end()]);
  });

  it("hands out the derived seed of docs/seeds.md and a generator for pure-rand's distributions", async () => {
    const run = await ls.startRun({ seed: 7, capture: false });
    const gen = run.random("data-shuffle");
    expect(gen.seed).toBe(904716520);
    expect(gen.rng.next()).toBe(seededGenerator(7, "data-shuffle").rng.next());
    expect(run.derivedSeeds()).toEqual({ "data-shuffle": 904716520 });
    await run.end();
  });

  it("refuses a label that is not a string, and any call after end()", async () => {
    const run = await ls.startRun({ capture: false });
    expect(() => run.random(3 as unknown as string)).toThrow(TypeError);
    await run.end();
    expect(() => run.random("init")).toThrow(/has ended/);
  });
});

describe("seed recording", () => {
  it("records the given root seed as param, tag and capture.seed with every derived seed", async () => {
    const run = await ls.startRun({ experiment: "seeds", seed: 7 });
    run.random("init");
    run.random("data-shuffle");
    run.random("init");
    await run.end();
    const stored = await ls.getRun(run.id);
    expect(stored.params.seed).toBe("7");
    expect(stored.tags["lockstep.seed"]).toBe("7");
    const capture = stored.capture as Record<string, unknown>;
    expect(capture.seed).toEqual({
      root: 7,
      source: "given",
      algorithm: "lockstep-seed-v1",
      derived: { init: 1817561388, "data-shuffle": 904716520 },
      determinismEnv: {},
    });
    // The code and environment were captured too, with the script as the entry point.
    const code = capture.code as { cwd: string; argv: string[]; entryPoint: string | null };
    expect(code.cwd).toBe(process.cwd());
    expect(code.entryPoint).toBe(process.argv[1]);
    expect(capture.environment).toMatchObject({ node: { version: process.version } });
    expect(stored.tags["mlflow.source.type"]).toBe("LOCAL");
  });

  it("draws a root seed when none is given and says it was drawn", async () => {
    const run = await ls.startRun({ capture: false });
    const label = "weights";
    run.random(label);
    await run.end();
    const stored = await ls.getRun(run.id);
    expect(stored.tags["lockstep.seed"]).toBe(String(run.seed));
    expect(stored.capture?.seed).toMatchObject({
      root: run.seed,
      source: "drawn",
      derived: { [label]: deriveSeed(run.seed, label) },
    });
  });

  it("sends derived seeds handed out after a flush, keeping the rest of the capture", async () => {
    const run = await ls.startRun({ seed: 11 });
    run.random("early");
    await run.flush();
    const first = await storedCapture(run);
    expect((first?.seed as StoredSeed | undefined)?.derived).toEqual({
      early: deriveSeed(11, "early"),
    });
    expect(first?.code).toBeDefined();
    run.random("late");
    await run.end();
    const last = await storedCapture(run);
    expect((last?.seed as StoredSeed | undefined)?.derived).toEqual({
      early: deriveSeed(11, "early"),
      late: deriveSeed(11, "late"),
    });
    expect(last?.code).toEqual(first?.code);
    expect(last?.environment).toEqual(first?.environment);
  });

  it("with capture: false records no code or environment, and no capture without derived seeds", async () => {
    const quiet = await ls.startRun({ seed: 3, capture: false });
    await quiet.end();
    const stored = await ls.getRun(quiet.id);
    expect(stored.capture ?? {}).toEqual({});
    expect(stored.tags["mlflow.source.name"]).toBeUndefined();
    expect(stored.tags["lockstep.seed"]).toBe("3");

    const seeded = await ls.startRun({ seed: 3, capture: false });
    seeded.random("init");
    await seeded.end();
    expect(await storedCapture(seeded)).toEqual({
      version: 1,
      seed: {
        root: 3,
        source: "given",
        algorithm: "lockstep-seed-v1",
        derived: { init: deriveSeed(3, "init") },
        determinismEnv: {},
      },
    });
  });

  it("refuses root seeds outside 0..2^32-1 before calling the server", async () => {
    const before = (await ls.api.searchRuns({})).items.length;
    await expect(ls.startRun({ seed: 2 ** 32 })).rejects.toThrow(/up to 4294967295/);
    await expect(ls.startRun({ seed: 1.5 })).rejects.toThrow(/non-negative integer/);
    await expect(ls.startRun({ seed: -1 })).rejects.toThrow(/non-negative integer/);
    expect((await ls.api.searchRuns({})).items.length).toBe(before);
  });
});

describe("deterministicMathRandom", () => {
  it("seeds Math.random for the run, records its seed, and puts the original back at end()", async () => {
    const original = Math.random;
    const run = await ls.startRun({ seed: 42, capture: false, deterministicMathRandom: true });
    const expected = seededGenerator(42, "Math.random");
    expect(draw(Math.random, 100)).toEqual(draw(expected.next, 100));
    await run.end();
    expect(Math.random).toBe(original);
    expect((await storedCapture(run))?.seed).toMatchObject({
      derived: { "Math.random": 3020479916 },
    });
  });

  it("lets only one run at a time hold Math.random", async () => {
    const original = Math.random;
    const first = await ls.startRun({ seed: 1, capture: false, deterministicMathRandom: true });
    const before = (await ls.api.searchRuns({})).items.length;
    await expect(
      ls.startRun({ seed: 2, capture: false, deterministicMathRandom: true }),
    ).rejects.toThrow(new RegExp(`already deterministic for run ${first.id}`));
    expect((await ls.api.searchRuns({})).items.length).toBe(before);
    await first.end();
    expect(Math.random).toBe(original);
    const second = await ls.startRun({ seed: 2, capture: false, deterministicMathRandom: true });
    expect(Math.random()).toBe(seededGenerator(2, "Math.random").next());
    await second.end();
    expect(Math.random).toBe(original);
  });

  it("leaves Math.random alone by default", async () => {
    const original = Math.random;
    const run = await ls.startRun({ seed: 42, capture: false });
    expect(Math.random).toBe(original);
    await run.end();
  });
});
