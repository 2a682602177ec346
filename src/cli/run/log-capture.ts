import { once } from "node:events";
import type { WriteStream } from "node:fs";
import { uploadFilePrefix } from "../../sdk/api-capture.js";
import type { StoredArtifact } from "../../sdk/api-client.js";
import type { HttpClient } from "../../sdk/http-client.js";

/** Where the command's output is stored among the run's artifacts. */
export const OUTPUT_LOG_ARTIFACT = "lockstep/output.log";

export type LogCaptureOptions = {
  http: HttpClient;
  runId: string;
  /** The local file the output is streamed to. */
  path: string;
  /** The stream writing `path`, opened before the command started. */
  stream: WriteStream;
  /** Default is 5000 ms; slow uploads stretch it. */
  intervalMs?: number;
  onWarning: (message: string) => void;
};

/**
 * Keeps the command's stdout and stderr in a local file (so memory stays flat
 * for any amount of output) and uploads what has been written so far every
 * few seconds, so the log can be read while the run goes on.
 */
export class LogCapture {
  /** Where the supervisor writes the output. */
  readonly stream: WriteStream;
  private readonly options: LogCaptureOptions;
  private timer: NodeJS.Timeout | undefined;
  private uploading: Promise<void> | undefined;
  private uploadedSize = -1;
  private warned = false;
  private last: StoredArtifact | undefined;

  constructor(options: LogCaptureOptions) {
    this.options = options;
    this.stream = options.stream;
    this.stream.on("error", (error) => this.warn(`cannot write the output log: ${error.message}`));
    this.schedule(options.intervalMs ?? 5000);
  }

  /** Stops the periodic uploads, then uploads the whole log; undefined when that failed. */
  async finish(): Promise<StoredArtifact | undefined> {
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    if (!this.stream.writableFinished && !this.stream.destroyed) {
      this.stream.end();
      await once(this.stream, "close").catch(() => undefined);
    }
    await this.uploading;
    await this.upload();
    return this.last;
  }

  private schedule(delayMs: number): void {
    this.timer = setTimeout(() => {
      const started = Date.now();
      this.uploading = this.upload().finally(() => {
        this.uploading = undefined;
        if (!this.timer) return;
        // A log so large that uploading it takes seconds is sent less often, so
        // that uploads never take more than a fifth of the time.
        const base = this.options.intervalMs ?? 5000;
        const took = Date.now() - started;
        this.schedule(took > 1000 ? Math.max(base, took * 5) : base);
      });
    }, delayMs);
    this.timer.unref();
  }

  private async upload(): Promise<void> {
    // Only bytes already handed to the file: the stream may still be buffering more.
    const size = this.stream.bytesWritten;
    if (size === this.uploadedSize) return;
    try {
      this.last = await uploadFilePrefix(this.options.http, {
        runId: this.options.runId,
        artifactPath: OUTPUT_LOG_ARTIFACT,
        localPath: this.options.path,
        size,
      });
      this.uploadedSize = size;
    } catch (error) {
      this.warn(`cannot upload the output log: ${error instanceof Error ? error.message : error}`);
    }
  }

  private warn(message: string): void {
    // Once per run: a server that is away would otherwise repeat it every few seconds.
    if (this.warned) return;
    this.warned = true;
    this.options.onWarning(message);
  }
}
