import { describe, expect, it } from "vitest";
import { badRequest, errorBody, expectHealthy, serverForThisFile } from "./support/test-server.js";

const server = serverForThisFile();

const time = expect.any(Number);

async function create(name: string, extra: Record<string, unknown> = {}) {
  const res = await server.call("POST", "/api/v1/experiments", { json: { name, ...extra } });
  expect(res.status).toBe(201);
  return res.body.experiment as { id: string; name: string };
}

describe("POST /api/v1/experiments", () => {
  it("creates an experiment with the default artifact location", async () => {
    const res = await server.call("POST", "/api/v1/experiments", {
      json: { name: "create-1", tags: { team: "vision" } },
    });
    expect(res.status).toBe(201);
    const id = res.body.experiment.id;
    expect(id).toMatch(/^[1-9][0-9]*$/);
    expect(res.body).toEqual({
      experiment: {
        id,
        name: "create-1",
        artifactLocation: `mlflow-artifacts:/${id}`,
        lifecycleStage: "active",
        tags: { team: "vision" },
        creationTime: time,
        lastUpdateTime: time,
      },
    });
  });

  it("keeps a given artifact location", async () => {
    const e = await create("create-2", { artifactLocation: "s3://bucket/x" });
    expect(e).toMatchObject({ artifactLocation: "s3://bucket/x" });
  });

  it("refuses a taken name with 409", async () => {
    await create("dup");
    const res = await server.call("POST", "/api/v1/experiments", { json: { name: "dup" } });
    expect(res.status).toBe(409);
    expect(res.body).toEqual(errorBody("CONFLICT", 'experiment "dup" already exists'));
  });

  it("rejects bad bodies with 400 naming the field", async () => {
    const cases: [unknown, unknown][] = [
      [
        {},
        badRequest("invalid request body: name is required", [
          { path: "name", message: "is required" },
        ]),
      ],
      [
        { name: 42 },
        badRequest("invalid request body: name must be a string", [
          { path: "name", message: "must be a string" },
        ]),
      ],
      [
        { name: "x", tags: { a: 1 } },
        badRequest("invalid request body: tags.a must be a string", [
          { path: "tags.a", message: "must be a string" },
        ]),
      ],
      [
        [1, 2],
        badRequest("invalid request body: must be an object", [
          { path: "", message: "must be an object" },
        ]),
      ],
      [
        { name: "  " },
        badRequest("experiment name must not be empty", [
          { path: "name", message: "must not be empty" },
        ]),
      ],
      [
        { name: "n".repeat(501) },
        badRequest("experiment name must be at most 500 characters (got 501)", [
          { path: "name", message: "must be at most 500 characters (got 501)" },
        ]),
      ],
      [
        { name: "badtag", tags: { "a*b": "v" } },
        badRequest(
          `invalid experiment tag key "a*b": may contain only letters, digits, '_', '-', '.', ' ', ':' and '/'`,
          [
            {
              path: "tags.a*b",
              message: "may contain only letters, digits, '_', '-', '.', ' ', ':' and '/'",
            },
          ],
        ),
      ],
      [
        { name: "longtag", tags: { t: "v".repeat(5001) } },
        badRequest('experiment tag "t" value must be at most 5000 characters (got 5001)', [
          { path: "tags.t", message: "must be at most 5000 characters (got 5001)" },
        ]),
      ],
    ];
    for (const [json, expected] of cases) {
      const res = await server.call("POST", "/api/v1/experiments", { json });
      expect({ json, status: res.status, body: res.body }).toEqual({
        json,
        status: 400,
        body: expected,
      });
    }
    await expectHealthy(server);
  });

  it("rejects malformed JSON, an empty JSON body and non-JSON content with 400", async () => {
    const malformed = await server.call("POST", "/api/v1/experiments", {
      raw: '{"name": "x"',
      headers: { "content-type": "application/json" },
    });
    expect(malformed.status).toBe(400);
    expect(malformed.body).toEqual(
      errorBody(
        "BAD_REQUEST",
        "Body is not valid JSON but content-type is set to 'application/json'",
      ),
    );
    const empty = await server.call("POST", "/api/v1/experiments", {
      raw: "",
      headers: { "content-type": "application/json" },
    });
    expect(empty.status).toBe(400);
    expect(empty.body).toEqual(
      errorBody("BAD_REQUEST", "request body is empty but content-type is application/json"),
    );
    const text = await server.call("POST", "/api/v1/experiments", {
      raw: "name=x",
      headers: { "content-type": "text/plain" },
    });
    expect(text.status).toBe(400);
    expect(text.body).toEqual(
      errorBody(
        "BAD_REQUEST",
        expect.stringContaining("unsupported content type; send application/json"),
      ),
    );
    const proto = await server.call("POST", "/api/v1/experiments", {
      raw: '{"name": "p", "__proto__": {"x": 1}}',
      headers: { "content-type": "application/json" },
    });
    expect(proto.status).toBe(400);
    expect(proto.body.error.code).toBe("BAD_REQUEST");
    await expectHealthy(server);
  });
});

describe("GET /api/v1/experiments/:id and by-name", () => {
  it("reads the Default experiment and a created one", async () => {
    const def = await server.call("GET", "/api/v1/experiments/0");
    expect(def.status).toBe(200);
    expect(def.body).toEqual({
      experiment: {
        id: "0",
        name: "Default",
        artifactLocation: "mlflow-artifacts:/0",
        lifecycleStage: "active",
        tags: {},
        creationTime: time,
        lastUpdateTime: time,
      },
    });
    const e = await create("by-name test/1");
    const byName = await server.call(
      "GET",
      `/api/v1/experiments/by-name/${encodeURIComponent(e.name)}`,
    );
    expect(byName.status).toBe(200);
    expect(byName.body.experiment.id).toBe(e.id);
  });

  it("answers 404 for unknown ids, non-numeric ids and unknown names", async () => {
    for (const id of ["999999", "abc", "1e3", "99999999999999999999999"]) {
      const res = await server.call("GET", `/api/v1/experiments/${id}`);
      expect(res.status).toBe(404);
      expect(res.body).toEqual(errorBody("NOT_FOUND", `experiment "${id}" not found`));
    }
    const res = await server.call("GET", "/api/v1/experiments/by-name/nope");
    expect(res.body).toEqual(errorBody("NOT_FOUND", 'experiment named "nope" not found'));
  });
});

describe("GET /api/v1/experiments (list)", () => {
  it("pages with max_results and page_token", async () => {
    for (const n of ["page-a", "page-b", "page-c"]) await create(n);
    const all: string[] = [];
    let token: string | undefined;
    let pages = 0;
    do {
      const q = `max_results=2${token ? `&page_token=${encodeURIComponent(token)}` : ""}`;
      const res = await server.call("GET", `/api/v1/experiments?${q}`);
      expect(res.status).toBe(200);
      expect(res.body.experiments.length).toBeLessThanOrEqual(2);
      all.push(...res.body.experiments.map((e: { name: string }) => e.name));
      token = res.body.nextPageToken;
      pages++;
    } while (token && pages < 50);
    expect(all).toEqual(expect.arrayContaining(["page-a", "page-b", "page-c", "Default"]));
    expect(new Set(all).size).toBe(all.length);
  });

  it("rejects bad query values and foreign page tokens", async () => {
    const notInt = await server.call("GET", "/api/v1/experiments?max_results=ten");
    expect(notInt.body).toEqual(
      badRequest("invalid query string: max_results must be an integer", [
        { path: "max_results", message: "must be an integer" },
      ]),
    );
    const zero = await server.call("GET", "/api/v1/experiments?max_results=0");
    expect(zero.body).toEqual(
      badRequest("max_results must be an integer from 1 to 50000 (got 0)", [
        { path: "max_results", message: "must be an integer from 1 to 50000" },
      ]),
    );
    const view = await server.call("GET", "/api/v1/experiments?view_type=SOME");
    expect(view.status).toBe(400);
    expect(view.body.error.issues).toEqual([
      { path: "view_type", message: 'must be one of "ACTIVE_ONLY", "DELETED_ONLY", "ALL"' },
    ]);
    const garbage = await server.call("GET", "/api/v1/experiments?page_token=!!!");
    expect(garbage.body).toEqual(badRequest("invalid page token"));
    const first = await server.call("GET", "/api/v1/experiments?max_results=1");
    const token = encodeURIComponent(first.body.nextPageToken);
    const other = await server.call(
      "GET",
      `/api/v1/experiments?max_results=1&view_type=ALL&page_token=${token}`,
    );
    expect(other.body).toEqual(badRequest("page token belongs to a different query"));
    await expectHealthy(server);
  });

  it("filters by name and tags and orders by name", async () => {
    await create("filt-b", { tags: { team: "nlp" } });
    await create("filt-a", { tags: { team: "vision" } });
    await create("filt-c", { tags: { team: "vision" } });
    const q = (filter: string, order = "") =>
      server.call(
        "GET",
        `/api/v1/experiments?filter=${encodeURIComponent(filter)}${order ? `&order_by=${encodeURIComponent(order)}` : ""}`,
      );
    const byName = await q("name LIKE 'filt-%'", "name DESC");
    expect(byName.status).toBe(200);
    expect(byName.body.experiments.map((e: { name: string }) => e.name)).toEqual([
      "filt-c",
      "filt-b",
      "filt-a",
    ]);
    const byTag = await q("name LIKE 'filt-%' and tags.team = 'vision'", "name");
    expect(byTag.body.experiments.map((e: { name: string }) => e.name)).toEqual([
      "filt-a",
      "filt-c",
    ]);
    const bad = await q("metrics.acc > 1");
    expect(bad.status).toBe(400);
    expect(bad.body.error.message).toMatch(/position 0: experiments cannot be filtered by metrics/);
  });

  it("rejects an invalid order_by with 400", async () => {
    const res = await server.call("GET", "/api/v1/experiments?order_by=metrics.x%20SIDEWAYS");
    expect(res.status).toBe(400);
    expect(res.body.error.code).toBe("BAD_REQUEST");
    expect(res.body.error.message).toContain("position");
  });
});

describe("PATCH, DELETE, restore and tags", () => {
  it("renames, refusing a taken name", async () => {
    const e = await create("rename-me");
    await create("taken-name");
    const res = await server.call("PATCH", `/api/v1/experiments/${e.id}`, {
      json: { name: "renamed" },
    });
    expect(res.status).toBe(200);
    expect(res.body.experiment).toMatchObject({ id: e.id, name: "renamed" });
    const clash = await server.call("PATCH", `/api/v1/experiments/${e.id}`, {
      json: { name: "taken-name" },
    });
    expect(clash.status).toBe(409);
    expect(clash.body.error.code).toBe("CONFLICT");
    const missing = await server.call("PATCH", "/api/v1/experiments/424242", {
      json: { name: "x" },
    });
    expect(missing.body).toEqual(errorBody("NOT_FOUND", 'experiment "424242" not found'));
  });

  it("deletes and restores; the Default experiment cannot be deleted", async () => {
    const e = await create("delete-me");
    const del = await server.call("DELETE", `/api/v1/experiments/${e.id}`);
    expect(del.status).toBe(200);
    expect(del.body.experiment).toMatchObject({ id: e.id, lifecycleStage: "deleted" });
    const active = await server.call("GET", "/api/v1/experiments?max_results=1000");
    expect(active.body.experiments.map((x: { id: string }) => x.id)).not.toContain(e.id);
    const deleted = await server.call("GET", "/api/v1/experiments?view_type=DELETED_ONLY");
    expect(deleted.body.experiments.map((x: { id: string }) => x.id)).toEqual([e.id]);
    const tag = await server.call("PUT", `/api/v1/experiments/${e.id}/tags/k`, {
      json: { value: "v" },
    });
    expect(tag.status).toBe(409);
    expect(tag.body).toEqual(
      errorBody("CONFLICT", `experiment "${e.id}" is deleted; restore it first`),
    );
    const restored = await server.call("POST", `/api/v1/experiments/${e.id}/restore`);
    expect(restored.body.experiment).toMatchObject({ id: e.id, lifecycleStage: "active" });
    const def = await server.call("DELETE", "/api/v1/experiments/0");
    expect(def.status).toBe(400);
    expect(def.body).toEqual(badRequest("the Default experiment (id 0) cannot be deleted"));
  });

  it("sets and deletes tags, validating keys and values", async () => {
    const e = await create("tags-exp");
    const set = await server.call("PUT", `/api/v1/experiments/${e.id}/tags/note%2Fmain`, {
      json: { value: "hello" },
    });
    expect(set.status).toBe(200);
    expect(set.body).toEqual({});
    const got = await server.call("GET", `/api/v1/experiments/${e.id}`);
    expect(got.body.experiment.tags).toEqual({ "note/main": "hello" });
    const del = await server.call("DELETE", `/api/v1/experiments/${e.id}/tags/note%2Fmain`);
    expect(del.status).toBe(200);
    const after = await server.call("GET", `/api/v1/experiments/${e.id}`);
    expect(after.body.experiment.tags).toEqual({});

    const longKey = "k".repeat(251);
    const tooLong = await server.call("PUT", `/api/v1/experiments/${e.id}/tags/${longKey}`, {
      json: { value: "v" },
    });
    expect(tooLong.status).toBe(400);
    expect(tooLong.body.error.message).toBe(
      `invalid experiment tag key "${"k".repeat(60)}…": must be at most 250 characters (got 251)`,
    );
    const longValue = await server.call("PUT", `/api/v1/experiments/${e.id}/tags/k`, {
      json: { value: "v".repeat(5001) },
    });
    expect(longValue.body).toEqual(
      badRequest('experiment tag "k" value must be at most 5000 characters (got 5001)', [
        { path: "value", message: "must be at most 5000 characters (got 5001)" },
      ]),
    );
    const noValue = await server.call("PUT", `/api/v1/experiments/${e.id}/tags/k`, { json: {} });
    expect(noValue.body).toEqual(
      badRequest("invalid request body: value is required", [
        { path: "value", message: "is required" },
      ]),
    );
    await expectHealthy(server);
  });
});
