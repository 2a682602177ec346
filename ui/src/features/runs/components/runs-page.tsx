import { useCallback, useMemo, useState } from "react";
import { ErrorBox, Loading } from "../../../components/ui/error-box";
import { ApiError } from "../../../lib/api";
import { Link, navigate, useQueryState } from "../../../lib/router";
import { useExperiment } from "../api/get-experiment";
import { useRunSearch } from "../api/search-runs";
import { ColumnPicker } from "./column-picker";
import { FilterBox } from "./filter-box";
import {
  availableColumns,
  type ColumnRef,
  columnId,
  DEFAULT_ATTRIBUTES,
  orderClause,
  parseColumnId,
} from "./run-columns";
import { flattenTree } from "./run-tree";
import { RunsTable, type SortState } from "./runs-table";

const MAX_COMPARE = 10;

function parseList(value: string | null): string[] {
  return value ? value.split(",").filter((s) => s !== "") : [];
}

/** Filter, sort, columns and selection live in the URL, so a link shows the same view. */
export function RunsPage({ experimentId }: { experimentId: string }) {
  const [query, setQuery] = useQueryState();
  const filter = query.get("filter") ?? "";
  const sortColumn = query.get("sort") ?? "";
  const sortRef =
    parseColumnId(sortColumn) ??
    (sortColumn === "attribute:run_name"
      ? { entity: "attribute" as const, key: "run_name" }
      : undefined);
  const direction = query.get("dir") === "asc" ? "ASC" : "DESC";
  const sort: SortState | undefined = sortRef ? { column: sortColumn, direction } : undefined;
  const orderBy = sortRef ? [orderClause(sortRef, direction)] : [];
  const selected = useMemo(() => new Set(parseList(query.get("sel"))), [query]);
  const [expanded, setExpanded] = useState<ReadonlySet<string>>(new Set());

  const experiment = useExperiment(experimentId);
  const search = useRunSearch({ experimentId, filter, orderBy });
  const available = useMemo(() => availableColumns(search.runs), [search.runs]);
  const colsParam = query.get("cols");
  const columns: ColumnRef[] = useMemo(() => {
    if (colsParam !== null) {
      return parseList(colsParam).flatMap((id) => parseColumnId(id) ?? []);
    }
    return [
      ...DEFAULT_ATTRIBUTES.map((key) => ({ entity: "attribute" as const, key })),
      ...available.metric.slice(0, 3).map((key) => ({ entity: "metric" as const, key })),
      ...available.param.slice(0, 3).map((key) => ({ entity: "param" as const, key })),
    ];
  }, [colsParam, available]);
  const rows = useMemo(() => flattenTree(search.runs, expanded), [search.runs, expanded]);

  const filterError =
    search.error instanceof ApiError && search.error.status === 400
      ? search.error.message
      : undefined;
  const onSort = (ref: ColumnRef) => {
    const id = columnId(ref);
    const nextDir = sort?.column === id && direction === "DESC" ? "asc" : "desc";
    setQuery({ sort: id, dir: nextDir });
  };
  // Stable handlers keep the table's column definitions from being rebuilt every render.
  const toggleSelect = useCallback(
    (id: string) => {
      const next = new Set(selected);
      if (next.has(id)) next.delete(id);
      else next.add(id);
      setQuery({ sel: [...next].join(",") });
    },
    [selected, setQuery],
  );
  const toggleExpand = useCallback((id: string) => {
    setExpanded((prev) => {
      const next = new Set(prev);
      if (next.has(id)) next.delete(id);
      else next.add(id);
      return next;
    });
  }, []);
  const canCompare = selected.size >= 2 && selected.size <= MAX_COMPARE;

  return (
    <section aria-labelledby="runs-title" className="runs-page">
      <p className="crumbs">
        <Link href="/">Experiments</Link> /
      </p>
      <h1 id="runs-title">{experiment.data?.name ?? `Experiment ${experimentId}`}</h1>
      {experiment.error ? <ErrorBox error={experiment.error} /> : null}
      <div className="toolbar">
        <FilterBox value={filter} error={filterError} onApply={(f) => setQuery({ filter: f })} />
        <ColumnPicker
          available={available}
          chosen={columns}
          onChange={(cols) => setQuery({ cols: cols.map(columnId).join(",") || "," })}
        />
        <button
          type="button"
          disabled={!canCompare}
          onClick={() => navigate(`/compare?runs=${[...selected].join(",")}`)}
          title={canCompare ? undefined : `select 2 to ${MAX_COMPARE} runs`}
        >
          Compare ({selected.size})
        </button>
        {selected.size > 0 ? (
          <button type="button" onClick={() => setQuery({ sel: undefined })}>
            Clear selection
          </button>
        ) : null}
      </div>
      <p className="muted" aria-live="polite" data-testid="run-total">
        {search.loading
          ? "Loading runs…"
          : `${search.runs.length.toLocaleString("en")} runs${search.complete ? "" : " loaded; scroll for more"}`}
      </p>
      {search.error && !filterError ? <ErrorBox error={search.error} /> : null}
      {search.loading && search.runs.length === 0 ? <Loading what="runs" /> : null}
      <RunsTable
        rows={rows}
        columns={columns}
        sort={sort}
        onSort={onSort}
        selected={selected}
        onToggleSelect={toggleSelect}
        onToggleExpand={toggleExpand}
        onNearEnd={search.loadMore}
      />
    </section>
  );
}
