import type { ReactNode } from "react";
import { Link } from "../../lib/router";

/** A page whose feature has not landed yet says what it will show and leads back. */
export function EmptyState(props: { title: string; children: ReactNode }) {
  return (
    <section className="empty-state" aria-labelledby="empty-title">
      <h1 id="empty-title">{props.title}</h1>
      <div>{props.children}</div>
      <p>
        <Link href="/">Back to experiments</Link>
      </p>
    </section>
  );
}
