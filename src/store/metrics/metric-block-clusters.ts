import type { StepRange } from "./metric-downsampler.js";

export interface BlockMeta {
  seq: number;
  count: number;
  stepMin: number;
  stepMax: number;
}

/**
 * Blocks whose step ranges overlap, chained. Clusters are disjoint in step
 * and come in step order, so history order is cluster by cluster and only
 * one cluster at a time needs decoding and sorting. With steps logged in
 * rising order each block is its own cluster (or shares one at a boundary).
 */
export interface BlockCluster {
  /** Ascending, i.e. logging order. */
  seqs: number[];
  /** Points in all its blocks (an upper bound of those inside the range unless `exact`). */
  count: number;
  /** Every point lies inside the requested range, so `count` is exact and it can be skipped undecoded. */
  exact: boolean;
}

export function clusterBlocks(metas: BlockMeta[], range: StepRange): BlockCluster[] {
  const sorted = [...metas].sort((a, b) => a.stepMin - b.stepMin || a.seq - b.seq);
  const clusters: BlockCluster[] = [];
  let current: (BlockCluster & { stepMin: number; stepMax: number }) | undefined;
  const close = () => {
    if (!current) return;
    current.seqs.sort((a, b) => a - b);
    current.exact = current.stepMin >= range.start && current.stepMax <= range.end;
    clusters.push({ seqs: current.seqs, count: current.count, exact: current.exact });
  };
  for (const meta of sorted) {
    if (current && meta.stepMin <= current.stepMax) {
      current.seqs.push(meta.seq);
      current.count += meta.count;
      current.stepMax = Math.max(current.stepMax, meta.stepMax);
      continue;
    }
    close();
    current = {
      seqs: [meta.seq],
      count: meta.count,
      exact: false,
      stepMin: meta.stepMin,
      stepMax: meta.stepMax,
    };
  }
  close();
  return clusters;
}
