import type { DatasetVersionInfo } from "../../sdk/api-datasets.js";

/** Bytes in the largest fitting binary unit: `0 B`, `512 B`, `1.5 KiB`, `3.2 GiB`. */
export function formatBytes(bytes: number): string {
  const units = ["B", "KiB", "MiB", "GiB", "TiB"];
  let value = bytes;
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit++;
  }
  return unit === 0 ? `${Math.round(value)} B` : `${value.toFixed(1)} ${units[unit]}`;
}

/** The `data versions --json` shape (INTERFACE.md, "JSON shapes"). */
export function versionJson(v: DatasetVersionInfo) {
  return {
    version: v.version,
    digest: v.digest,
    createdAt: v.createdAt,
    message: v.message ?? "",
    size: v.size,
    files: v.files,
  };
}

/** `vN <digest>`, the line `data add` prints. */
export function versionLine(v: DatasetVersionInfo): string {
  return `${v.version} ${v.digest}`;
}
