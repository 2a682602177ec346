import type { Experiment, ViewType } from "../domain/experiment.js";
import type { HistoryPoint, LatestMetric } from "../domain/metric.js";
import type { Run, RunKind, RunStatus } from "../domain/run.js";
import { HttpClient, type HttpClientOptions } from "./http-client.js";

/** What POST /api/v1/runs takes. */
export interface CreateRunRequest {
  experimentId?: string;
  experimentName?: string;
  name?: string;
  parentId?: string;
  kind?: RunKind;
  /** Who ran it. Default is the server's idea of the caller. */
  userId?: string;
  startTime?: number;
  tags?: Record<string, string>;
  params?: Record<string, string>;
}

/** What POST /api/v1/runs/search takes. */
export interface SearchRunsRequest {
  experimentIds?: string[];
  filter?: string;
  orderBy?: string[];
  viewType?: ViewType;
  maxResults?: number;
  pageToken?: string;
}

/** A page of a listing. */
export interface Page<T> {
  items: T[];
  nextPageToken?: string;
}

/** One artifact as the server stored it. */
export interface StoredArtifact {
  path: string;
  size: number;
  digest: string;
}

/**
 * A thin typed client for the HTTP API (/api/v1): one method per route, no
 * batching. The CLI uses it directly; Lockstep builds on it.
 */
export class LockstepApi {
  readonly http: HttpClient;

  constructor(options: HttpClientOptions) {
    this.http = new HttpClient(options);
  }

  /** The server's base URL, without a trailing slash. */
  get baseUrl(): string {
    return this.http.baseUrl;
  }

  /** Creates an experiment; a taken name is a 409. */
  async createExperiment(name: string, tags?: Record<string, string>): Promise<Experiment> {
    const body = await this.http.json<{ experiment: Experiment }>({
      method: "POST",
      path: "/api/v1/experiments",
      body: { name, ...(tags ? { tags } : {}) },
      idempotent: false,
    });
    return body.experiment;
  }

  /** The experiment with this name; a 404 when there is none. */
  async getExperimentByName(name: string): Promise<Experiment> {
    const body = await this.http.json<{ experiment: Experiment }>({
      method: "GET",
      path: `/api/v1/experiments/by-name/${encodeURIComponent(name)}`,
    });
    return body.experiment;
  }

  /** One page of experiments. */
  async listExperiments(
    options: { viewType?: ViewType; maxResults?: number; pageToken?: string } = {},
  ): Promise<Page<Experiment>> {
    const query = new URLSearchParams();
    if (options.viewType) query.set("view_type", options.viewType);
    if (options.maxResults !== undefined) query.set("max_results", String(options.maxResults));
    if (options.pageToken) query.set("page_token", options.pageToken);
    const suffix = query.size > 0 ? `?${query}` : "";
    const body = await this.http.json<{ experiments: Experiment[]; nextPageToken?: string }>({
      method: "GET",
      path: `/api/v1/experiments${suffix}`,
    });
    return { items: body.experiments, nextPageToken: body.nextPageToken };
  }

  /** Every experiment, following page tokens. */
  async allExperiments(viewType: ViewType = "ACTIVE_ONLY"): Promise<Experiment[]> {
    const all: Experiment[] = [];
    let pageToken: string | undefined;
    do {
      const page = await this.listExperiments({ viewType, pageToken });
      all.push(...page.items);
      pageToken = page.nextPageToken;
    } while (pageToken);
    return all;
  }

  /** Creates a run (and its experiment, when named and missing). */
  async createRun(request: CreateRunRequest): Promise<Run> {
    const body = await this.http.json<{ run: Run }>({
      method: "POST",
      path: "/api/v1/runs",
      body: request,
      // A 5xx or a lost response may mean the run exists: only a refused connection is retried.
      idempotent: false,
    });
    return body.run;
  }

  /** One run, with its capture. */
  async getRun(id: string): Promise<Run> {
    const body = await this.http.json<{ run: Run }>({
      method: "GET",
      path: `/api/v1/runs/${encodeURIComponent(id)}`,
    });
    return body.run;
  }

  /** Changes a run's status, end time or name. */
  async updateRun(
    id: string,
    patch: { status?: RunStatus; endTime?: number; name?: string },
  ): Promise<Run> {
    const body = await this.http.json<{ run: Run }>({
      method: "PATCH",
      path: `/api/v1/runs/${encodeURIComponent(id)}`,
      body: patch,
    });
    return body.run;
  }

  /** One page of runs matching an MLflow search filter. */
  async searchRuns(request: SearchRunsRequest): Promise<Page<Run>> {
    const body = await this.http.json<{ runs: Run[]; nextPageToken?: string }>({
      method: "POST",
      path: "/api/v1/runs/search",
      body: request,
    });
    return { items: body.runs, nextPageToken: body.nextPageToken };
  }

  /** The latest value of each metric of a run. */
  async latestMetrics(runId: string): Promise<LatestMetric[]> {
    const body = await this.http.json<{ metrics: LatestMetric[] }>({
      method: "GET",
      path: `/api/v1/runs/${encodeURIComponent(runId)}/metrics`,
    });
    return body.metrics.map((m) => ({ ...m, value: decodeNumber(m.value) }));
  }

  /** A metric's whole history, following page tokens; non-finite values decoded. */
  async metricHistory(runId: string, key: string): Promise<HistoryPoint[]> {
    const points: HistoryPoint[] = [];
    let pageToken: string | undefined;
    do {
      const query = new URLSearchParams({ max_results: "25000" });
      if (pageToken) query.set("page_token", pageToken);
      const body = await this.http.json<{ points: HistoryPoint[]; nextPageToken?: string }>({
        method: "GET",
        path: `/api/v1/runs/${encodeURIComponent(runId)}/metrics/${encodeURIComponent(key)}/history?${query}`,
      });
      for (const p of body.points) points.push({ ...p, value: decodeNumber(p.value) });
      pageToken = body.nextPageToken;
    } while (pageToken);
    return points;
  }
}

/** JSON carries NaN and ±Infinity as strings; turns them back into numbers. */
export function decodeNumber(value: number | string): number {
  return typeof value === "number" ? value : Number(value);
}
