import { EmptyState } from "../../components/ui/empty-state";
import { useLocation } from "../../lib/router";

/*
 * Places for the pages whose APIs land with later work (datasets, model
 * registry, lineage, sweeps): each says what it will show, so links to them
 * already work and lead somewhere useful.
 */

export function DatasetsRoute({ name }: { name: string | undefined }) {
  const version = useLocation().search.get("version");
  return (
    <EmptyState title={name ? `Dataset ${name}${version ? ` @ ${version}` : ""}` : "Datasets"}>
      <p>
        This page will show each dataset's versions on a timeline, an “as of” date picker that
        resolves the version a run would have got on that date, the files of a version, the diff
        between two versions, and the runs that used each version.
      </p>
    </EmptyState>
  );
}

export function ModelsRoute({ name }: { name: string | undefined }) {
  return (
    <EmptyState title={name ? `Model ${name}` : "Models"}>
      <p>
        This page will list registered models with their aliases, each version with its run's
        metrics, and the alias history, with moving and rolling back an alias.
      </p>
    </EmptyState>
  );
}

export function LineageRoute() {
  const ref = useLocation().search.get("ref");
  return (
    <EmptyState title={ref ? `Lineage of ${ref}` : "Lineage"}>
      <p>
        This page will draw the graph around a model version, run or dataset version — runs,
        commits, dataset versions, model versions and inference runs — to click through.
      </p>
    </EmptyState>
  );
}

export function SweepsRoute({ id }: { id: string | undefined }) {
  return (
    <EmptyState title={id ? `Sweep ${id}` : "Sweeps"}>
      <p>
        This page will show a sweep's best trial so far and a parallel-coordinates chart of its
        params against the objective.
      </p>
    </EmptyState>
  );
}
