import type { Static } from "@sinclair/typebox";
import type { FastifyInstance } from "fastify";
import { isTerminalStatus } from "../../../domain/run.js";
import type { MetricService } from "../../../services/metric-service.js";
import type { RunService } from "../../../services/run-service.js";
import { encodePoints } from "../../metric-json.js";
import { RunIdParams, withErrors } from "../../schemas/common-schemas.js";

export interface EventsRoutesOptions {
  runs: RunService;
  metrics: MetricService;
  /** How often each open stream reads the store. Default is `1000`. */
  pollMs?: number;
}

/** Comment lines keep proxies from closing a stream that has had nothing to say. */
const KEEP_ALIVE_MS = 15_000;

/**
 * Server-sent events for one run: a `run` event (status, times, latest
 * metrics) whenever that changes, then `end` once the run has finished (`failure` if it can no longer be read). Each
 * stream polls the store, which costs one small read per second per viewer and
 * needs no change to the write path.
 */
export function eventsRoutes(app: FastifyInstance, options: EventsRoutesOptions): void {
  const { runs, metrics } = options;
  const pollMs = options.pollMs ?? 1000;
  const open = new Set<() => void>();
  // SSE responses never go idle, so app.close() would wait on them forever.
  app.addHook("preClose", (done) => {
    for (const stop of [...open]) stop();
    done();
  });

  app.get<{ Params: Static<typeof RunIdParams> }>(
    "/runs/:id/events",
    {
      schema: {
        tags: ["runs"],
        description:
          "A text/event-stream of `run` events (status, endTime, latest metrics) while the run " +
          "is RUNNING; it sends `end` and closes once the run has ended.",
        params: RunIdParams,
        response: withErrors({}),
      },
    },
    async (request, reply) => {
      const { id } = request.params;
      await runs.getInfo(id); // a 404 in the usual JSON form, before the stream starts
      reply.hijack();
      const out = reply.raw;
      out.writeHead(200, {
        "content-type": "text/event-stream; charset=utf-8",
        "cache-control": "no-cache, no-transform",
        connection: "keep-alive",
        "x-accel-buffering": "no",
      });
      let timer: NodeJS.Timeout | undefined;
      let last = "";
      let quietSince = Date.now();
      let stopped = false;
      const stop = () => {
        if (stopped) return;
        stopped = true;
        clearTimeout(timer);
        open.delete(stop);
        if (!out.writableEnded) out.end();
      };
      open.add(stop);
      request.raw.on("close", stop);
      const send = (event: string, data: unknown) => {
        out.write(`event: ${event}\ndata: ${JSON.stringify(data)}\n\n`);
      };
      const tick = async () => {
        if (stopped) return;
        try {
          const info = await runs.getInfo(id);
          const latest = encodePoints(await metrics.latest(id));
          const data = {
            id,
            status: info.status,
            startTime: info.startTime,
            endTime: info.endTime,
            metrics: latest,
          };
          const text = JSON.stringify(data);
          if (stopped) return;
          if (text !== last) {
            send("run", data);
            last = text;
            quietSince = Date.now();
          } else if (Date.now() - quietSince >= KEEP_ALIVE_MS) {
            out.write(": keep-alive\n\n");
            quietSince = Date.now();
          }
          if (isTerminalStatus(info.status)) {
            send("end", { status: info.status });
            stop();
            return;
          }
        } catch (error) {
          // The run was deleted or the store failed: tell the client, then close.
          request.log.warn({ err: error }, "run event stream stopped");
          if (!stopped) send("failure", { message: "the run can no longer be read" });
          stop();
          return;
        }
        timer = setTimeout(tick, pollMs);
      };
      await tick();
    },
  );
}
