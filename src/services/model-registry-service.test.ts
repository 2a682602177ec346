import type { Readable } from "node:stream";
import { expect, it } from "vitest";
import { describeOnEachStore, sha256, unique } from "../../test/support/registry-harness.js";
import { BadRequestError, ConflictError, NotFoundError } from "../domain/errors.js";
import { newRunId } from "../domain/ids.js";
import { quote } from "./key-rules.js";
import { modelVersionDigests } from "./model-registry-service.js";

type ErrorType = abstract new (...args: never[]) => Error;

async function text(stream: Readable): Promise<string> {
  const parts: Buffer[] = [];
  for await (const part of stream) parts.push(Buffer.from(part));
  return Buffer.concat(parts).toString("utf8");
}

// Registration, numbering, deletion and names; aliases are in model-registry-aliases.test.ts.
describeOnEachStore("ModelRegistryService", (registry) => {
  const runWith = (files: Record<string, string>) => registry().runWith(files);
  const modelWithVersions = (count: number) => registry().modelWithVersions(count);

  async function modelOutputs(runId: string) {
    const run = await registry().tracking.runs.get(runId);
    return run.outputs.filter((o) => o.kind === "model");
  }

  it("registers a run's folder as a version whose files are pinned by digest", async () => {
    const { models, tracking, store, clock } = registry();
    const name = unique("digits");
    const runId = await runWith({
      "model/w.bin": "weights",
      "model/cfg/a.json": "{}",
      // Siblings whose names start like the folder's are not part of it.
      "model-old/w.bin": "old",
      modelx: "x",
    });
    clock.now = Date.UTC(2026, 10, 2, 9);
    const version = await models.registerVersion({
      name,
      runId,
      path: "model/",
      description: "first",
      tags: { data: "digits@v1" },
      userId: "ada",
      createModel: true,
    });
    expect(version).toMatchObject({
      name,
      version: 1,
      runId,
      sourcePath: "model",
      source: `runs:/${runId}/model`,
      description: "first",
      tags: { data: "digits@v1" },
      userId: "ada",
      status: "READY",
      createdAt: clock.now,
    });
    const files = (await models.getVersion(name, 1)).files ?? [];
    expect([...files].sort((a, b) => a.path.localeCompare(b.path))).toEqual([
      { path: "cfg/a.json", digest: sha256("{}"), size: 2 },
      { path: "w.bin", digest: sha256("weights"), size: 7 },
    ]);
    // The version's digest covers its sorted (path, file digest) list.
    expect(version.digest).toBe(
      sha256(`cfg/a.json\0${sha256("{}")}\nw.bin\0${sha256("weights")}\n`),
    );
    expect(await modelOutputs(runId)).toEqual([
      { kind: "model", name, version: "1", digest: version.digest, context: "registered" },
    ]);

    // Pinned: the run's artifact may be replaced or deleted, the version keeps its bytes.
    await tracking.artifacts.put(runId, "model/w.bin", new TextEncoder().encode("changed"));
    await tracking.artifacts.delete(runId, "model/cfg");
    const pinned: string[] = [];
    for await (const digest of modelVersionDigests(store)) pinned.push(digest);
    expect(pinned).toEqual(expect.arrayContaining([sha256("weights"), sha256("{}")]));
    const opened = await models.openFile(name, 1, "w.bin");
    expect(opened.file).toEqual({ path: "w.bin", digest: sha256("weights"), size: 7 });
    expect(await text(opened.stream)).toBe("weights");
    expect(await text((await models.openFile(name, 1, "cfg/a.json")).stream)).toBe("{}");
  });

  it("registers a single file under its base name, or the whole run from the root", async () => {
    const { models } = registry();
    const name = unique("whole");
    const runId = await runWith({ "out/model.pkl": "pickle", "notes.txt": "n" });
    const single = await models.registerVersion({
      name,
      runId,
      path: "out/model.pkl",
      createModel: true,
    });
    expect((await models.getVersion(name, single.version)).files).toEqual([
      { path: "model.pkl", digest: sha256("pickle"), size: 6 },
    ]);
    const whole = await models.registerVersion({ name, runId, path: "" });
    expect(whole).toMatchObject({ version: 2, sourcePath: "", source: `runs:/${runId}/` });
    const paths = (await models.getVersion(name, 2)).files?.map((f) => f.path).sort();
    expect(paths).toEqual(["notes.txt", "out/model.pkl"]);
  });

  it("refuses a missing run, a path that is not among its artifacts, or a bad path, storing nothing", async () => {
    const { models, store } = registry();
    const name = unique("refused");
    const runId = await runWith({ "model/w.bin": "w" });
    const ghost = newRunId();
    const attempts: Array<[{ runId: string; path: string }, ErrorType, string]> = [
      [{ runId: ghost, path: "model" }, NotFoundError, `run "${ghost}" not found`],
      [{ runId: "not-a-run", path: "model" }, NotFoundError, 'run "not-a-run" not found'],
      [{ runId, path: "missing" }, NotFoundError, `run ${runId} has no artifact at "missing"`],
      // A prefix of a folder's name is not that folder.
      [{ runId, path: "mode" }, NotFoundError, `run ${runId} has no artifact at "mode"`],
      [{ runId, path: "model/w" }, NotFoundError, `run ${runId} has no artifact at "model/w"`],
      [{ runId, path: "../model" }, BadRequestError, ""],
    ];
    for (const [input, type, message] of attempts) {
      const registering = models.registerVersion({ name, ...input, createModel: true });
      await expect(registering, input.path).rejects.toThrow(type);
      if (message) await expect(registering).rejects.toThrow(message);
    }
    expect(await store.models.getModel(name)).toBeUndefined();
    expect(await modelOutputs(runId)).toEqual([]);

    // Into an existing model: no version is added.
    await models.registerVersion({ name, runId, path: "model", createModel: true });
    for (const [input, type] of attempts) {
      await expect(models.registerVersion({ name, ...input })).rejects.toThrow(type);
    }
    expect((await models.listVersions(name)).map((v) => v.version)).toEqual([1]);
    expect((await models.getModel(name)).latestVersion).toBe(1);
    expect((await modelOutputs(runId)).map((o) => o.version)).toEqual(["1"]);

    // Without createModel a missing model is an error, not created on the way.
    const absent = unique("absent");
    await expect(models.registerVersion({ name: absent, runId, path: "model" })).rejects.toThrow(
      `registered model "${absent}" not found`,
    );
    expect(await store.models.getModel(absent)).toBeUndefined();
  });

  it("numbers versions 1, 2, 3 per model, also when registrations race to create it", async () => {
    const { models } = registry();
    const [a, b] = [unique("a"), unique("b")];
    const runId = await runWith({ "m/w.bin": "w" });
    const numbers: Record<string, number[]> = { [a]: [], [b]: [] };
    for (const name of [a, b, a, b, a, b]) {
      const v = await models.registerVersion({ name, runId, path: "m", createModel: true });
      numbers[name]?.push(v.version);
    }
    expect(numbers).toEqual({ [a]: [1, 2, 3], [b]: [1, 2, 3] });
    expect((await models.getModel(a)).latestVersion).toBe(3);

    // Parallel first registrations: one creates the model, none fails, no number repeats.
    const raced = unique("raced");
    const versions = await Promise.all(
      Array.from({ length: 8 }, () =>
        models.registerVersion({ name: raced, runId, path: "m", createModel: true }),
      ),
    );
    expect(versions.map((v) => v.version).sort((x, y) => x - y)).toEqual([1, 2, 3, 4, 5, 6, 7, 8]);
    expect((await models.listVersions(raced)).length).toBe(8);
  });

  it("refuses to delete a version an alias points to until the alias moves", async () => {
    const { models } = registry();
    const name = await modelWithVersions(2);
    await models.setAlias({ name, alias: "production", version: 1 });
    await models.setAlias({ name, alias: "champion", version: 1 });
    const refused = models.deleteVersion(name, 1);
    await expect(refused).rejects.toThrow(ConflictError);
    await expect(refused).rejects.toThrow(
      `version 1 of model "${name}" is pointed at by alias "champion", "production"; move the alias first`,
    );
    await models.setAlias({ name, alias: "production", version: 2 });
    await expect(models.deleteVersion(name, 1)).rejects.toThrow(/alias "champion";/);
    expect((await models.listVersions(name)).map((v) => v.version)).toEqual([2, 1]);

    await models.deleteAlias({ name, alias: "champion" });
    await models.deleteVersion(name, 1);
    expect((await models.listVersions(name)).map((v) => v.version)).toEqual([2]);
    await expect(models.getVersion(name, 1)).rejects.toThrow(`model "${name}" has no version 1`);
    await expect(models.deleteVersion(name, 1)).rejects.toThrow(NotFoundError);
    // The deleted number is not handed out again.
    const runId = (await models.getVersion(name, 2)).runId;
    expect((await models.registerVersion({ name, runId, path: "m" })).version).toBe(3);

    // A model goes with its aliases.
    await models.deleteModel(name);
    await expect(models.getModel(name)).rejects.toThrow(`registered model "${name}" not found`);
    await expect(models.resolve(`models:/${name}@production`)).rejects.toThrow(NotFoundError);
  });

  it("applies MLflow's name limits and reserved alias names", async () => {
    const { models, store } = registry();
    const runId = await runWith({ "m/w.bin": "w" });
    const badNames: Array<[string, string]> = [
      ["", "must not be empty"],
      ["   ", "must not be empty"],
      ["n".repeat(257), "must be at most 256 characters (got 257)"],
      ["a/b", "must not contain '/', ':', '@' or '%'"],
      ["a:b", "must not contain '/', ':', '@' or '%'"],
      ["a@b", "must not contain '/', ':', '@' or '%'"],
      ["a%b", "must not contain '/', ':', '@' or '%'"],
    ];
    for (const [name, problem] of badNames) {
      const message = `invalid model name ${quote(name)}: ${problem}`;
      await expect(models.createModel({ name })).rejects.toThrow(message);
      const registering = models.registerVersion({ name, runId, path: "m", createModel: true });
      await expect(registering).rejects.toThrow(BadRequestError);
      expect(await store.models.getModel(name)).toBeUndefined();
    }
    expect(await modelOutputs(runId)).toEqual([]);

    const longest = unique("long").padEnd(256, "n");
    const spaced = unique("Digits Classifier (v2)");
    for (const name of [longest, spaced]) {
      await models.registerVersion({ name, runId, path: "m", createModel: true });
      expect((await models.getModel(name)).latestVersion).toBe(1);
    }
    await expect(models.renameModel(spaced, "a/b")).rejects.toThrow(BadRequestError);
    expect((await models.getModel(spaced)).name).toBe(spaced);

    const badAliases: Array<[string, string]> = [
      ["latest", "is reserved"],
      ["LATEST", "is reserved"],
      ["Latest", "is reserved"],
      ["v1", "is reserved"],
      ["V42", "is reserved"],
      ["v007", "is reserved"],
      ["", "must not be empty"],
      ["a".repeat(256), "must be at most 255 characters (got 256)"],
      ["has space", "may contain only letters, digits, '_' and '-'"],
      ["dot.ted", "may contain only letters, digits, '_' and '-'"],
    ];
    for (const [alias, problem] of badAliases) {
      const setting = models.setAlias({ name: spaced, alias, version: 1 });
      await expect(setting).rejects.toThrow(BadRequestError);
      await expect(setting).rejects.toThrow(`invalid alias ${quote(alias)}: ${problem}`);
    }
    const goodAliases = ["v", "v1a", "version1", "latest-prod", "prod_2-b", "a".repeat(255)];
    for (const alias of goodAliases) await models.setAlias({ name: spaced, alias, version: 1 });
    expect(Object.keys((await models.getModel(spaced)).aliases).sort()).toEqual(
      [...goodAliases].sort(),
    );
    // `@latest` still names the newest version, never a stored alias.
    expect((await models.resolve(`models:/${spaced}@latest`)).version).toBe(1);
  });
});
