import { expect } from "vitest";
import type { ApiResponse, TestServer } from "../../http/support/test-server.js";

export const API = "/api/2.0/mlflow";
export const ARTIFACTS = "/api/2.0/mlflow-artifacts";

type QueryValue = string | number | (string | number)[] | undefined;

/** A query string as MLflow's clients build it: lists as repeated keys. */
export function queryString(query: Record<string, QueryValue>): string {
  const params = new URLSearchParams();
  for (const [key, value] of Object.entries(query)) {
    if (value === undefined) continue;
    for (const item of Array.isArray(value) ? value : [value]) params.append(key, String(item));
  }
  const text = params.toString();
  return text === "" ? "" : `?${text}`;
}

/** Calls MLflow routes the way MLflow clients do: GET with a query string, others with JSON. */
export function mlflowClient(server: TestServer) {
  return {
    get(path: string, query: Record<string, QueryValue> = {}): Promise<ApiResponse> {
      return server.call("GET", `${API}/${path}${queryString(query)}`);
    },
    post(path: string, json: unknown, prefix = API): Promise<ApiResponse> {
      return server.call("POST", `${prefix}/${path}`, { json });
    },
    async ok(path: string, json: unknown) {
      const res = await server.call("POST", `${API}/${path}`, { json });
      expect(res.status, JSON.stringify(res.body)).toBe(200);
      // biome-ignore lint/suspicious/noExplicitAny: tests read arbitrary JSON bodies
      return res.body as any;
    },
    async createExperiment(name: string): Promise<string> {
      const res = await server.call("POST", `${API}/experiments/create`, { json: { name } });
      expect(res.status, JSON.stringify(res.body)).toBe(200);
      return res.body.experiment_id as string;
    },
    async createRun(experimentId: string, extra: Record<string, unknown> = {}): Promise<string> {
      const res = await server.call("POST", `${API}/runs/create`, {
        json: { experiment_id: experimentId, start_time: Date.now(), ...extra },
      });
      expect(res.status, JSON.stringify(res.body)).toBe(200);
      return res.body.run.info.run_id as string;
    },
  };
}

export function mlflowError(errorCode: string, message?: string) {
  return { error_code: errorCode, message: message ?? expect.any(String) };
}

/** Checks an MLflow error response's status and body. */
export function expectMlflowError(res: ApiResponse, status: number, errorCode: string): void {
  expect({ status: res.status, body: res.body }).toEqual({ status, body: mlflowError(errorCode) });
}
