import { useState } from "react";
import { ErrorBox, Loading } from "../../../components/ui/error-box";
import { formatTime } from "../../../lib/format";
import { Link, useLocation } from "../../../lib/router";
import { useModel } from "../api/get-model";
import { useModelVersions } from "../api/get-model-versions";
import { AliasCard } from "./alias-card";
import { ModelVersionsTable } from "./model-versions-table";

export function ModelPage({ name }: { name: string }) {
  const [revision, setRevision] = useState(0);
  const model = useModel(name, revision);
  const versions = useModelVersions(name, revision);
  const highlight = Number(useLocation().search.get("version") ?? Number.NaN);
  const numbers = (versions.data ?? []).map((v) => v.version);
  const aliases = Object.entries(model.data?.aliases ?? {}).sort(([a], [b]) => a.localeCompare(b));
  return (
    <section aria-labelledby="model-title">
      <p className="crumbs">
        <Link href="/models">Models</Link> /
      </p>
      <h1 id="model-title">Model {name}</h1>
      {model.error ? <ErrorBox error={model.error} /> : null}
      {model.loading && !model.data ? <Loading what="model" /> : null}
      {model.data ? (
        <dl className="summary">
          <dt>Latest version</dt>
          <dd>{model.data.latestVersion === null ? "—" : `v${model.data.latestVersion}`}</dd>
          <dt>Created</dt>
          <dd>{formatTime(model.data.createdAt)}</dd>
          <dt>Updated</dt>
          <dd>{formatTime(model.data.updatedAt)}</dd>
          {model.data.description ? (
            <>
              <dt>Description</dt>
              <dd>{model.data.description}</dd>
            </>
          ) : null}
        </dl>
      ) : null}
      <h2>Aliases</h2>
      {model.data && aliases.length === 0 ? (
        <p className="muted">
          No aliases. Set one with <code>lockstep models alias {name} ALIAS VERSION</code>.
        </p>
      ) : null}
      <div className="alias-cards">
        {aliases.map(([alias, version]) => (
          <AliasCard
            key={alias}
            model={name}
            alias={alias}
            current={version}
            versions={numbers}
            revision={revision}
            onChanged={() => setRevision((r) => r + 1)}
          />
        ))}
      </div>
      <h2>Versions</h2>
      {versions.error ? <ErrorBox error={versions.error} /> : null}
      {versions.data ? (
        <ModelVersionsTable
          versions={versions.data}
          {...(Number.isInteger(highlight) ? { highlight } : {})}
        />
      ) : null}
    </section>
  );
}
