import { EmptyState } from "../../components/ui/empty-state";

export function NotFoundRoute() {
  return (
    <EmptyState title="Page not found">
      <p>There is no page at this address.</p>
    </EmptyState>
  );
}
