/**
 * End to end through the built CLI and a local server in its own process:
 * `data add` of a 1 GB file against `openssl dgst -sha256` of the same file,
 * `data add` of 10,000 small files, and `data checkout` of the 1 GB version
 * (every chunk downloaded and verified) against `cp` of the same file.
 * Run: npm run build && npx tsx bench/data-add-checkout.bench.ts
 * BENCH_DATA_ONLY=checkout skips the timing of both adds (the version is
 * still added, untimed) to iterate on checkout alone.
 */
import { execFileSync, spawn, spawnSync } from "node:child_process";
import {
  closeSync,
  mkdirSync,
  mkdtempSync,
  openSync,
  rmSync,
  writeFileSync,
  writeSync,
} from "node:fs";
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { startServerProcess } from "./support/server-process.js";

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), "..");
const CLI = join(ROOT, "dist/cli/main.js");
const SIZE = Number(process.env.BENCH_DATA_BYTES ?? 1024 ** 3);
const SMALL_FILES = 10_000;
const CHECKOUT_ONLY = process.env.BENCH_DATA_ONLY === "checkout";
const work = mkdtempSync(join(tmpdir(), "lockstep-data-bench-"));

function seconds(run: () => void): number {
  const t = performance.now();
  run();
  return (performance.now() - t) / 1000;
}

/** Incompressible, non-repeating bytes (so every chunk is distinct), written in 64 MiB pieces. */
function writeRandomFile(path: string, size: number): void {
  const fd = openSync(path, "w");
  const piece = Buffer.alloc(64 * 1024 * 1024);
  let x = 0x9e3779b9;
  for (let written = 0; written < size; written += piece.length) {
    const words = new Uint32Array(piece.buffer, piece.byteOffset, piece.length / 4);
    for (let k = 0; k < words.length; k++) {
      x ^= x << 13;
      x ^= x >>> 17;
      x ^= x << 5;
      words[k] = x >>> 0;
    }
    writeSync(fd, piece, 0, Math.min(piece.length, size - written));
  }
  closeSync(fd);
}

function cli(url: string, args: string[]): string {
  const result = spawnSync(process.execPath, [CLI, "--tracking-uri", url, ...args], {
    env: { ...process.env, LOCKSTEP_HOME: join(work, "home") },
    encoding: "utf8",
  });
  if (result.status !== 0) throw new Error(`lockstep ${args.join(" ")}: ${result.stderr}`);
  return result.stdout;
}

/**
 * What any add must pay here besides hashing: moving the bytes to the server
 * and making them durable. Measured, not assumed: on these VMs both are far
 * slower than SHA-256.
 */
async function machineFloors(file: string): Promise<{ httpS: number; syncedWriteS: number }> {
  const sink = createServer((req, res) => {
    req.on("data", () => {});
    req.on("end", () => res.end("ok"));
  });
  const port = await new Promise<number>((ok) =>
    sink.listen(0, "127.0.0.1", () => ok((sink.address() as AddressInfo).port)),
  );
  // The sink runs in this process and curl in its own, as client and server do in an add.
  const started = performance.now();
  const curl = spawn("curl", ["-s", "-o", "/dev/null", "-T", file, `http://127.0.0.1:${port}/`]);
  await new Promise((ok) => curl.once("exit", ok));
  const httpS = (performance.now() - started) / 1000;
  sink.close();
  const copy = join(work, "synced.bin");
  const syncedWriteS = seconds(() =>
    execFileSync("dd", [`if=${file}`, `of=${copy}`, "bs=4M", "conv=fsync"], { stdio: "ignore" }),
  );
  rmSync(copy);
  return { httpS, syncedWriteS };
}

const mbps = (bytes: number, s: number) => `${(bytes / 1e6 / s).toFixed(0)} MB/s`;

const server = await startServerProcess();
try {
  const big = join(work, "big.bin");
  writeRandomFile(big, SIZE);
  execFileSync("openssl", ["dgst", "-sha256", big]); // warm the page cache
  const opensslS = seconds(() => execFileSync("openssl", ["dgst", "-sha256", big]));
  let added = "";
  const addS = seconds(() => {
    added = cli(server.url, ["data", "add", "big", big, "--json"]);
  });
  const { chunks } = JSON.parse(added) as { chunks: number };
  const gb = (SIZE / 1e9).toFixed(2);
  if (!CHECKOUT_ONLY) {
    const { httpS, syncedWriteS } = await machineFloors(big);
    console.log(
      `for scale on this machine: the file's bytes over loopback HTTP to a process that discards them (curl -T) ${httpS.toFixed(2)} s; written to a new file and synced (dd conv=fsync) ${syncedWriteS.toFixed(2)} s`,
    );
    console.log(
      `data add, ${gb} GB file (${chunks} chunks): ${addS.toFixed(2)} s, ${mbps(SIZE, addS)} (baseline: openssl dgst -sha256 ${opensslS.toFixed(2)} s, ${mbps(SIZE, opensslS)}; ${(opensslS / addS).toFixed(2)}x its speed, target >= 0.5)`,
    );
  }

  const copyS = seconds(() => execFileSync("cp", [big, join(work, "copy.bin")]));
  rmSync(join(work, "copy.bin"));
  const checkoutS = seconds(() => cli(server.url, ["data", "checkout", "big", join(work, "out")]));
  console.log(
    `data checkout of that version, every chunk downloaded and verified: ${checkoutS.toFixed(2)} s, ${mbps(SIZE, checkoutS)} (baseline: cp of the file ${copyS.toFixed(2)} s, ${mbps(SIZE, copyS)}; ${(checkoutS / copyS).toFixed(2)}x its time, target <= 1.5)`,
  );
  rmSync(join(work, "out"), { recursive: true, force: true });
  rmSync(big);

  if (!CHECKOUT_ONLY) {
    const small = join(work, "small");
    for (let d = 0; d < 100; d++) {
      mkdirSync(join(small, `part-${d}`), { recursive: true });
      for (let f = 0; f < SMALL_FILES / 100; f++) {
        writeFileSync(
          join(small, `part-${d}`, `sample-${f}.json`),
          `{"d":${d},"f":${f},"x":"${"x".repeat(f * 7)}"}\n`,
        );
      }
    }
    const copySmallS = seconds(() => execFileSync("cp", ["-r", small, join(work, "small-copy")]));
    const smallS = seconds(() => cli(server.url, ["data", "add", "small", small]));
    console.log(
      `data add, ${SMALL_FILES.toLocaleString("en-US")} small files: ${smallS.toFixed(2)} s (baseline: cp -r of the folder ${copySmallS.toFixed(2)} s; ${(smallS / copySmallS).toFixed(1)}x its time)`,
    );
  }
} finally {
  await server.stop();
  rmSync(work, { recursive: true, force: true });
}
