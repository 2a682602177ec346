/**
 * Runs every bench/*.bench.ts in its own process, one after another (they
 * measure, so they must not share the two cores), and writes the figures with
 * the command and the machine to docs/benchmarks.md.
 */
import { execFileSync } from "node:child_process";
import { existsSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { cpus, totalmem } from "node:os";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";

const root = resolve(dirname(fileURLToPath(import.meta.url)), "..");
const only = process.argv.slice(2);
const files = readdirSync(join(root, "bench"))
  .filter((f) => f.endsWith(".bench.ts"))
  .filter((f) => only.length === 0 || only.some((o) => f.includes(o)))
  .sort();

const sections: string[] = [];
for (const file of files) {
  process.stderr.write(`bench: ${file}\n`);
  let output: string;
  try {
    output = execFileSync(process.execPath, ["--import", "tsx", join("bench", file)], {
      cwd: root,
      encoding: "utf8",
      stdio: ["ignore", "pipe", "inherit"],
      timeout: 10 * 60_000,
    });
  } catch (error) {
    output = `FAILED: ${(error as Error).message.split("\n")[0]}`;
  }
  process.stdout.write(output);
  const ran = new Date().toISOString().slice(0, 16).replace("T", " ");
  sections.push(`### ${file}\n\nRan ${ran} UTC.\n\n\`\`\`\n${output.trim()}\n\`\`\``);
}

const cpu = cpus()[0]?.model ?? "unknown CPU";
const header = `# Benchmarks

Latest figures, written by \`npm run bench\` (which runs \`node --import tsx bench/run-all.ts\`).
Each line prints its figure next to a baseline measured in the same run on the same
machine: the machines are noisy, so compare ratios, not absolute times.

- last full run: ${new Date().toISOString()}
- machine: ${cpus().length} × ${cpu}, ${Math.round(totalmem() / 2 ** 30)} GiB, Node ${process.version}
`;

const path = join(root, "docs/benchmarks.md");
if (only.length === 0 || !existsSync(path)) {
  writeFileSync(path, `${header}\n${sections.join("\n\n")}\n`);
} else {
  // A partial run replaces only the sections it ran, and says when they ran.
  let doc = readFileSync(path, "utf8");
  for (const section of sections) {
    const title = `${section.split("\n")[0] ?? ""}\n`;
    const start = doc.indexOf(title);
    if (start < 0) {
      doc = `${doc.trimEnd()}\n\n${section}\n`;
      continue;
    }
    const next = doc.indexOf("\n### ", start + title.length);
    doc = `${doc.slice(0, start)}${section}\n${next < 0 ? "" : doc.slice(next)}`;
  }
  writeFileSync(path, doc);
}
