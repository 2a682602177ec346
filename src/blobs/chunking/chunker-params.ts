import { GEAR32_V1, GEAR32_V1_DIGEST, GEAR32_V1_ID } from "./gear-table.js";

/**
 * Everything that decides where chunk boundaries fall. It is recorded in every
 * manifest: boundaries computed with other parameters dedupe against nothing,
 * so a manifest is always re-chunked (for status) with its own parameters.
 */
export interface ChunkerParams {
  /** FastCDC with normalised chunking over a 32-bit gear hash. */
  algorithm: "fastcdc-gear32";
  /** Version 1: hashing starts at `minSize` from 0; masks are the top bits of the hash. */
  version: 1;
  gearTable: string;
  gearTableDigest: string;
  minSize: number;
  avgSize: number;
  maxSize: number;
  /** Bits of the stricter mask used before `avgSize`. */
  maskSmallBits: number;
  /** Bits of the looser mask used from `avgSize` to `maxSize`. */
  maskLargeBits: number;
}

/**
 * 16/64/256 KiB with normalisation level 2. A 64 KiB mean keeps a 100 KiB edit
 * at about two extra chunks, while the 16 KiB minimum lets the cut search skip
 * a quarter of the bytes and keeps per-chunk overhead (hash set-up, manifest
 * entries, uploads) low.
 */
export const DEFAULT_CHUNKER_PARAMS: Readonly<ChunkerParams> = Object.freeze({
  algorithm: "fastcdc-gear32",
  version: 1,
  gearTable: GEAR32_V1_ID,
  gearTableDigest: GEAR32_V1_DIGEST,
  minSize: 16 * 1024,
  avgSize: 64 * 1024,
  maxSize: 256 * 1024,
  maskSmallBits: 18,
  maskLargeBits: 14,
});

/** What the cut search needs, derived once from ChunkerParams. */
export interface CutConfig {
  min: number;
  avg: number;
  max: number;
  maskS: number;
  maskL: number;
  gear: Int32Array;
}

const GEAR_TABLES: Record<string, { digest: string; table: readonly number[] }> = {
  [GEAR32_V1_ID]: { digest: GEAR32_V1_DIGEST, table: GEAR32_V1 },
};

const MAX_CHUNK = 64 * 1024 * 1024;

function topBits(bits: number): number {
  return bits === 0 ? 0 : (0xffffffff << (32 - bits)) | 0;
}

/**
 * Checks recorded parameters and derives the cut configuration; throws an
 * Error naming what is unsupported, so an unreadable manifest says why.
 */
export function resolveChunkerParams(params: ChunkerParams): CutConfig {
  const problem = paramsProblem(params);
  if (problem) throw new Error(`Unsupported chunker parameters: ${problem}`);
  const table = GEAR_TABLES[params.gearTable]?.table ?? [];
  return {
    min: params.minSize,
    avg: params.avgSize,
    max: params.maxSize,
    maskS: topBits(params.maskSmallBits),
    maskL: topBits(params.maskLargeBits),
    gear: Int32Array.from(table),
  };
}

function paramsProblem(p: ChunkerParams): string | undefined {
  if (p.algorithm !== "fastcdc-gear32" || p.version !== 1) {
    return `algorithm ${JSON.stringify(p.algorithm)} version ${String(p.version)}`;
  }
  const gear = GEAR_TABLES[p.gearTable];
  if (!gear) return `unknown gear table ${JSON.stringify(p.gearTable)}`;
  if (gear.digest !== p.gearTableDigest) return `gear table digest ${p.gearTableDigest}`;
  const sizes = [p.minSize, p.avgSize, p.maxSize];
  if (!sizes.every((s) => Number.isSafeInteger(s) && s >= 64 && s <= MAX_CHUNK)) {
    return `sizes must be integers from 64 to ${MAX_CHUNK}`;
  }
  if (!(p.minSize < p.avgSize && p.avgSize < p.maxSize)) return "need min < avg < max";
  for (const bits of [p.maskSmallBits, p.maskLargeBits]) {
    if (!Number.isInteger(bits) || bits < 0 || bits > 31) return "mask bits must be 0..31";
  }
  return undefined;
}

/** Parameters with other sizes, e.g. small chunks for tests; mask bits follow the average. */
export function chunkerParamsFor(sizes: {
  minSize: number;
  avgSize: number;
  maxSize: number;
}): ChunkerParams {
  const bits = Math.round(Math.log2(sizes.avgSize));
  return {
    ...DEFAULT_CHUNKER_PARAMS,
    ...sizes,
    maskSmallBits: Math.min(31, bits + 2),
    maskLargeBits: Math.max(0, bits - 2),
  };
}
