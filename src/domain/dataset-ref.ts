import { datasetNameProblem } from "./dataset.js";
import { BadRequestError } from "./errors.js";

/** Which version of a dataset a reference asks for. */
export type VersionSelector =
  | { kind: "latest" }
  | { kind: "number"; number: number }
  /** 8 to 64 lowercase hex digits of the version digest. */
  | { kind: "digest"; prefix: string }
  /** The newest version created at or before `time` (ms since the epoch). */
  | { kind: "time"; time: number };

export interface DatasetRef {
  name: string;
  selector: VersionSelector;
}

const NUMBER = /^v([1-9][0-9]{0,14})$/;
const HEX = /^(?:sha256:)?([0-9a-fA-F]{8,64})$/;
const DATE = /^(\d{4})-(\d{2})-(\d{2})$/;
const DATE_TIME =
  /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{1,9}))?)?(Z|[+-]\d{2}:\d{2})?$/;

/**
 * Parses `NAME`, `NAME@latest`, `NAME@vN`, `NAME@<8+ hex digits of the digest>`
 * (optionally `sha256:`-prefixed) or `NAME@<ISO-8601 date or date-time>`.
 *
 * A date alone (`2026-03-01`) is midnight UTC at the start of that day, as
 * ISO-8601 instants and JavaScript read it: "the dataset as of 1 March" is
 * what existed when March began. A date-time without an offset is UTC, so the
 * answer never depends on the server's or the client's time zone.
 * Throws BadRequestError with a one-line message.
 */
export function parseDatasetRef(ref: string): DatasetRef {
  const at = ref.indexOf("@");
  const name = at < 0 ? ref : ref.slice(0, at);
  const problem = datasetNameProblem(name);
  if (problem) throw new BadRequestError(`Invalid dataset reference ${show(ref)}: ${problem}`);
  if (at < 0) return { name, selector: { kind: "latest" } };
  return { name, selector: parseVersionSelector(ref.slice(at + 1), ref) };
}

/** The part after `@` (also the `:version` of a manifest URL). */
export function parseVersionSelector(text: string, ref = text): VersionSelector {
  if (text === "latest") return { kind: "latest" };
  const number = NUMBER.exec(text);
  if (number) {
    const n = Number(number[1]);
    if (Number.isSafeInteger(n)) return { kind: "number", number: n };
  }
  const hex = HEX.exec(text);
  if (hex?.[1]) return { kind: "digest", prefix: hex[1].toLowerCase() };
  const time = parseInstant(text);
  if (time !== undefined) return { kind: "time", time };
  throw new BadRequestError(
    `Invalid dataset reference ${show(ref)}: after "@" expected latest, vN, 8 or more hex digits of a digest, or an ISO-8601 date or time such as 2026-03-01 or 2026-03-01T12:00:00Z`,
  );
}

/** Milliseconds since the epoch, or undefined when `text` is no valid date or date-time. */
export function parseInstant(text: string): number | undefined {
  const date = DATE.exec(text);
  if (date) return utc(date.slice(1, 4).map(Number), [0, 0, 0, 0], 0);
  const m = DATE_TIME.exec(text);
  if (!m) return undefined;
  const [, y, mo, d, h, mi, s = "0", fraction = "", zone = "Z"] = m;
  const ms = Number(fraction.padEnd(3, "0").slice(0, 3));
  let offset = 0;
  if (zone !== "Z") {
    const oh = Number(zone.slice(1, 3));
    const om = Number(zone.slice(4, 6));
    if (oh > 23 || om > 59) return undefined;
    offset = (zone.startsWith("-") ? -1 : 1) * (oh * 60 + om) * 60_000;
  }
  return utc([y, mo, d].map(Number), [h, mi, s].map(Number).concat(ms), offset);
}

function utc(ymd: number[], hms: number[], offset: number): number | undefined {
  const [y = 0, mo = 0, d = 0] = ymd;
  const [h = 0, mi = 0, s = 0, ms = 0] = hms;
  if (mo < 1 || mo > 12 || d < 1 || h > 23 || mi > 59 || s > 59) return undefined;
  const date = new Date(0);
  date.setUTCFullYear(y, mo - 1, d);
  date.setUTCHours(h, mi, s, ms);
  // Date rolls 2026-02-30 over to March; a changed day means no such date.
  if (date.getUTCDate() !== d || date.getUTCMonth() !== mo - 1) return undefined;
  return date.getTime() - offset;
}

export function formatVersionNumber(number: number): string {
  return `v${number}`;
}

/** The canonical text of a reference, e.g. `digits@v3`. */
export function formatDatasetRef(ref: DatasetRef): string {
  const s = ref.selector;
  switch (s.kind) {
    case "latest":
      return `${ref.name}@latest`;
    case "number":
      return `${ref.name}@v${s.number}`;
    case "digest":
      return `${ref.name}@${s.prefix}`;
    case "time":
      return `${ref.name}@${new Date(s.time).toISOString()}`;
  }
}

function show(text: string): string {
  return JSON.stringify(text.length > 120 ? `${text.slice(0, 120)}…` : text);
}
