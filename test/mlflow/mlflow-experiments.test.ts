import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTestServer, type TestServer } from "../http/support/test-server.js";
import { API, expectMlflowError, mlflowClient } from "./support/mlflow-test-client.js";

let server: TestServer;
let client: ReturnType<typeof mlflowClient>;
beforeAll(async () => {
  server = await startTestServer();
  client = mlflowClient(server);
});
afterAll(async () => {
  await server?.close();
});

const experimentShape = {
  experiment_id: expect.stringMatching(/^\d+$/),
  name: expect.any(String),
  artifact_location: expect.any(String),
  lifecycle_stage: expect.stringMatching(/^(active|deleted)$/),
  last_update_time: expect.any(Number),
  creation_time: expect.any(Number),
  tags: expect.any(Array),
};

describe("experiments", () => {
  it("creates with tags and reads back by id and by name, ids as strings", async () => {
    const res = await client.post("experiments/create", {
      name: "exp-create",
      tags: [{ key: "team", value: "vision" }],
      unknown_field: { ignored: true },
    });
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ experiment_id: expect.stringMatching(/^\d+$/) });
    const id = res.body.experiment_id as string;

    const byId = await client.get("experiments/get", { experiment_id: id });
    expect(byId.status).toBe(200);
    expect(byId.body).toEqual({
      experiment: {
        ...experimentShape,
        experiment_id: id,
        name: "exp-create",
        artifact_location: `mlflow-artifacts:/${id}`,
        lifecycle_stage: "active",
        tags: [{ key: "team", value: "vision" }],
      },
    });
    const byName = await client.get("experiments/get-by-name", { experiment_name: "exp-create" });
    expect(byName.body).toEqual(byId.body);
  });

  it("accepts a numeric experiment id", async () => {
    const id = await client.createExperiment("exp-numeric");
    const res = await client.post("experiments/update", {
      experiment_id: Number(id),
      new_name: "exp-numeric-2",
    });
    expect(res).toMatchObject({ status: 200, body: {} });
    const got = await client.get("experiments/get", { experiment_id: id });
    expect(got.body.experiment.name).toBe("exp-numeric-2");
  });

  it("answers a taken name with RESOURCE_ALREADY_EXISTS (400), on create and rename", async () => {
    await client.createExperiment("exp-taken");
    const other = await client.createExperiment("exp-other");
    expectMlflowError(
      await client.post("experiments/create", { name: "exp-taken" }),
      400,
      "RESOURCE_ALREADY_EXISTS",
    );
    expectMlflowError(
      await client.post("experiments/update", { experiment_id: other, new_name: "exp-taken" }),
      400,
      "RESOURCE_ALREADY_EXISTS",
    );
  });

  it("rejects a missing or empty name and a name over 500 characters", async () => {
    expectMlflowError(await client.post("experiments/create", {}), 400, "INVALID_PARAMETER_VALUE");
    expectMlflowError(
      await client.post("experiments/create", { name: "" }),
      400,
      "INVALID_PARAMETER_VALUE",
    );
    expectMlflowError(
      await client.post("experiments/create", { name: "n".repeat(501) }),
      400,
      "INVALID_PARAMETER_VALUE",
    );
  });

  it("answers a missing experiment with RESOURCE_DOES_NOT_EXIST (404)", async () => {
    expectMlflowError(
      await client.get("experiments/get", { experiment_id: "987654" }),
      404,
      "RESOURCE_DOES_NOT_EXIST",
    );
    expectMlflowError(
      await client.get("experiments/get", { experiment_id: "abc" }),
      404,
      "RESOURCE_DOES_NOT_EXIST",
    );
    expectMlflowError(
      await client.get("experiments/get-by-name", { experiment_name: "no-such" }),
      404,
      "RESOURCE_DOES_NOT_EXIST",
    );
    expectMlflowError(await client.get("experiments/get", {}), 400, "INVALID_PARAMETER_VALUE");
  });

  it("deletes and restores, with search by view type", async () => {
    const id = await client.createExperiment("exp-lifecycle");
    expect(await client.ok("experiments/delete", { experiment_id: id })).toEqual({});
    const deleted = await client.get("experiments/get", { experiment_id: id });
    expect(deleted.body.experiment.lifecycle_stage).toBe("deleted");

    const active = await client.post("experiments/search", { max_results: 1000 });
    expect(
      active.body.experiments.map((e: { experiment_id: string }) => e.experiment_id),
    ).not.toContain(id);
    const onlyDeleted = await client.get("experiments/search", { view_type: "DELETED_ONLY" });
    expect(onlyDeleted.status).toBe(200);
    expect(
      onlyDeleted.body.experiments.map((e: { experiment_id: string }) => e.experiment_id),
    ).toEqual([id]);

    expect(await client.ok("experiments/restore", { experiment_id: id })).toEqual({});
    const restored = await client.get("experiments/get", { experiment_id: id });
    expect(restored.body.experiment.lifecycle_stage).toBe("active");
  });

  it("searches with a filter, order_by as repeated query keys and page tokens", async () => {
    for (const name of ["page-a", "page-b", "page-c"]) await client.createExperiment(name);
    const first = await client.get("experiments/search", {
      filter: "name LIKE 'page-%'",
      order_by: ["name DESC"],
      max_results: 2,
    });
    expect(first.status).toBe(200);
    expect(first.body.experiments.map((e: { name: string }) => e.name)).toEqual([
      "page-c",
      "page-b",
    ]);
    expect(first.body.next_page_token).toEqual(expect.any(String));
    const second = await client.post("experiments/search", {
      filter: "name LIKE 'page-%'",
      order_by: ["name DESC"],
      max_results: 2,
      page_token: first.body.next_page_token,
    });
    expect(second.body).toEqual({ experiments: [expect.objectContaining({ name: "page-a" })] });
    expectMlflowError(
      await client.post("experiments/search", { filter: "name = = 'x'" }),
      400,
      "INVALID_PARAMETER_VALUE",
    );
  });

  it("serves the legacy experiments/list", async () => {
    const res = await client.get("experiments/list", { view_type: "ALL" });
    expect(res.status).toBe(200);
    expect(res.body.experiments).toEqual(
      expect.arrayContaining([{ ...experimentShape, name: "Default" }]),
    );
  });

  it("sets and deletes experiment tags; deleting a missing tag is RESOURCE_DOES_NOT_EXIST", async () => {
    const id = await client.createExperiment("exp-tags");
    expect(
      await client.ok("experiments/set-experiment-tag", {
        experiment_id: id,
        key: "k",
        value: "v",
      }),
    ).toEqual({});
    let got = await client.get("experiments/get", { experiment_id: id });
    expect(got.body.experiment.tags).toEqual([{ key: "k", value: "v" }]);
    expect(
      await client.ok("experiments/delete-experiment-tag", { experiment_id: id, key: "k" }),
    ).toEqual({});
    got = await client.get("experiments/get", { experiment_id: id });
    expect(got.body.experiment.tags).toEqual([]);
    expectMlflowError(
      await client.post("experiments/delete-experiment-tag", { experiment_id: id, key: "k" }),
      404,
      "RESOURCE_DOES_NOT_EXIST",
    );
    expectMlflowError(
      await client.post("experiments/set-experiment-tag", {
        experiment_id: id,
        key: "k",
        value: "v".repeat(5001),
      }),
      400,
      "INVALID_PARAMETER_VALUE",
    );
  });

  it("serves the same routes under /ajax-api and answers unknown paths with ENDPOINT_NOT_FOUND", async () => {
    const res = await server.call("GET", "/ajax-api/2.0/mlflow/experiments/get?experiment_id=0");
    expect(res.status).toBe(200);
    expect(res.body.experiment.name).toBe("Default");
    expectMlflowError(await server.call("GET", `${API}/no/such/route`), 404, "ENDPOINT_NOT_FOUND");
    expectMlflowError(
      await server.call("DELETE", `${API}/experiments/create`),
      404,
      "ENDPOINT_NOT_FOUND",
    );
  });

  it("accepts Basic and Bearer authorization headers", async () => {
    for (const authorization of ["Basic dXNlcjpwYXNz", "Bearer some-token"]) {
      const res = await server.call("POST", `${API}/experiments/search`, {
        json: {},
        headers: { authorization },
      });
      expect(res.status).toBe(200);
    }
  });

  it("reads bodies sent without a JSON content type, and rejects malformed JSON with 400", async () => {
    const plain = await server.call("POST", `${API}/experiments/create`, {
      raw: JSON.stringify({ name: "exp-plain" }),
      headers: { "content-type": "text/plain" },
    });
    expect(plain.status).toBe(200);
    const malformed = await server.call("POST", `${API}/experiments/create`, {
      raw: "{not json",
      headers: { "content-type": "application/json" },
    });
    expectMlflowError(malformed, 400, "BAD_REQUEST");
  });
});
