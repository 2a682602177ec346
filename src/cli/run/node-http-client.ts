import { LockstepApi } from "../../sdk/api-client.js";
import {
  HttpClient,
  type HttpClientOptions,
  type HttpRequest,
  jsonBodyOf,
} from "../../sdk/http-client.js";
import { LockstepApiError } from "../../sdk/lockstep-api-error.js";
import { nodeRequest } from "../../sdk/node-request.js";

/**
 * HttpClient that sends writes over node:http instead of fetch. `lockstep run`
 * only writes once its command has started, and loading fetch (undici and the
 * web streams it brings) costs about 100 ms of CPU that the command would
 * share its cores with. Reads, which the wrapper does not make, keep fetch.
 */
export class NodeHttpClient extends HttpClient {
  private readonly requestTimeoutMs: number;

  constructor(options: HttpClientOptions) {
    super(options);
    this.requestTimeoutMs = options.timeoutMs ?? 30_000;
  }

  override async once<T>(request: HttpRequest): Promise<T> {
    const { method } = request;
    if (method !== "POST" && method !== "PUT" && method !== "PATCH") return super.once<T>(request);
    const body = jsonBodyOf(request);
    // Like fetch, no content type without a body: the server refuses empty JSON.
    const headers: Record<string, string> =
      body === undefined
        ? { "content-length": "0" }
        : { "content-type": "application/json", "content-length": String(Buffer.byteLength(body)) };
    try {
      return (await nodeRequest(
        new URL(`${this.baseUrl}${request.path}`),
        {
          method,
          headers,
          timeoutMs: request.timeoutMs ?? this.requestTimeoutMs,
        },
        (req) => req.end(body),
      )) as T;
    } catch (error) {
      throw error instanceof LockstepApiError ? error : this.networkError(error);
    }
  }
}

/** The API client `lockstep run` uses once its command runs: writes go over node:http. */
export class NodeLockstepApi extends LockstepApi {
  declare readonly http: HttpClient;

  constructor(options: HttpClientOptions) {
    super(options);
    this.http = new NodeHttpClient(options);
  }
}
