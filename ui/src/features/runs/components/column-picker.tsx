import { ATTRIBUTE_COLUMNS, type ColumnEntity, type ColumnRef, columnId } from "./run-columns";

const GROUPS: [Exclude<ColumnEntity, "attribute">, string][] = [
  ["metric", "Metrics (latest)"],
  ["param", "Params"],
  ["tag", "Tags"],
];

export function ColumnPicker(props: {
  available: Record<Exclude<ColumnEntity, "attribute">, string[]>;
  chosen: ColumnRef[];
  onChange: (columns: ColumnRef[]) => void;
}) {
  const chosenIds = new Set(props.chosen.map(columnId));
  const toggle = (ref: ColumnRef) => {
    const id = columnId(ref);
    props.onChange(
      chosenIds.has(id) ? props.chosen.filter((c) => columnId(c) !== id) : [...props.chosen, ref],
    );
  };
  const box = (ref: ColumnRef, label: string) => (
    <label key={columnId(ref)} className="check">
      <input type="checkbox" checked={chosenIds.has(columnId(ref))} onChange={() => toggle(ref)} />
      {label}
    </label>
  );
  return (
    <details className="column-picker">
      <summary>Columns ({props.chosen.length})</summary>
      <div className="column-groups">
        <fieldset>
          <legend>Attributes</legend>
          {Object.entries(ATTRIBUTE_COLUMNS).map(([key, { label }]) =>
            box({ entity: "attribute", key }, label),
          )}
        </fieldset>
        {GROUPS.map(([entity, title]) => (
          <fieldset key={entity}>
            <legend>{title}</legend>
            {props.available[entity].length === 0 ? <span className="muted">none</span> : null}
            {props.available[entity].map((key) => box({ entity, key }, key))}
          </fieldset>
        ))}
      </div>
    </details>
  );
}
