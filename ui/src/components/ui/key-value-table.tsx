export function KeyValueTable(props: { label: string; entries: [string, string][] }) {
  if (props.entries.length === 0) return <p className="muted">No {props.label.toLowerCase()}.</p>;
  return (
    <table className="kv" aria-label={props.label}>
      <tbody>
        {props.entries.map(([k, v]) => (
          <tr key={k}>
            <th scope="row">{k}</th>
            <td>{v}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}
