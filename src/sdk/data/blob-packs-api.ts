import { Agent as HttpAgent, request as httpRequest, type IncomingMessage } from "node:http";
import { Agent as HttpsAgent, request as httpsRequest } from "node:https";
import {
  decodePack,
  encodePack,
  PACK_MEDIA_TYPE,
  type PackEntry,
} from "../../blobs/pack/pack-codec.js";
import { type HttpClient, readJson } from "../http-client.js";

/** What the server accepts per pack (see PACK_LIMITS in the blob service). */
const PACK_LIMITS = { maxBlobs: 10_000, maxBlobBytes: 16 * 1024 * 1024 };

/*
 * Packs go over node:http rather than fetch: a response arrives as Buffers
 * instead of through web streams, which for a gigabyte of chunks saves about
 * a third of the client's CPU (copies and garbage).
 */
const agents = {
  "http:": new HttpAgent({ keepAlive: true }),
  "https:": new HttpsAgent({ keepAlive: true }),
};

/** Stores blobs in one request; the server checks each against its digest, all or nothing. */
export async function postPack(
  http: HttpClient,
  entries: readonly PackEntry[],
): Promise<{ stored: number; present: number; bytes: number }> {
  const response = await send(http, "/api/v1/blobs/pack", PACK_MEDIA_TYPE, encodePack(entries));
  return (await jsonOf(http, response)) as { stored: number; present: number; bytes: number };
}

/**
 * The blobs, in the order asked, as they stream in. NOT verified: the
 * server sends bytes as stored, so the caller must check each digest.
 */
export async function* fetchPack(
  http: HttpClient,
  digests: readonly string[],
  signal?: AbortSignal,
): AsyncGenerator<PackEntry> {
  const body = Buffer.from(JSON.stringify({ digests }));
  const response = await send(http, "/api/v1/blobs/unpack", "application/json", body, signal);
  if ((response.statusCode ?? 0) >= 300) await jsonOf(http, response);
  try {
    yield* decodePack(response, PACK_LIMITS);
  } catch (error) {
    // A stream cut mid-way (network, a server restart) may succeed when asked again.
    throw http.networkError(error);
  } finally {
    response.destroy();
  }
}

function send(
  http: HttpClient,
  path: string,
  contentType: string,
  body: Uint8Array,
  signal?: AbortSignal,
): Promise<IncomingMessage> {
  const url = new URL(`${http.baseUrl}${path}`);
  const secure = url.protocol === "https:";
  return new Promise((resolve, reject) => {
    const req = (secure ? httpsRequest : httpRequest)(
      url,
      {
        method: "POST",
        agent: agents[secure ? "https:" : "http:"],
        headers: { "content-type": contentType, "content-length": body.byteLength },
        timeout: 300_000,
        ...(signal ? { signal } : {}),
      },
      resolve,
    );
    req.on("timeout", () =>
      req.destroy(Object.assign(new Error("timed out"), { code: "ETIMEDOUT" })),
    );
    req.on("error", (error) => reject(http.networkError(error)));
    req.end(body);
  });
}

/** The JSON of a 2xx response, else the server's error as LockstepApiError. */
async function jsonOf(http: HttpClient, response: IncomingMessage): Promise<unknown> {
  const parts: Buffer[] = [];
  try {
    for await (const part of response) parts.push(part as Buffer);
  } catch (error) {
    throw http.networkError(error);
  }
  const status = response.statusCode ?? 0;
  return readJson(
    new Response(status === 204 ? null : Buffer.concat(parts), {
      status,
      statusText: response.statusMessage ?? "",
    }),
  );
}
