import {
  REPRODUCTION_OF_TAG,
  REPRODUCTION_SEEDS_TAG,
  REPRODUCTION_VERDICT_TAG,
  type ReproductionRecord,
} from "../domain/reproduction/reproduction-tags.js";
import type { Verdict } from "../domain/reproduction/reproduction-types.js";
import type { Run } from "../domain/run.js";
import type { RunService } from "./run-service.js";

const VERDICTS: readonly string[] = [
  "identical",
  "within_tolerance",
  "diverged",
  "not_reproducible",
];

/** The reproductions of a run: the runs tagged as repeating it, newest first. */
export class ReproductionService {
  constructor(private readonly runs: RunService) {}

  async list(runId: string): Promise<ReproductionRecord[]> {
    const run = await this.runs.get(runId);
    const found: ReproductionRecord[] = [];
    let pageToken: string | undefined;
    do {
      const page = await this.runs.search({
        filter: `tags.${REPRODUCTION_OF_TAG} = '${run.id}'`,
        orderBy: ["start_time DESC"],
        viewType: "ALL",
        ...(pageToken ? { pageToken } : {}),
      });
      found.push(...page.items.map(toRecord));
      pageToken = page.nextPageToken;
    } while (pageToken);
    return found;
  }
}

function toRecord(run: Run): ReproductionRecord {
  const verdict = run.tags[REPRODUCTION_VERDICT_TAG] ?? "";
  const seeds = Number(run.tags[REPRODUCTION_SEEDS_TAG]);
  return {
    runId: run.id,
    status: run.status,
    startTime: run.startTime,
    endTime: run.endTime,
    verdict: VERDICTS.includes(verdict) ? (verdict as Verdict) : null,
    seeds: Number.isInteger(seeds) && seeds > 0 ? seeds : null,
  };
}
