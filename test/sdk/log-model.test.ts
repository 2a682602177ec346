import { createHash } from "node:crypto";
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { Lockstep, LockstepApiError } from "../../src/index.js";
import { ModelsApi } from "../../src/sdk/models-api.js";
import { startTestServer, type TestServer } from "./test-server.js";

let server: TestServer;
let scratch: string;
let ls: Lockstep;
let models: ModelsApi;

beforeAll(async () => {
  server = await startTestServer();
  scratch = mkdtempSync(join(tmpdir(), "lockstep-log-model-"));
  ls = new Lockstep({ trackingUri: server.url, spoolDir: join(scratch, "spool") });
  models = new ModelsApi(ls.api);
});

afterAll(async () => {
  await ls.close({ timeoutMs: 1000 });
  await server.close();
  rmSync(scratch, { recursive: true, force: true });
});

const sha = (text: string) => `sha256:${createHash("sha256").update(text).digest("hex")}`;

/** A model folder: weights at the top, a config one level down. */
function modelFolder(name: string, weights: string): string {
  const dir = join(scratch, name);
  mkdirSync(join(dir, "cfg"), { recursive: true });
  writeFileSync(join(dir, "weights.bin"), weights);
  writeFileSync(join(dir, "cfg", "params.json"), '{"depth":4}');
  return dir;
}

async function artifactPaths(runId: string, folder: string): Promise<string[]> {
  const body = await ls.api.http.json<{ files: { path: string; isDir: boolean }[] }>({
    method: "GET",
    path: `/api/v1/runs/${runId}/artifacts?path=${encodeURIComponent(folder)}`,
  });
  return body.files.map((f) => f.path);
}

describe("run.logModel", () => {
  it("uploads a folder under model/ and registers it as versions 1 and 2, pinned to each run", async () => {
    const first = await ls.startRun({ experiment: "log-model", name: "first" });
    const logged = await first.logModel(modelFolder("m1", "w-one"), {
      register: "sdk-clf",
      description: "baseline",
      tags: { framework: "none" },
    });
    await first.end();
    expect(logged.artifactPath).toBe("model");
    expect(logged.artifacts.map((a) => [a.path, a.digest])).toEqual([
      ["model/cfg/params.json", sha('{"depth":4}')],
      ["model/weights.bin", sha("w-one")],
    ]);
    expect(logged.version).toMatchObject({
      name: "sdk-clf",
      version: 1,
      runId: first.id,
      sourcePath: "model",
      description: "baseline",
      tags: { framework: "none" },
      files: [
        { path: "cfg/params.json", digest: sha('{"depth":4}'), size: 11 },
        { path: "weights.bin", digest: sha("w-one"), size: 5 },
      ],
    });
    expect(await artifactPaths(first.id, "model")).toEqual(["model/cfg", "model/weights.bin"]);

    const second = await ls.startRun({ experiment: "log-model", name: "second" });
    const again = await second.logModel(modelFolder("m2", "w-two"), { register: "sdk-clf" });
    await second.end();
    expect(again.version?.version).toBe(2);
    expect(again.version?.digest).not.toBe(logged.version?.digest);

    // What the registry holds, read back through another client: each version's own run and bytes.
    const listed = await models.versions("sdk-clf");
    expect(listed.map((v) => [v.version, v.runId])).toEqual([
      [2, second.id],
      [1, first.id],
    ]);
    const out = join(scratch, "downloaded");
    await models.download(await models.resolve("models:/sdk-clf/1"), out);
    expect(readFileSync(join(out, "weights.bin"), "utf8")).toBe("w-one");
    expect((await ls.getRun(first.id)).outputs).toEqual([
      {
        kind: "model",
        name: "sdk-clf",
        version: "1",
        digest: logged.version?.digest,
        context: "registered",
      },
    ]);
  });

  it("uploads a single file under its name in the given folder, and registers nothing unasked", async () => {
    const run = await ls.startRun({ experiment: "log-model", name: "file" });
    const file = join(scratch, "model.pkl");
    writeFileSync(file, "pickled");
    const logged = await run.logModel(file, { artifactPath: "out/clf/" });
    await run.end();
    expect(logged).toEqual({
      artifactPath: "out/clf",
      artifacts: [{ path: "out/clf/model.pkl", size: 7, digest: sha("pickled") }],
    });
    expect(await artifactPaths(run.id, "out/clf")).toEqual(["out/clf/model.pkl"]);
    expect((await ls.getRun(run.id)).outputs).toEqual([]);
    expect(await models.list()).not.toContainEqual(expect.objectContaining({ name: "file" }));
  });

  it("refuses bad input before storing anything", async () => {
    // Without capture the run has no artifacts of its own, so any stray upload would show.
    const run = await ls.startRun({ experiment: "log-model", name: "bad", capture: false });
    const dir = modelFolder("m-bad", "w");
    await expect(run.logModel(dir, { register: "a/b" })).rejects.toThrow(
      /invalid model name 'a\/b': must not contain '\/'/,
    );
    await expect(run.logModel(dir, { description: "no register" })).rejects.toThrow(
      /give register too/,
    );
    await expect(run.logModel(join(scratch, "missing"), { register: "ghost" })).rejects.toThrow(
      /ENOENT/,
    );
    const empty = join(scratch, "empty");
    mkdirSync(empty);
    await expect(run.logModel(empty, { register: "ghost" })).rejects.toThrow(/no files in/);
    await expect(run.logModel(dir, { register: "ghost", artifactPath: "x/../y" })).rejects.toThrow(
      /invalid artifact path/,
    );
    await run.end();
    expect(await artifactPaths(run.id, "")).toEqual([]);
    const missing = await models.get("ghost").catch((e: unknown) => e);
    expect(missing).toBeInstanceOf(LockstepApiError);
    expect(missing).toMatchObject({ status: 404 });
  });
});
