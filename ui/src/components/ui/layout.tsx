import type { ReactNode } from "react";
import { Link, useLocation } from "../../lib/router";

const NAV = [
  ["/", "Experiments"],
  ["/datasets", "Datasets"],
  ["/models", "Models"],
  ["/lineage", "Lineage"],
  ["/sweeps", "Sweeps"],
] as const;

export function Layout({ children }: { children: ReactNode }) {
  const { pathname } = useLocation();
  const current = (href: string) =>
    href === "/"
      ? pathname === "/" || pathname.startsWith("/experiments") || pathname.startsWith("/runs")
      : pathname.startsWith(href);
  return (
    <>
      <a className="skip" href="#main">
        Skip to content
      </a>
      <header className="topbar">
        <Link href="/" className="brand">
          Lockstep
        </Link>
        <nav aria-label="Main">
          {NAV.map(([href, label]) => (
            <Link key={href} href={href} aria-current={current(href) ? "page" : undefined}>
              {label}
            </Link>
          ))}
        </nav>
      </header>
      <main id="main">{children}</main>
    </>
  );
}
