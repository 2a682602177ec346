/**
 * Registry search with the filter and the page in SQL (what the service does
 * now), next to the way it was done before in the same run: every model or
 * version read from the store, then filtered and sliced in memory.
 * 10,000 models with two tags each, 20,000 versions; SQLite.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { newRunId } from "../src/domain/ids.js";
import type { RegistryComparison } from "../src/domain/registry-search.js";
import { ModelRegistryService } from "../src/services/model-registry-service.js";
import { parseRegistryFilter } from "../src/services/registry-filter.js";
import type { RunService } from "../src/services/run-service.js";
import { openStore } from "../src/store/open-store.js";
import { fmt } from "./support/server-process.js";
import { timeIt } from "./support/timing.js";

const MODELS = 10_000;
const VERSIONS_PER_MODEL = 2;
const PAGE = 100;

/** The in-memory matcher the service used before the filters moved into SQL. */
function matches(value: string | undefined, c: RegistryComparison): boolean {
  if (value === undefined) return false;
  if (c.op === "=") return value === c.value;
  if (c.op === "!=") return value !== c.value;
  const body = [...c.value]
    .map((ch) => (ch === "%" ? ".*" : ch === "_" ? "." : ch.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")))
    .join("");
  return new RegExp(`^${body}$`, c.op === "ILIKE" ? "is" : "s").test(value);
}

const home = mkdtempSync(join(tmpdir(), "lockstep-bench-registry-"));
const store = await openStore(`sqlite:${join(home, "lockstep.db")}`);
try {
  const experiment = await store.experiments.create({ name: "registry-bench", now: Date.now() });
  const runId = newRunId();
  await store.runs.create({
    id: runId,
    experimentId: experiment.id,
    name: "train",
    userId: "bench",
    status: "FINISHED",
    kind: "train",
    parentId: null,
    startTime: Date.now(),
    artifactUri: "",
    tags: {},
    params: {},
  });
  for (let i = 0; i < MODELS; i++) {
    const name = `model-${String(i).padStart(5, "0")}`;
    const tags = { team: i % 2 ? "vision" : "nlp", tier: String(i % 10) };
    await store.models.createModel({ name, description: "", tags, now: i });
    for (let v = 1; v <= VERSIONS_PER_MODEL; v++) {
      await store.models.createVersion({
        name,
        runId,
        sourcePath: "model",
        source: `runs:/${runId}/model`,
        files: [{ path: "w.bin", digest: `sha256:${i}-${v}`, size: 1 }],
        digest: `sha256:v-${i}-${v}`,
        description: "",
        tags: { stage: v === VERSIONS_PER_MODEL ? "candidate" : "old" },
        userId: "bench",
        now: i,
      });
    }
  }
  // Search needs only the store; runs and blobs are not touched.
  const registry = new ModelRegistryService({
    store,
    blobs: undefined as never,
    runs: undefined as unknown as RunService,
  });

  const modelFilter = "name LIKE 'model-01%' and tags.team = 'vision'";
  const sqlModels = await timeIt(20, () =>
    registry.searchModels({ filter: modelFilter, maxResults: PAGE }),
  );
  const inMemoryModels = await timeIt(5, async () => {
    const comparisons = parseRegistryFilter(modelFilter, ["name", "tags"]);
    const all = await store.models.searchModels({ comparisons: [], offset: 0, limit: 1e9 });
    return all
      .filter((m) =>
        comparisons.every((c) => matches(c.key === "name" ? m.name : m.tags[c.key.slice(5)], c)),
      )
      .slice(0, PAGE);
  });
  const modelPage = await registry.searchModels({ filter: modelFilter, maxResults: PAGE });
  if (modelPage.items.length !== PAGE) throw new Error(`got ${modelPage.items.length} models`);
  console.log(
    `search ${fmt(MODELS)} models by name and tag, first ${PAGE}: ${sqlModels.toFixed(1)} ms (in-memory filter baseline ${inMemoryModels.toFixed(1)} ms, ${(sqlModels / inMemoryModels).toFixed(3)}x)`,
  );

  const versionFilter = "tags.stage = 'candidate' and version = '2'";
  const sqlVersions = await timeIt(20, () =>
    registry.searchVersions({ filter: versionFilter, maxResults: PAGE }),
  );
  const inMemoryVersions = await timeIt(5, async () => {
    const comparisons = parseRegistryFilter(versionFilter, ["name", "run_id", "version", "tags"]);
    const all = await store.models.searchVersions({ comparisons: [], offset: 0, limit: 1e9 });
    return all
      .filter((v) =>
        comparisons.every((c) =>
          matches(c.key === "version" ? String(v.version) : v.tags[c.key.slice(5)], c),
        ),
      )
      .slice(0, PAGE);
  });
  console.log(
    `search ${fmt(MODELS * VERSIONS_PER_MODEL)} versions by tag and number, first ${PAGE}: ${sqlVersions.toFixed(1)} ms (in-memory filter baseline ${inMemoryVersions.toFixed(1)} ms, ${(sqlVersions / inMemoryVersions).toFixed(3)}x)`,
  );
} finally {
  await store.close();
  rmSync(home, { recursive: true, force: true });
}
