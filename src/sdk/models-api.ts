import { createHash } from "node:crypto";
import { createWriteStream } from "node:fs";
import { mkdir, rename, rm } from "node:fs/promises";
import { dirname, join, resolve, sep } from "node:path";
import { Readable } from "node:stream";
import { pipeline } from "node:stream/promises";
import type { AliasMove, ModelVersion, RegisteredModel } from "../domain/registered-model.js";
import type { LockstepApi } from "./api-client.js";
import { readJson } from "./http-client.js";
import { LockstepApiError } from "./lockstep-api-error.js";

/** A version as listings return it: with its source run's latest metrics. */
export type ListedModelVersion = ModelVersion & { runMetrics?: Record<string, number | string> };

import type { LineageGraph } from "../domain/lineage.js";

export type { LineageGraph };

const enc = encodeURIComponent;

/** The model registry and lineage routes of /api/v1, over a LockstepApi's HTTP client. */
export class ModelsApi {
  constructor(private readonly api: LockstepApi) {}

  async list(): Promise<RegisteredModel[]> {
    const body = await this.api.http.json<{ models: RegisteredModel[] }>({
      method: "GET",
      path: "/api/v1/models",
    });
    return body.models;
  }

  async get(name: string): Promise<RegisteredModel> {
    return (
      await this.api.http.json<{ model: RegisteredModel }>({
        method: "GET",
        path: `/api/v1/models/${enc(name)}`,
      })
    ).model;
  }

  async register(
    name: string,
    input: {
      runId: string;
      path: string;
      description?: string;
      tags?: Record<string, string>;
      userId?: string;
    },
  ): Promise<ModelVersion> {
    const body = await this.api.http.json<{ version: ModelVersion }>({
      method: "POST",
      path: `/api/v1/models/${enc(name)}/versions`,
      body: input,
      idempotent: false,
    });
    return body.version;
  }

  async versions(name: string): Promise<ListedModelVersion[]> {
    const body = await this.api.http.json<{ versions: ListedModelVersion[] }>({
      method: "GET",
      path: `/api/v1/models/${enc(name)}/versions`,
    });
    return body.versions;
  }

  /** The version a `models:/` reference names, with its files. */
  async resolve(ref: string): Promise<ModelVersion> {
    const body = await this.api.http.json<{ version: ModelVersion }>({
      method: "GET",
      path: `/api/v1/models/resolve?${new URLSearchParams({ ref })}`,
    });
    return body.version;
  }

  async setAlias(
    name: string,
    alias: string,
    version: number,
    user?: string,
  ): Promise<AliasMove | null> {
    const body = await this.api.http.json<{ move: AliasMove | null }>({
      method: "PUT",
      path: `/api/v1/models/${enc(name)}/aliases/${enc(alias)}`,
      body: { version, ...(user ? { user } : {}) },
    });
    return body.move;
  }

  async rollback(name: string, alias: string, user?: string): Promise<AliasMove> {
    const body = await this.api.http.json<{ move: AliasMove }>({
      method: "POST",
      path: `/api/v1/models/${enc(name)}/aliases/${enc(alias)}/rollback`,
      body: user ? { user } : {},
      idempotent: false,
    });
    return body.move;
  }

  async lineage(ref: string): Promise<LineageGraph> {
    return this.api.http.json<LineageGraph>({
      method: "GET",
      path: `/api/v1/lineage?${new URLSearchParams({ ref })}`,
    });
  }

  /**
   * Downloads every file of a version into `dir`, each verified against its
   * pinned digest before it takes its final name.
   */
  async download(version: ModelVersion, dir: string): Promise<string[]> {
    const root = resolve(dir);
    const written: string[] = [];
    for (const file of version.files ?? []) {
      const target = resolve(root, file.path);
      if (!target.startsWith(root + sep))
        throw new Error(`refusing file path ${JSON.stringify(file.path)}`);
      await mkdir(dirname(target), { recursive: true });
      const path = `/api/v1/models/${enc(version.name)}/versions/${version.version}/files/${file.path.split("/").map(enc).join("/")}`;
      const response = await this.api.http.fetch(path, { method: "GET" });
      if (!response.ok || !response.body) {
        await readJson(response);
        throw new LockstepApiError(response.status, "INTERNAL", `downloading ${file.path} failed`);
      }
      const partial = `${target}.partial`;
      const hash = createHash("sha256");
      const body = Readable.fromWeb(
        response.body as import("node:stream/web").ReadableStream<Uint8Array>,
      );
      body.on("data", (chunk: Buffer) => hash.update(chunk));
      try {
        await pipeline(body, createWriteStream(partial));
        const digest = `sha256:${hash.digest("hex")}`;
        if (digest !== file.digest) {
          throw new Error(`${file.path} arrived corrupt: expected ${file.digest}, got ${digest}`);
        }
        await rename(partial, target);
      } catch (error) {
        await rm(partial, { force: true });
        throw error;
      }
      written.push(join(root, file.path));
    }
    return written;
  }
}
