import { createHash, randomBytes } from "node:crypto";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, afterEach, beforeAll, beforeEach, describe } from "vitest";
import { openBlobStore } from "../../src/blobs/open-blob-store.js";
import type { ModelRegistryService } from "../../src/services/model-registry-service.js";
import { createRegistryServices } from "../../src/services/registry-services.js";
import {
  createTrackingServices,
  type TrackingServices,
} from "../../src/services/tracking-services.js";
import type { MetadataStore } from "../../src/store/metadata-store.js";
import { openStore } from "../../src/store/open-store.js";
import { createTestDatabase, postgresAvailable } from "./postgres.js";

// In CI an unreachable PostgreSQL throws here, failing the file instead of skipping it.
const postgres = await postgresAvailable();

interface Database {
  url: string;
  drop(): Promise<void>;
}

const DIALECTS: Array<{ name: string; skip: boolean; create(): Promise<Database> }> = [
  {
    name: "sqlite",
    skip: false,
    async create() {
      const dir = mkdtempSync(join(tmpdir(), "lockstep-registry-db-"));
      const drop = async () => rmSync(dir, { recursive: true, force: true });
      return { url: `sqlite:${join(dir, "meta.db")}`, drop };
    },
  },
  { name: "postgres", skip: !postgres, create: createTestDatabase },
];

/** The real registry and tracking services over a real store and blob store. */
export interface Registry {
  store: MetadataStore;
  tracking: TrackingServices;
  models: ModelRegistryService;
  /** The services' clock, in milliseconds; tests set it to check recorded times. */
  clock: { now: number };
  /** A new run holding the given artifacts (path → content). */
  runWith(files: Record<string, string>): Promise<string>;
  /** A new model (uniquely named) with `count` versions registered from one run's `m/w.bin`. */
  modelWithVersions(count: number): Promise<string>;
}

/**
 * Runs `body` once per store dialect (SQLite, and PostgreSQL when it answers):
 * one database per file and dialect, a fresh store, blob folder and clock per
 * test. Tests share the database, so they name models with `unique`.
 */
export function describeOnEachStore(title: string, body: (registry: () => Registry) => void) {
  for (const dialect of DIALECTS) {
    describe.skipIf(dialect.skip)(`${title} on ${dialect.name}`, () => {
      body(registryPerTest(dialect.create));
    });
  }
}

function registryPerTest(create: () => Promise<Database>): () => Registry {
  let database: Database | undefined;
  let blobDir: string | undefined;
  let registry: Registry | undefined;
  beforeAll(async () => {
    database = await create();
  });
  afterAll(async () => {
    await database?.drop();
  });
  beforeEach(async () => {
    if (!database) throw new Error("test database not created");
    blobDir = mkdtempSync(join(tmpdir(), "lockstep-registry-blobs-"));
    const store = await openStore(database.url);
    const blobs = await openBlobStore(blobDir);
    const clock = { now: Date.UTC(2026, 10, 1) };
    const now = () => clock.now;
    const tracking = createTrackingServices({ store, blobs, now });
    const { models } = createRegistryServices({ store, blobs, runs: tracking.runs, now });
    const runWith = async (files: Record<string, string>) => {
      const run = await tracking.runs.create({ experimentName: "registry-service" });
      for (const [path, content] of Object.entries(files)) {
        await tracking.artifacts.put(run.id, path, new TextEncoder().encode(content));
      }
      return run.id;
    };
    const modelWithVersions = async (count: number) => {
      const name = unique("model");
      const runId = await runWith({ "m/w.bin": "weights" });
      for (let i = 0; i < count; i++) {
        await models.registerVersion({ name, runId, path: "m", createModel: true });
      }
      return name;
    };
    registry = { store, tracking, models, clock, runWith, modelWithVersions };
  });
  afterEach(async () => {
    await registry?.store.close();
    if (blobDir) rmSync(blobDir, { recursive: true, force: true });
    registry = undefined;
  });
  return () => {
    if (!registry) throw new Error("registry used outside a test");
    return registry;
  };
}

export const unique = (prefix: string) => `${prefix}-${randomBytes(4).toString("hex")}`;

export const sha256 = (text: string) => `sha256:${createHash("sha256").update(text).digest("hex")}`;
