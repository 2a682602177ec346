/**
 * Chunk+hash throughput of a 1 GiB file against `openssl dgst -sha256` on the
 * same file, then the bytes a second version stores after typical edits,
 * against a whole-file store (100%). Run: npx tsx bench/chunker.bench.ts
 */
import { execFileSync } from "node:child_process";
import { randomFillSync } from "node:crypto";
import { closeSync, mkdtempSync, openSync, rmSync, writeFileSync, writeSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { chunkFile, type FileChunk } from "../src/blobs/chunking/chunk-file.js";
import { ChunkWorkerPool } from "../src/blobs/chunking/chunk-worker-pool.js";

const SIZE = 1024 ** 3;
const dir = mkdtempSync(join(tmpdir(), "lockstep-chunker-bench-"));
const pool = new ChunkWorkerPool();

function randomBytes(length: number): Buffer {
  const out = Buffer.allocUnsafe(length);
  for (let at = 0; at < length; at += 1 << 16)
    randomFillSync(out, at, Math.min(1 << 16, length - at));
  return out;
}

function writeParts(path: string, parts: Uint8Array[]): void {
  const fd = openSync(path, "w");
  try {
    for (const part of parts) {
      for (let at = 0; at < part.length; ) at += writeSync(fd, part, at, part.length - at);
    }
  } finally {
    closeSync(fd);
  }
}

function best(runs: number, time: () => number): number {
  let fastest = Number.POSITIVE_INFINITY;
  for (let k = 0; k < runs; k++) fastest = Math.min(fastest, time());
  return fastest;
}

async function timeChunking(
  path: string,
  size: number,
): Promise<{ ms: number; cpuMs: number; chunks: FileChunk[] }> {
  const cpu = process.cpuUsage();
  const start = performance.now();
  const chunks = await chunkFile(path, { size, pool });
  const used = process.cpuUsage(cpu);
  return { ms: performance.now() - start, cpuMs: (used.user + used.system) / 1000, chunks };
}

function newBytesPercent(base: Set<string>, chunks: FileChunk[], size: number): string {
  const seen = new Set<string>();
  let bytes = 0;
  for (const chunk of chunks) {
    if (base.has(chunk.digest) || seen.has(chunk.digest)) continue;
    seen.add(chunk.digest);
    bytes += chunk.size;
  }
  return `${((100 * bytes) / size).toFixed(3)}%`;
}

try {
  const original = randomBytes(SIZE);
  const path = join(dir, "v1.bin");
  writeFileSync(path, original);

  const opensslMs = best(2, () => {
    const start = performance.now();
    execFileSync("openssl", ["dgst", "-sha256", path]);
    return performance.now() - start;
  });
  const runs = [await timeChunking(path, SIZE), await timeChunking(path, SIZE)];
  const fastest = runs.reduce((a, b) => (b.ms < a.ms ? b : a));
  const ms = fastest.ms;
  const chunks = runs[0]?.chunks ?? [];
  const gbps = SIZE / 1e9 / (ms / 1000);
  const baseline = SIZE / 1e9 / (opensslMs / 1000);
  console.log(
    `chunk+hash 1 GB: ${gbps.toFixed(2)} GB/s (openssl dgst -sha256 baseline ${baseline.toFixed(2)} GB/s, ${(gbps / baseline).toFixed(2)}x; target ≥ 0.5)`,
  );
  console.log(
    `  ${chunks.length} chunks, mean ${(SIZE / chunks.length / 1024).toFixed(1)} KiB, ${pool.size} workers, CPU time ${(fastest.cpuMs / 1000).toFixed(2)} s across threads for ${(ms / 1000).toFixed(2)} s wall`,
  );

  const base = new Set(chunks.map((c) => c.digest));
  const cases: [string, string, Uint8Array[], number][] = [];
  const edited: Uint8Array[] = [];
  const stride = Math.floor(SIZE / 100);
  for (let k = 0; k < 100; k++) {
    const at = k * stride + Math.floor(Math.random() * (stride - 102_400));
    edited.push(original.subarray(edited.length === 0 ? 0 : k * stride, at), randomBytes(102_400));
    edited.push(original.subarray(at + 102_400, (k + 1) * stride));
  }
  edited.push(original.subarray(100 * stride));
  cases.push(["100 scattered edits of 100 KiB (1%)", "< 3%", edited, SIZE]);
  cases.push([
    "100 bytes inserted at the start",
    "< 0.1%",
    [randomBytes(100), original],
    SIZE + 100,
  ]);
  const middle = SIZE / 2;
  const inserted = Math.round(SIZE / 100);
  cases.push([
    "1% inserted in the middle",
    "< 1.5%",
    [original.subarray(0, middle), randomBytes(inserted), original.subarray(middle)],
    SIZE + inserted,
  ]);
  for (const [name, target, parts, size] of cases) {
    const v2 = join(dir, "v2.bin");
    writeParts(v2, parts);
    const { chunks: next } = await timeChunking(v2, size);
    console.log(
      `dedup, ${name}: new chunks ${newBytesPercent(base, next, size)} of the file (file-level store baseline 100%; target ${target})`,
    );
    rmSync(v2);
  }
} finally {
  await pool.close();
  rmSync(dir, { recursive: true, force: true });
}
