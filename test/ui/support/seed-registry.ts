import { mkdirSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import { expect } from "vitest";
import { cli, type UiFixture } from "./ui-fixture.js";

export interface DatasetVersionJson {
  version: string;
  digest: string;
  createdAt: string;
  message: string | null;
  files: number;
}

export interface RegistrySeed {
  /** digits v1, v2, v3, oldest first, as the server reports them. */
  versions: DatasetVersionJson[];
  /** A UTC time (whole seconds, no zone) at which digits resolves to v2. */
  asOfV2: string;
  /** Runs: `old` read digits@v1 and registered digits-clf v1; `asof` read v2 and registered v2. */
  runs: { old: string; asof: string };
}

/** Each dataset version's files; v2 changes a.csv and adds c.csv, v3 removes b.csv. */
const CONTENTS: Record<string, string>[] = [
  { "a.csv": "x,y\n1,2\n", "b.csv": "id\n1\n" },
  { "a.csv": "x,y\n1,2\n3,4\n", "b.csv": "id\n1\n", "c.csv": "z\n9\n" },
  { "a.csv": "x,y\n1,2\n3,4\n", "c.csv": "z\n9\n" },
];
const MESSAGES = ["first cut", "more rows", "drop b"];

/**
 * The registry a page test reads: dataset `digits` in three versions (through
 * the CLI, over a second apart so whole-second times tell them apart), two
 * runs (SDK) that used v1 and "v2 as of a time", each registering a version of
 * model `digits-clf`, and alias `production` moved 1 → 2 (CLI).
 */
export async function seedRegistry(fx: UiFixture): Promise<RegistrySeed> {
  const url = fx.server.url;
  const env = { LOCKSTEP_HOME: join(fx.temp, "home") };
  const data = join(fx.temp, "digits");
  for (const [i, files] of CONTENTS.entries()) {
    if (i > 0) await sleep(1100);
    rmSync(data, { recursive: true, force: true });
    mkdirSync(data, { recursive: true });
    for (const [name, text] of Object.entries(files)) writeFileSync(join(data, name), text);
    const added = await cli(
      ["--tracking-uri", url, "data", "add", "digits", data, "-m", MESSAGES[i] ?? ""],
      { env },
    );
    expect(added.code, added.stderr).toBe(0);
  }
  const listed = await fx.server.call("GET", "/api/v1/datasets/digits/versions");
  const versions = listed.body.versions as DatasetVersionJson[];
  expect(versions.map((v) => v.version)).toEqual(["v1", "v2", "v3"]);
  const v2 = Date.parse(versions[1]?.createdAt ?? "");
  const asOfV2 = new Date(Math.ceil(v2 / 1000) * 1000).toISOString().slice(0, 19);

  const runs = { old: "", asof: "" };
  const model = join(fx.temp, "model");
  mkdirSync(model, { recursive: true });
  const cacheDir = join(fx.temp, "cache");
  for (const [key, use, acc] of [
    ["old", { version: "v1" }, 0.81],
    ["asof", { asOf: `${asOfV2}Z` }, 0.93],
  ] as const) {
    const run = await fx.ls.startRun({
      capture: false,
      experiment: "registry",
      name: `train-${key}`,
      params: { source: key },
    });
    // biome-ignore lint/correctness/useHookAtTopLevel: an SDK method, not a React hook
    await run.useDataset("digits", { ...use, cacheDir });
    run.logMetric("acc", acc);
    writeFileSync(join(model, "weights.txt"), `weights of ${key}\n`);
    await run.logModel(model, { register: "digits-clf" });
    await run.end();
    runs[key] = run.id;
  }
  await fx.ls.drainSpool();
  for (const version of ["1", "2"]) {
    const moved = await cli(
      ["--tracking-uri", url, "models", "alias", "digits-clf", "production", version],
      { env },
    );
    expect(moved.code, moved.stderr).toBe(0);
  }
  return { versions, asOfV2, runs };
}
