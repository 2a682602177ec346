import { useMemo } from "react";
import { ErrorBox, Loading } from "../../../components/ui/error-box";
import { formatBytes, formatUtc } from "../../../lib/format";
import { Link, useQueryState } from "../../../lib/router";
import { useDatasetVersions } from "../api/get-dataset-versions";
import { useRunsByVersion, useVersionRuns } from "../api/get-version-runs";
import { AsOfPicker } from "./as-of-picker";
import { VersionDiff } from "./version-diff";
import { VersionFiles } from "./version-files";
import { VersionRuns } from "./version-runs";
import { VersionTimeline } from "./version-timeline";
import { VersionsTable } from "./versions-table";

/** One dataset: its timeline, time travel, a version's files, diffs and users. State is in the URL. */
export function DatasetPage({ name }: { name: string }) {
  const [query, setQuery] = useQueryState();
  const versions = useDatasetVersions(name);
  const list = versions.data ?? [];
  const names = useMemo(() => list.map((v) => v.version), [list]);
  const runs = useRunsByVersion(name, names);
  const latest = list[list.length - 1];
  const selectedName = query.get("version") ?? latest?.version ?? "";
  const selected = list.find((v) => v.version === selectedName);
  const previous = list[list.findIndex((v) => v.version === selectedName) - 1];
  const against = query.get("against") ?? previous?.version ?? "";
  const select = (version: string) => setQuery({ version, against: undefined });
  // The selected version's runs: from the timeline's lookup when it covered it, else on its own.
  const covered = runs.data?.get(selectedName);
  const own = useVersionRuns(name, runs.data && !covered && selected ? selectedName : "");
  const selectedRuns = covered ?? (runs.data ? own.data : undefined);

  return (
    <section aria-labelledby="dataset-title">
      <p className="crumbs">
        <Link href="/datasets">Datasets</Link> /
      </p>
      <h1 id="dataset-title">Dataset {name}</h1>
      {versions.error ? <ErrorBox error={versions.error} /> : null}
      {versions.loading && !versions.data ? <Loading what="versions" /> : null}
      {versions.data && list.length === 0 ? <p className="muted">No versions yet.</p> : null}
      {list.length > 0 ? (
        <>
          <h2>Timeline</h2>
          <VersionTimeline versions={list} selected={selectedName} onSelect={select} />
          <AsOfPicker
            name={name}
            value={query.get("asof") ?? ""}
            onChange={(asof) => setQuery({ asof })}
            onShow={select}
          />
          <h2>Versions</h2>
          {runs.error ? <ErrorBox error={runs.error} /> : null}
          <VersionsTable
            versions={list}
            runs={runs.data}
            selected={selectedName}
            onSelect={select}
          />
        </>
      ) : null}
      {selectedName !== "" && !selected && versions.data ? (
        <ErrorBox error={new Error(`${name} has no version ${selectedName}`)} />
      ) : null}
      {selected ? (
        <section aria-labelledby="selected-title" data-testid="selected-version">
          <h2 id="selected-title">
            {name}@{selected.version}
          </h2>
          <dl className="summary">
            <dt>Created</dt>
            <dd>{formatUtc(selected.createdAt)}</dd>
            <dt>Message</dt>
            <dd>{selected.message ?? "—"}</dd>
            <dt>Source</dt>
            <dd>{selected.source ?? "—"}</dd>
            <dt>Files</dt>
            <dd>
              {selected.files} ({formatBytes(selected.size)})
            </dd>
            <dt>Digest</dt>
            <dd>
              <code>{selected.digest}</code>
            </dd>
            <dt>Used by</dt>
            <dd>
              <VersionRuns runs={selectedRuns} />
            </dd>
            <dt>Lineage</dt>
            <dd>
              <Link href={`/lineage?ref=${encodeURIComponent(`${name}@${selected.version}`)}`}>
                graph of {name}@{selected.version}
              </Link>
            </dd>
          </dl>
          <h3>Files</h3>
          <VersionFiles name={name} version={selected.version} />
          <VersionDiff
            name={name}
            versions={list}
            from={against}
            to={selected.version}
            onFromChange={(v) => setQuery({ against: v })}
          />
        </section>
      ) : null}
    </section>
  );
}
