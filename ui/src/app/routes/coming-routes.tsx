import { EmptyState } from "../../components/ui/empty-state";

/*
 * Sweeps have no listing in the API yet: a sweep's page is reached by its id,
 * which is also its parent run's id (`lockstep sweep create` prints it).
 */
export function SweepsRoute() {
  return (
    <EmptyState title="Sweeps">
      <p>
        Open a sweep at <code>/sweeps/&lt;id&gt;</code>; the id is the one{" "}
        <code>lockstep sweep create</code> prints, also the id of the sweep's parent run. A list of
        sweeps will come here when the API can list them.
      </p>
    </EmptyState>
  );
}
