import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import SqliteDatabase from "better-sqlite3";
import fc from "fast-check";
import { Kysely, Migrator, PostgresDialect, SqliteDialect } from "kysely";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestDatabase, postgresAvailable } from "../../../test/support/postgres.js";
import { BadRequestError } from "../../domain/errors.js";
import type { ViewType } from "../../domain/experiment.js";
import { parseFilter } from "../../domain/search/filter-parser.js";
import { parseOrderBy } from "../../domain/search/order-by-parser.js";
import type { Comparison, ComparisonOp, Filter, OrderBy } from "../../domain/search-filter.js";
import type { Database } from "../database.js";
import type { RunSearch } from "../metadata-store.js";
import { migrationProvider } from "../migrations/migrations.js";
import { createPostgresPool } from "../postgres/postgres-pool.js";
import { likeToGlob, runSearchQuery } from "./run-search-query.js";

type Dialect = "sqlite" | "postgres";
interface Opened {
  db: Kysely<Database>;
  close: () => Promise<void>;
}

async function migrate(db: Kysely<Database>, dialect: Dialect): Promise<void> {
  const migrator = new Migrator({ db, provider: migrationProvider(dialect) });
  const { error } = await migrator.migrateToLatest();
  if (error) throw error;
}

async function openSqlite(): Promise<Opened & { raw: SqliteDatabase.Database }> {
  const dir = mkdtempSync(join(tmpdir(), "lockstep-run-search-"));
  const raw = new SqliteDatabase(join(dir, "meta.db"));
  raw.pragma("journal_mode = WAL");
  const db = new Kysely<Database>({ dialect: new SqliteDialect({ database: raw }) });
  await migrate(db, "sqlite");
  return {
    db,
    raw,
    close: async () => {
      await db.destroy();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

async function openPostgres(): Promise<Opened> {
  const { url, drop } = await createTestDatabase();
  const db = new Kysely<Database>({
    dialect: new PostgresDialect({ pool: createPostgresPool(url, 2) }),
  });
  await migrate(db, "postgres");
  return {
    db,
    close: async () => {
      await db.destroy();
      await drop();
    },
  };
}

interface RunSpec {
  id: string;
  exp: number;
  name: string;
  user: string;
  status: string;
  kind: string;
  parent: string | null;
  start: number;
  end: number | null;
  stage: string;
}

// biome-ignore format: one row per line
const RUNS: RunSpec[] = [
  { id: "a", exp: 1, name: "alpha", user: "ann", status: "FINISHED", kind: "train", parent: null, start: 1000, end: 2000, stage: "active" },
  { id: "b", exp: 1, name: "Beta", user: "bob", status: "RUNNING", kind: "train", parent: null, start: 3000, end: null, stage: "active" },
  { id: "c", exp: 1, name: "gamma", user: "ann", status: "FAILED", kind: "eval", parent: "a", start: 2000, end: 2500, stage: "active" },
  { id: "d", exp: 2, name: "ALPHA-2", user: "cy", status: "FINISHED", kind: "train", parent: null, start: 4000, end: 5000, stage: "active" },
  { id: "e", exp: 1, name: "deleted one", user: "ann", status: "FINISHED", kind: "train", parent: null, start: 5000, end: 6000, stage: "deleted" },
  { id: "f", exp: 1, name: "f_x", user: "bob", status: "KILLED", kind: "sweep", parent: null, start: 2000, end: 2100, stage: "active" },
];

// NaN is stored as value NULL with is_nan = 1, as the stores write it.
// biome-ignore format: one row per line
const METRICS: [string, string, number | null][] = [
  ["a", "acc", 0.9], ["a", "loss", 0.5],
  ["b", "acc", null], ["b", "loss", 0.7],
  ["c", "acc", 0.5],
  ["d", "acc", 0.95], ["d", "loss", -1],
  ["e", "acc", 0.99],
  ["f", "loss", 0.5],
];
// biome-ignore format: one row per line
const PARAMS: [string, string, string][] = [
  ["a", "lr", "0.01"], ["a", "opt", "Adam"],
  ["b", "lr", "0.1"], ["b", "opt", "adam"],
  ["c", "lr", "0.01"],
  ["d", "opt", "SGD"],
  ["f", "opt", "x*y?[z]"],
];
// biome-ignore format: one row per line
const TAGS: [string, string, string][] = [
  ["a", "team", "vision"], ["a", "mlflow.note", "Hello World"],
  ["b", "team", "Vision"],
  ["c", "team", "nlp"],
  ["d", "path", "C:\\dir_1"],
];
// biome-ignore format: one row per line
const IO: [string, string, string, string, string, string][] = [
  // run, direction, kind, name, digest, context
  ["a", "input", "dataset", "digits", "d1", "train"],
  ["a", "input", "dataset", "digits", "d1", "eval"],
  ["c", "input", "dataset", "mnist", "m1", "train"],
  ["d", "output", "dataset", "digits", "d1", "train"],
  ["b", "input", "model", "digits", "d1", "train"],
];

async function insertFixture(db: Kysely<Database>): Promise<void> {
  for (const id of [1, 2]) {
    await db
      .insertInto("experiments")
      .values({
        experiment_id: id,
        name: `exp-${id}`,
        artifact_location: "",
        lifecycle_stage: "active",
        creation_time: 0,
        last_update_time: 0,
      })
      .execute();
  }
  for (const r of RUNS) {
    await db
      .insertInto("runs")
      .values({
        run_id: r.id,
        experiment_id: r.exp,
        name: r.name,
        user_id: r.user,
        status: r.status,
        kind: r.kind,
        parent_id: r.parent,
        start_time: r.start,
        end_time: r.end,
        lifecycle_stage: r.stage,
        deleted_time: null,
        artifact_uri: `file:///art/${r.id}`,
        capture: null,
      })
      .execute();
  }
  await db
    .insertInto("latest_metrics")
    .values(
      METRICS.map(([run_id, key, value]) => ({
        run_id,
        key,
        value,
        is_nan: value === null ? 1 : 0,
        step: 0,
        timestamp: 0,
      })),
    )
    .execute();
  await db
    .insertInto("run_params")
    .values(PARAMS.map(([run_id, key, value]) => ({ run_id, key, value })))
    .execute();
  await db
    .insertInto("run_tags")
    .values(TAGS.map(([run_id, key, value]) => ({ run_id, key, value })))
    .execute();
  await db
    .insertInto("run_io")
    .values(
      IO.map(([run_id, direction, kind, name, digest, context]) => ({
        run_id,
        direction,
        kind,
        name,
        version: "1",
        digest,
        context,
      })),
    )
    .execute();
}

interface Ask {
  filter?: string | Filter;
  orderBy?: string[];
  experimentIds?: string[];
  viewType?: ViewType;
  offset?: number;
  limit?: number;
}

const pgUp = await postgresAvailable();
const DIALECTS: { dialect: Dialect; open: () => Promise<Opened>; skip: boolean }[] = [
  { dialect: "sqlite", open: openSqlite, skip: false },
  { dialect: "postgres", open: openPostgres, skip: !pgUp },
];

for (const { dialect, open, skip } of DIALECTS) {
  describe.skipIf(skip)(`runSearchQuery on ${dialect}`, () => {
    let opened: Opened;
    beforeAll(async () => {
      opened = await open();
      await insertFixture(opened.db);
    });
    afterAll(async () => opened?.close());

    async function ids(ask: Ask = {}): Promise<string[]> {
      const filter = typeof ask.filter === "string" ? parseFilter(ask.filter) : (ask.filter ?? []);
      const rows = await runSearchQuery(opened.db, dialect, {
        experimentIds: ask.experimentIds ?? [],
        filter,
        viewType: ask.viewType ?? "ACTIVE_ONLY",
        orderBy: parseOrderBy(ask.orderBy ?? []),
        offset: ask.offset ?? 0,
        limit: ask.limit ?? 100,
      }).execute();
      return rows.map((r) => r.run_id);
    }

    it("lists active runs newest first, run_id breaking ties", async () => {
      expect(await ids()).toEqual(["d", "b", "c", "f", "a"]);
    });

    const cases: [string, string[]][] = [
      ["metrics.acc > 0.8", ["d", "a"]],
      ["metrics.acc >= 0.9", ["d", "a"]],
      ["metrics.acc < 0.95", ["c", "a"]],
      ["metrics.acc <= 0.5", ["c"]],
      ["metrics.acc = 0.95", ["d"]],
      // b's acc is NaN and f has none: neither matches, not even !=.
      ["metrics.acc != 0.9", ["d", "c"]],
      ["metrics.loss = 0.5", ["f", "a"]],
      ["metrics.loss < 0", ["d"]],
      ["metrics.missing > -1e308", []],
      ["params.lr = '0.01'", ["c", "a"]],
      ["params.lr != '0.01'", ["b"]],
      ["params.opt = 'adam'", ["b"]],
      ["params.opt LIKE 'a%'", ["b"]],
      ["params.opt LIKE 'A%'", ["a"]],
      ["params.opt ILIKE 'a%'", ["b", "a"]],
      ["params.opt LIKE '_dam'", ["b", "a"]],
      ["params.opt LIKE 'x*y?[z]'", ["f"]],
      ["params.opt LIKE 'x_y_[z%'", ["f"]],
      ["params.opt LIKE '%'", ["d", "b", "f", "a"]],
      ["tags.team = 'vision'", ["a"]],
      ["tags.team != 'vision'", ["b", "c"]],
      ["tags.team LIKE 'v%'", ["a"]],
      ["tags.team ILIKE 'VISION'", ["b", "a"]],
      ["tags.`mlflow.note` LIKE '%World'", ["a"]],
      ["tags.`mlflow.note` LIKE '%world'", []],
      // A backslash is an ordinary character in patterns, as on SQLite.
      ["tags.path LIKE 'C:\\d%'", ["d"]],
      ["tags.path = 'C:\\dir_1'", ["d"]],
      ["status = 'FINISHED'", ["d", "a"]],
      ["status != 'FINISHED'", ["b", "c", "f"]],
      ["status IN ('FAILED', 'KILLED')", ["c", "f"]],
      ["status NOT IN ('FINISHED')", ["b", "c", "f"]],
      ["run_name LIKE 'alpha%'", ["a"]],
      ["run_name ILIKE 'alpha%'", ["d", "a"]],
      ["attributes.user_id = 'ann'", ["c", "a"]],
      ["attr.run_id IN ('a', 'd', 'e')", ["d", "a"]],
      ["run.kind = 'eval'", ["c"]],
      ["artifact_uri LIKE '%/f'", ["f"]],
      ["start_time >= 2000", ["d", "b", "c", "f"]],
      ["created < 2000", ["a"]],
      ["end_time > 0", ["d", "c", "f", "a"]],
      ["end_time != 5000", ["c", "f", "a"]],
      ["parent_id = 'a'", ["c"]],
      ["parent_id != 'a'", []],
      ["experiment_id = '2'", ["d"]],
      ["experiment_id != 1", ["d"]],
      ["experiment_id IN ('1')", ["b", "c", "f", "a"]],
      ["experiment_id NOT IN ('1', '3')", ["d"]],
      ["datasets.name = 'digits'", ["a"]],
      ["datasets.context = 'eval'", ["a"]],
      ["datasets.digest IN ('m1', 'zz')", ["c"]],
      ["datasets.name != 'digits'", ["c"]],
      ["datasets.name NOT IN ('digits')", ["c"]],
      ["datasets.name ILIKE 'MN%'", ["c"]],
      ["datasets.name LIKE 'MN%'", []],
      ["metrics.acc > 0.4 and params.lr = '0.01' and tags.team = 'nlp'", ["c"]],
      ["metrics.acc > 0.4 and params.lr = '0.01' and tags.team = 'vision'", ["a"]],
    ];
    it.each(cases)("filters %s", async (filter, expected) => {
      expect(await ids({ filter })).toEqual(expected);
    });

    const orders: [string[], string[]][] = [
      [["metrics.acc DESC"], ["d", "a", "c", "b", "f"]],
      [["metrics.acc"], ["c", "a", "d", "b", "f"]],
      [["metrics.loss ASC"], ["d", "a", "f", "b", "c"]],
      [["params.lr DESC"], ["b", "a", "c", "d", "f"]],
      [["params.lr"], ["a", "c", "b", "d", "f"]],
      [["tags.team"], ["b", "c", "a", "d", "f"]],
      [["tags.team DESC"], ["a", "c", "b", "d", "f"]],
      [["run_name"], ["d", "b", "a", "f", "c"]],
      [["end_time"], ["a", "f", "c", "d", "b"]],
      [["end_time DESC"], ["d", "c", "f", "a", "b"]],
      [["start_time"], ["a", "c", "f", "b", "d"]],
      [
        ["status", "start_time DESC"],
        ["c", "d", "a", "f", "b"],
      ],
      [["parent_id DESC"], ["c", "a", "b", "d", "f"]],
      [["run_id DESC"], ["f", "d", "c", "b", "a"]],
      [
        ["experiment_id DESC", "created"],
        ["d", "a", "c", "f", "b"],
      ],
    ];
    it.each(orders)("orders by %j, missing values last", async (orderBy, expected) => {
      expect(await ids({ orderBy })).toEqual(expected);
    });

    it("pages with offset and returns limit + 1 rows", async () => {
      expect(await ids({ limit: 2 })).toEqual(["d", "b", "c"]);
      expect(await ids({ limit: 2, offset: 2 })).toEqual(["c", "f", "a"]);
      expect(await ids({ limit: 2, offset: 4 })).toEqual(["a"]);
      expect(await ids({ limit: 2, offset: 10 })).toEqual([]);
      expect(await ids({ limit: 1, offset: 1, orderBy: ["metrics.acc DESC"] })).toEqual(["a", "c"]);
    });

    it("honours view_type", async () => {
      expect(await ids({ viewType: "DELETED_ONLY" })).toEqual(["e"]);
      expect(await ids({ viewType: "ALL" })).toEqual(["e", "d", "b", "c", "f", "a"]);
      expect(await ids({ filter: "metrics.acc > 0.98" })).toEqual([]);
      expect(await ids({ filter: "metrics.acc > 0.98", viewType: "ALL" })).toEqual(["e"]);
    });

    it("restricts to the experiment ids given, all when none", async () => {
      expect(await ids({ experimentIds: ["2"] })).toEqual(["d"]);
      expect(await ids({ experimentIds: ["1", "2"] })).toEqual(["d", "b", "c", "f", "a"]);
      expect(await ids({ experimentIds: ["0"] })).toEqual([]);
      expect(await ids({ experimentIds: ["not-a-number"] })).toEqual([]);
      expect(await ids({ experimentIds: ["1"], filter: "metrics.loss >= 0.5" })).toEqual([
        "b",
        "f",
        "a",
      ]);
    });

    it("treats empty IN lists as matching nothing and NOT IN as matching any value", async () => {
      const empty = (op: "IN" | "NOT IN"): Filter => [
        { entity: "attribute", key: "parent_id", op, value: [] },
      ];
      expect(await ids({ filter: empty("IN") })).toEqual([]);
      expect(await ids({ filter: empty("NOT IN") })).toEqual(["c"]);
    });

    it("agrees with a reference model on random searches", async () => {
      await fc.assert(
        fc.asyncProperty(randomSearch, async (search) => {
          const rows = await runSearchQuery(opened.db, dialect, search).execute();
          expect(rows.map((r) => r.run_id)).toEqual(referenceSearch(search));
        }),
        { numRuns: 150 },
      );
    });

    it("rejects comparisons the parser would never produce", () => {
      const bad: Filter[] = [
        [{ entity: "attribute", key: "nope", op: "=", value: "x" }],
        [{ entity: "attribute", key: "constructor", op: "=", value: "x" }],
        [{ entity: "metric", key: "acc", op: "LIKE", value: "x" }],
        [{ entity: "metric", key: "acc", op: ">", value: "1" }],
        [{ entity: "param", key: "lr", op: "=", value: 1 }],
        [{ entity: "dataset", key: "size", op: "=", value: "1" }],
        [{ entity: "attribute", key: "experiment_id", op: ">", value: "1" }],
      ];
      for (const filter of bad) {
        expect(() =>
          runSearchQuery(opened.db, dialect, {
            experimentIds: [],
            filter,
            viewType: "ALL",
            orderBy: [],
            offset: 0,
            limit: 1,
          }),
        ).toThrow(BadRequestError);
      }
      expect(() =>
        runSearchQuery(opened.db, dialect, {
          experimentIds: [],
          filter: [],
          viewType: "ALL",
          offset: 0,
          limit: 1,
          orderBy: [{ entity: "attribute", key: "nope", direction: "ASC" }],
        }),
      ).toThrow(BadRequestError);
    });
  });
}

// --- a reference model of the search semantics, for the property test ----------------------

type Value = string | number | null | undefined;

function runValue(run: RunSpec, entity: OrderBy["entity"] | "dataset", key: string): Value {
  const pick = (rows: [string, string, Value][]) =>
    rows.find(([r, k]) => r === run.id && k === key)?.[2];
  if (entity === "metric") return pick(METRICS);
  if (entity === "param") return pick(PARAMS);
  if (entity === "tag") return pick(TAGS);
  const columns: Record<string, Value> = {
    run_id: run.id,
    run_name: run.name,
    user_id: run.user,
    status: run.status,
    kind: run.kind,
    parent_id: run.parent,
    start_time: run.start,
    end_time: run.end,
    experiment_id: run.exp,
    artifact_uri: `file:///art/${run.id}`,
  };
  return columns[key];
}

function likeRegExp(pattern: string, flags: string): RegExp {
  const body = [...pattern]
    .map((ch) =>
      ch === "%" ? ".*" : ch === "_" ? "." : ch.replace(/[\\^$.*+?()[\]{}|/-]/g, "\\$&"),
    )
    .join("");
  return new RegExp(`^${body}$`, `s${flags}`);
}

function holds(actual: Value, c: Comparison): boolean {
  if (actual === null || actual === undefined) return false;
  const v = c.value;
  if (c.key === "experiment_id" && c.entity === "attribute") {
    const ids = (Array.isArray(v) ? v : [v]).map(Number);
    return (c.op === "=" || c.op === "IN") === ids.includes(actual as number);
  }
  switch (c.op) {
    case "=":
      return actual === v;
    case "!=":
      return actual !== v;
    case ">":
      return (actual as number) > (v as number);
    case ">=":
      return (actual as number) >= (v as number);
    case "<":
      return (actual as number) < (v as number);
    case "<=":
      return (actual as number) <= (v as number);
    case "LIKE":
      return likeRegExp(v as string, "").test(String(actual));
    case "ILIKE":
      return likeRegExp(v as string, "i").test(String(actual));
    case "IN":
      return (v as string[]).includes(String(actual));
    case "NOT IN":
      return !(v as string[]).includes(String(actual));
  }
}

function matchesRun(run: RunSpec, c: Comparison): boolean {
  if (c.entity !== "dataset") return holds(runValue(run, c.entity, c.key), c);
  return IO.some(([r, direction, kind, name, digest, context]) => {
    const fields: Record<string, string> = { name, digest, context };
    return r === run.id && direction === "input" && kind === "dataset" && holds(fields[c.key], c);
  });
}

function referenceSearch(q: RunSearch): string[] {
  const stage = { ACTIVE_ONLY: "active", DELETED_ONLY: "deleted", ALL: undefined }[q.viewType];
  const orderBy: OrderBy[] =
    q.orderBy.length > 0
      ? q.orderBy
      : [{ entity: "attribute", key: "start_time", direction: "DESC" }];
  const compare = (a: RunSpec, b: RunSpec): number => {
    for (const o of orderBy) {
      const key = o.key;
      const [x, y] = [runValue(a, o.entity, key), runValue(b, o.entity, key)];
      if (x === y || (x == null && y == null)) continue;
      if (x == null) return 1;
      if (y == null) return -1;
      return (x < y ? -1 : 1) * (o.direction === "DESC" ? -1 : 1);
    }
    return a.id < b.id ? -1 : 1;
  };
  return RUNS.filter((r) => stage === undefined || r.stage === stage)
    .filter((r) => q.experimentIds.length === 0 || q.experimentIds.includes(String(r.exp)))
    .filter((r) => q.filter.every((c) => matchesRun(r, c)))
    .sort(compare)
    .slice(q.offset, q.offset + q.limit + 1)
    .map((r) => r.id);
}

const STRINGS = [
  "adam",
  "Adam",
  "a%",
  "A%",
  "_dam",
  "%",
  "x*y?[z]",
  "x_y_[z%",
  "vision",
  "Vision",
  "v%",
  "%O%",
  "0.01",
  "0.1",
  "nlp",
  "%World",
  "%world",
  "C:\\d%",
  "digits",
  "MN%",
  "mnist",
  "d1",
  "train",
  "eval",
  "alpha%",
  "ALPHA%",
  "FINISHED",
  "a",
  "c",
  "file:///art/_",
  "%/d",
];
const NUMBERS = [-1, 0, 0.5, 0.7, 0.9, 0.95, 1000, 2000, 2100, 3000, 5000];
const str = fc.constantFrom(...STRINGS);
const strOp = fc.constantFrom<ComparisonOp>("=", "!=", "LIKE", "ILIKE");
const numOp = fc.constantFrom<ComparisonOp>("=", "!=", ">", ">=", "<", "<=");
const strComparison = (entity: Comparison["entity"], keys: string[]) =>
  fc.oneof(
    fc.record({
      entity: fc.constant(entity),
      key: fc.constantFrom(...keys),
      op: strOp,
      value: str,
    }),
    fc.record({
      entity: fc.constant(entity),
      key: fc.constantFrom(...keys),
      op: fc.constantFrom<ComparisonOp>("IN", "NOT IN"),
      value: fc.array(str, { minLength: 1, maxLength: 3 }),
    }),
  );
const randomComparison: fc.Arbitrary<Comparison> = fc.oneof(
  fc.record({
    entity: fc.constant("metric" as const),
    key: fc.constantFrom("acc", "loss", "none"),
    op: numOp,
    value: fc.constantFrom(...NUMBERS),
  }),
  strComparison("param", ["lr", "opt", "none"]),
  strComparison("tag", ["team", "mlflow.note", "path"]),
  strComparison("attribute", [
    "run_id",
    "run_name",
    "user_id",
    "status",
    "kind",
    "parent_id",
    "artifact_uri",
  ]),
  strComparison("dataset", ["name", "digest", "context"]),
  fc.record({
    entity: fc.constant("attribute" as const),
    key: fc.constantFrom("start_time", "end_time"),
    op: numOp,
    value: fc.constantFrom(...NUMBERS),
  }),
  fc.record({
    entity: fc.constant("attribute" as const),
    key: fc.constant("experiment_id"),
    op: fc.constantFrom<ComparisonOp>("IN", "NOT IN"),
    value: fc.subarray(["1", "2", "3"], { minLength: 1 }),
  }),
);
const randomOrder: fc.Arbitrary<OrderBy> = fc
  .record({
    entity: fc.constantFrom(
      "metric" as const,
      "param" as const,
      "tag" as const,
      "attribute" as const,
    ),
    key: fc.constantFrom(
      "acc",
      "loss",
      "lr",
      "opt",
      "team",
      "run_name",
      "status",
      "end_time",
      "parent_id",
    ),
    direction: fc.constantFrom("ASC" as const, "DESC" as const),
  })
  .filter(
    (o) =>
      o.entity !== "attribute" || ["run_name", "status", "end_time", "parent_id"].includes(o.key),
  );
const randomSearch: fc.Arbitrary<RunSearch> = fc.record({
  experimentIds: fc.subarray(["1", "2"]),
  filter: fc.array(randomComparison, { maxLength: 3 }),
  viewType: fc.constantFrom<ViewType>("ACTIVE_ONLY", "DELETED_ONLY", "ALL"),
  orderBy: fc.array(randomOrder, { maxLength: 2 }),
  offset: fc.nat(3),
  limit: fc.integer({ min: 1, max: 6 }),
});

describe("likeToGlob", () => {
  it("maps LIKE wildcards and quotes GLOB metacharacters", () => {
    expect(likeToGlob("a%b_c")).toBe("a*b?c");
    expect(likeToGlob("*?[]")).toBe("[*][?][[]]");
    expect(likeToGlob("é\\%")).toBe("é\\*");
  });
});

describe("runSearchQuery over 100,000 runs on SQLite", () => {
  const RUN_COUNT = 100_000;
  let opened: Opened & { raw: SqliteDatabase.Database };

  beforeAll(async () => {
    opened = await openSqlite();
    const { raw } = opened;
    raw
      .prepare(
        `insert into experiments (experiment_id, name, artifact_location, lifecycle_stage, creation_time, last_update_time)
       values (1, 'big', '', 'active', 0, 0)`,
      )
      .run();
    // Generated inside SQLite: 400,000 rows bound one by one from JS take seconds.
    raw.transaction(() => {
      raw.exec(`
        insert into runs (run_id, experiment_id, name, user_id, status, kind, start_time,
                          lifecycle_stage, artifact_uri)
          with recursive n(i) as (select 0 union all select i + 1 from n where i < ${RUN_COUNT - 1})
          select printf('run%08x', i), 1, 'run ' || i, 'u', 'FINISHED', 'train', i, 'active', ''
          from n;
        insert into latest_metrics (run_id, key, value, is_nan, step, timestamp)
          select run_id, 'acc', ((start_time * 7919) % 1000) / 1000.0, 0, 0, 0 from runs;
        insert into latest_metrics (run_id, key, value, is_nan, step, timestamp)
          select run_id, 'loss', ((start_time * 104729) % 1000) / 1000.0, 0, 0, 0 from runs;
        insert into run_params (run_id, key, value)
          select run_id, 'lr', case start_time % 3 when 0 then '0.01' when 1 then '0.1' else '0.001' end
          from runs;
      `);
    })();
  }, 60_000);
  afterAll(async () => opened?.close());

  const search = {
    experimentIds: ["1"],
    filter: parseFilter("metrics.acc > 0.9 and params.lr = '0.01'"),
    viewType: "ACTIVE_ONLY" as const,
    orderBy: [],
    offset: 0,
    limit: 100,
  };

  it("reads each filter through its (key, value) index", () => {
    const { sql, parameters } = runSearchQuery(opened.db, "sqlite", search).compile();
    const plan = opened.raw
      .prepare(`explain query plan ${sql}`)
      .all(...(parameters as unknown[]))
      .map((row) => (row as { detail: string }).detail)
      .join("\n");
    expect(plan).toContain("latest_metrics_key_value");
    expect(plan).toContain("run_params_key_value");
    expect(plan).not.toMatch(/SCAN (latest_metrics|run_params|kv|m)\b/);
  });

  it("answers a metric and a param filter well under 50 ms", async () => {
    const query = runSearchQuery(opened.db, "sqlite", search);
    const first = await query.execute();
    const expected: string[] = [];
    for (let i = RUN_COUNT - 1; expected.length < 101; i--) {
      if (((i * 7919) % 1000) / 1000 > 0.9 && i % 3 === 0) {
        expected.push(`run${i.toString(16).padStart(8, "0")}`);
      }
    }
    expect(first.map((r) => r.run_id)).toEqual(expected);
    // The best of five: other processes on a shared machine only ever slow a run down.
    const times: number[] = [];
    for (let i = 0; i < 5; i++) {
      const started = performance.now();
      await query.execute();
      times.push(performance.now() - started);
    }
    expect(Math.min(...times)).toBeLessThan(50);
  });
});
