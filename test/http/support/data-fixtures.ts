import { DEFAULT_CHUNKER_PARAMS } from "../../../src/blobs/chunking/chunker-params.js";
import { digestOf } from "../../../src/blobs/digest.js";
import { manifestDigest } from "../../../src/blobs/manifest/manifest-codec.js";
import { MANIFEST_FORMAT, type Manifest } from "../../../src/blobs/manifest/manifest-types.js";
import type { TestServer } from "./test-server.js";

/** Files given as their chunks' text; paths must be given in sorted order. */
export function manifestOf(files: Record<string, string[]>): {
  manifest: Manifest;
  digest: string;
  chunks: Map<string, Uint8Array>;
} {
  const chunks = new Map<string, Uint8Array>();
  const manifest: Manifest = {
    format: MANIFEST_FORMAT,
    chunker: { ...DEFAULT_CHUNKER_PARAMS },
    files: Object.entries(files).map(([path, parts]) => {
      const list = parts.map((text) => {
        const bytes = Buffer.from(text, "utf8");
        const digest = digestOf(bytes);
        chunks.set(digest, bytes);
        return { digest, size: bytes.length };
      });
      return { path, size: list.reduce((s, c) => s + c.size, 0), mode: 0o644, chunks: list };
    }),
  };
  return { manifest, digest: manifestDigest(manifest), chunks };
}

export async function uploadChunks(server: TestServer, chunks: Map<string, Uint8Array>) {
  for (const [digest, bytes] of chunks) {
    const res = await server.call("PUT", `/api/v1/blobs/${digest}`, { raw: bytes });
    if (res.status !== 201) throw new Error(`upload failed: ${JSON.stringify(res.body)}`);
  }
}

/** Uploads the chunks and adds the version; returns the response. */
export async function addVersion(
  server: TestServer,
  name: string,
  files: Record<string, string[]>,
  extra: { message?: string; source?: string } = {},
) {
  const built = manifestOf(files);
  await uploadChunks(server, built.chunks);
  const res = await server.call("POST", `/api/v1/datasets/${name}/versions`, {
    json: { manifest: built.manifest, ...extra },
  });
  return { res, ...built };
}

export const ISO = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/;
