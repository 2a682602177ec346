import { Agent as HttpAgent, request as httpRequest, type IncomingMessage } from "node:http";
import { Agent as HttpsAgent, request as httpsRequest } from "node:https";
import {
  encodePack,
  PACK_MEDIA_TYPE,
  PackDecoder,
  type PackEntry,
  type PackPlacer,
} from "../../blobs/pack/pack-codec.js";
import { type HttpClient, readJson } from "../http-client.js";
import { LockstepApiError } from "../lockstep-api-error.js";
import { streamedPost } from "./streamed-post.js";

/** What the server accepts per pack (see PACK_LIMITS in the blob service). */
const PACK_LIMITS = { maxBlobs: 10_000, maxBlobBytes: 16 * 1024 * 1024 };
const TIMEOUT_MS = 300_000;

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
  return postEncodedPack(http, encodePack(entries));
}

/** `postPack` for a pack already encoded (see pack-codec). */
export async function postEncodedPack(
  http: HttpClient,
  body: Uint8Array,
): Promise<{ stored: number; present: number; bytes: number }> {
  const response = await send(http, "/api/v1/blobs/pack", PACK_MEDIA_TYPE, body);
  return (await jsonOf(http, response)) as { stored: number; present: number; bytes: number };
}

/**
 * Asks for blobs in one request and hands each to `onBlob` as its bytes
 * arrive, in the order asked, placed where `place` says (see PackDecoder);
 * resolves with how many came once the pack has ended. NOT verified: the
 * server sends bytes as stored, so the caller must check each digest. An
 * error thrown by `onBlob` stops the download and rejects as it is; a fault
 * of the stream or the pack rejects as a network error, worth a retry.
 */
export async function receivePack(
  http: HttpClient,
  digests: readonly string[],
  onBlob: (entry: PackEntry, index: number) => void,
  options: { place?: PackPlacer; signal?: AbortSignal } = {},
): Promise<number> {
  const body = Buffer.from(JSON.stringify({ digests }));
  const url = new URL(`${http.baseUrl}/api/v1/blobs/unpack`);
  let theirs: unknown;
  const guarded = (entry: PackEntry, index: number) => {
    try {
      onBlob(entry, index);
    } catch (error) {
      theirs = error;
      throw error;
    }
  };
  // A fault of the stream or the pack (a network cut, a server restart) may not recur when asked again.
  const asNetworkError = (error: unknown) =>
    error === theirs || error instanceof LockstepApiError ? error : http.networkError(error);
  if (url.protocol === "http:") {
    // Pieces are views of a reused read buffer: every blob gets a home of its own.
    const place: PackPlacer = (digest, size, index) =>
      options.place?.(digest, size, index) ?? Buffer.allocUnsafeSlow(size);
    const decoder = new PackDecoder(PACK_LIMITS, place);
    let status = 0;
    let statusText = "";
    const errorBody: Buffer[] = [];
    try {
      await streamedPost(
        url,
        body,
        {
          contentType: "application/json",
          timeoutMs: TIMEOUT_MS,
          ...(options.signal ? { signal: options.signal } : {}),
        },
        (head) => {
          status = head.status;
          statusText = head.statusText;
        },
        (piece) => {
          if (status >= 300) errorBody.push(Buffer.from(piece));
          else decoder.push(piece, guarded);
        },
      );
      if (status >= 300) {
        await readJson(new Response(Buffer.concat(errorBody), { status, statusText }));
      }
      decoder.end();
    } catch (error) {
      throw asNetworkError(error);
    }
    return decoder.blobs;
  }
  const response = await send(
    http,
    "/api/v1/blobs/unpack",
    "application/json",
    body,
    options.signal,
  );
  if ((response.statusCode ?? 0) >= 300) await jsonOf(http, response);
  const decoder = new PackDecoder(PACK_LIMITS, options.place);
  // 'data' events rather than async iteration: the iterator joins queued pieces into new buffers.
  return new Promise<number>((resolve, reject) => {
    let settled = false;
    const fail = (error: unknown) => {
      if (settled) return;
      settled = true;
      response.destroy();
      reject(asNetworkError(error));
    };
    response.on("data", (piece: Buffer) => {
      if (settled) return;
      try {
        decoder.push(piece, guarded);
      } catch (error) {
        fail(error);
      }
    });
    response.on("end", () => {
      if (settled) return;
      try {
        decoder.end();
      } catch (error) {
        fail(error);
        return;
      }
      settled = true;
      resolve(decoder.blobs);
    });
    response.on("error", fail);
    response.on("close", () => fail(new Error("the response was cut short")));
  });
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
        timeout: TIMEOUT_MS,
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
