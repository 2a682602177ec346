export interface DiffRow {
  label: string;
  values: string[];
}

export function differs(row: DiffRow): boolean {
  return row.values.some((v) => v !== row.values[0]);
}

/** Rows whose values are not all equal are marked, in colour and in words. */
export function DiffTable(props: {
  label: string;
  runNames: string[];
  rows: DiffRow[];
  onlyDifferences: boolean;
}) {
  const rows = props.onlyDifferences ? props.rows.filter(differs) : props.rows;
  if (rows.length === 0) {
    return (
      <p className="muted">{props.onlyDifferences ? "No differences." : "Nothing recorded."}</p>
    );
  }
  return (
    <div className="table-scroll">
      <table className="compare" aria-label={props.label}>
        <thead>
          <tr>
            <th scope="col">{props.label}</th>
            {props.runNames.map((name, i) => (
              // biome-ignore lint/suspicious/noArrayIndexKey: columns are positions; the index is their identity
              <th scope="col" key={i}>
                {name}
              </th>
            ))}
          </tr>
        </thead>
        <tbody>
          {rows.map((row) => {
            const diff = differs(row);
            return (
              <tr key={row.label} className={diff ? "differs" : undefined} data-differs={diff}>
                <th scope="row">
                  {row.label}
                  {diff ? <span className="diff-mark"> ≠ differs</span> : null}
                </th>
                {row.values.map((v, i) => (
                  // biome-ignore lint/suspicious/noArrayIndexKey: columns are positions; the index is their identity
                  <td key={i}>{v === "" ? <span className="muted">—</span> : v}</td>
                ))}
              </tr>
            );
          })}
        </tbody>
      </table>
    </div>
  );
}
