// biome-ignore-all lint/a11y/useSemanticElements: a div grid with ARIA roles keeps virtualised rows cheap
// biome-ignore-all lint/a11y/useFocusableInteractive: body rows take focus; header cells hold buttons
import { type ColumnDef, flexRender, getCoreRowModel, useReactTable } from "@tanstack/react-table";
import { useVirtualizer } from "@tanstack/react-virtual";
import { type KeyboardEvent, useEffect, useMemo, useRef } from "react";
import { StatusBadge } from "../../../components/ui/status-badge";
import { Link, navigate } from "../../../lib/router";
import { type ColumnRef, cellText, columnId, columnLabel, isSortable } from "./run-columns";
import type { TreeRow } from "./run-tree";

export interface SortState {
  column: string;
  direction: "ASC" | "DESC";
}

export interface RunsTableProps {
  rows: TreeRow[];
  columns: ColumnRef[];
  sort: SortState | undefined;
  onSort: (column: ColumnRef) => void;
  selected: ReadonlySet<string>;
  onToggleSelect: (id: string) => void;
  onToggleExpand: (id: string) => void;
  /** Called when the rows in view come near the end of those loaded. */
  onNearEnd: () => void;
}

const ROW_HEIGHT = 34;

function ariaSort(sort: SortState | undefined, id: string) {
  if (sort?.column !== id) return "none" as const;
  return sort.direction === "ASC" ? ("ascending" as const) : ("descending" as const);
}

/** Only the rows in view exist in the DOM, so 10,000 runs scroll as smoothly as 10. */
export function RunsTable(props: RunsTableProps) {
  const { rows, sort, selected, onToggleSelect, onToggleExpand } = props;
  const scroller = useRef<HTMLDivElement>(null);
  const columnDefs = useMemo<ColumnDef<TreeRow>[]>(
    () => [
      {
        id: "select",
        header: () => <span className="sr-only">Select</span>,
        cell: ({ row }) => (
          <input
            type="checkbox"
            tabIndex={-1}
            aria-label={`select ${row.original.run.name}`}
            checked={selected.has(row.original.run.id)}
            onChange={() => onToggleSelect(row.original.run.id)}
          />
        ),
      },
      {
        id: "attribute:run_name",
        header: "Name",
        cell: ({ row }) => {
          const { run, depth, childCount, expanded } = row.original;
          return (
            <span className="name-cell" style={{ paddingLeft: depth * 18 }}>
              {childCount > 0 ? (
                <button
                  type="button"
                  className="fold"
                  tabIndex={-1}
                  aria-label={`${expanded ? "fold" : "unfold"} ${childCount} child runs`}
                  onClick={() => onToggleExpand(run.id)}
                >
                  {expanded ? "▾" : "▸"}
                </button>
              ) : (
                <span className="fold-space" />
              )}
              <Link href={`/runs/${run.id}`} tabIndex={-1}>
                {run.name}
              </Link>
              {childCount > 0 ? <span className="muted"> ({childCount})</span> : null}
            </span>
          );
        },
      },
      ...props.columns.map<ColumnDef<TreeRow>>((ref) => ({
        id: columnId(ref),
        header: columnLabel(ref),
        cell: ({ row }) =>
          ref.entity === "attribute" && ref.key === "status" ? (
            <StatusBadge status={row.original.run.status} />
          ) : (
            cellText(row.original.run, ref)
          ),
      })),
    ],
    [props.columns, selected, onToggleSelect, onToggleExpand],
  );
  const table = useReactTable({
    data: rows,
    columns: columnDefs,
    getCoreRowModel: getCoreRowModel(),
    manualSorting: true,
    getRowId: (row) => row.run.id,
  });
  const tableRows = table.getRowModel().rows;
  const virtualizer = useVirtualizer({
    count: tableRows.length,
    getScrollElement: () => scroller.current,
    estimateSize: () => ROW_HEIGHT,
    overscan: 12,
  });
  const items = virtualizer.getVirtualItems();
  const lastIndex = items[items.length - 1]?.index ?? 0;
  const { onNearEnd } = props;
  useEffect(() => {
    if (tableRows.length > 0 && lastIndex >= tableRows.length - 50) onNearEnd();
  }, [lastIndex, tableRows.length, onNearEnd]);
  // Fixed tracks: header and body rows are separate grids, so any track sized
  // from content (fr, auto) would let their columns drift apart.
  const template = `2.5rem 16rem repeat(${props.columns.length}, 10.5rem)`;
  const refsById = new Map(props.columns.map((c) => [columnId(c), c]));
  refsById.set("attribute:run_name", { entity: "attribute", key: "run_name" });

  const onRowKey = (event: KeyboardEvent<HTMLDivElement>, index: number) => {
    const row = tableRows[index]?.original;
    if (!row) return;
    const focusRow = (i: number) => {
      virtualizer.scrollToIndex(i);
      requestAnimationFrame(() => {
        scroller.current?.querySelector<HTMLElement>(`[data-index="${i}"]`)?.focus();
      });
    };
    if (event.key === "Enter") navigate(`/runs/${row.run.id}`);
    else if (event.key === " ") props.onToggleSelect(row.run.id);
    else if (event.key === "ArrowRight" && row.childCount > 0 && !row.expanded) {
      props.onToggleExpand(row.run.id);
    } else if (event.key === "ArrowLeft" && row.expanded) props.onToggleExpand(row.run.id);
    else if (event.key === "ArrowDown" && index + 1 < tableRows.length) focusRow(index + 1);
    else if (event.key === "ArrowUp" && index > 0) focusRow(index - 1);
    else return;
    event.preventDefault();
  };

  return (
    <div
      className="grid-scroll"
      ref={scroller}
      role="table"
      aria-label="Runs"
      aria-rowcount={tableRows.length + 1}
    >
      <div role="rowgroup" className="grid-head">
        {table.getHeaderGroups().map((group) => (
          <div
            role="row"
            key={group.id}
            className="grid-row"
            style={{ gridTemplateColumns: template }}
          >
            {group.headers.map((header) => {
              const ref = refsById.get(header.id);
              const label = flexRender(header.column.columnDef.header, header.getContext());
              return (
                <div
                  role="columnheader"
                  key={header.id}
                  aria-sort={ref ? ariaSort(sort, header.id) : undefined}
                  className="grid-cell"
                >
                  {ref && isSortable(ref) ? (
                    <button type="button" className="sort" onClick={() => props.onSort(ref)}>
                      {label}
                      <span aria-hidden="true">
                        {sort?.column === header.id ? (sort.direction === "ASC" ? " ▲" : " ▼") : ""}
                      </span>
                    </button>
                  ) : (
                    label
                  )}
                </div>
              );
            })}
          </div>
        ))}
      </div>
      <div role="rowgroup" style={{ height: virtualizer.getTotalSize(), position: "relative" }}>
        {items.map((item) => {
          const row = tableRows[item.index];
          if (!row) return null;
          const id = row.original.run.id;
          return (
            <div
              role="row"
              key={row.id}
              data-index={item.index}
              data-run-id={id}
              tabIndex={0}
              aria-selected={selected.has(id)}
              aria-level={row.original.depth + 1}
              aria-expanded={row.original.childCount > 0 ? row.original.expanded : undefined}
              className={`grid-row body-row${selected.has(id) ? " selected" : ""}`}
              onKeyDown={(e) => onRowKey(e, item.index)}
              style={{
                gridTemplateColumns: template,
                height: ROW_HEIGHT,
                transform: `translateY(${item.start}px)`,
              }}
            >
              {row.getVisibleCells().map((cell) => (
                <div role="cell" key={cell.id} className="grid-cell">
                  {flexRender(cell.column.columnDef.cell, cell.getContext())}
                </div>
              ))}
            </div>
          );
        })}
      </div>
    </div>
  );
}
