import { type FormEvent, useEffect, useState } from "react";

/** The API's own search syntax; its 400 message shows right under the box. */
export function FilterBox(props: {
  value: string;
  error: string | undefined;
  onApply: (filter: string) => void;
}) {
  const [text, setText] = useState(props.value);
  useEffect(() => setText(props.value), [props.value]);
  const submit = (event: FormEvent) => {
    event.preventDefault();
    props.onApply(text.trim());
  };
  return (
    // biome-ignore lint/a11y/useSemanticElements: <search> is not in React's JSX types yet
    <form className="filter" onSubmit={submit} role="search">
      <label htmlFor="run-filter">Filter</label>
      <input
        id="run-filter"
        type="text"
        value={text}
        spellCheck={false}
        placeholder="metrics.acc > 0.9 and params.lr = '0.01'"
        aria-invalid={props.error !== undefined}
        aria-describedby={props.error !== undefined ? "run-filter-error" : undefined}
        onChange={(e) => setText(e.target.value)}
      />
      <button type="submit">Apply</button>
      {props.value ? (
        <button type="button" onClick={() => props.onApply("")}>
          Clear
        </button>
      ) : null}
      {props.error !== undefined ? (
        <p id="run-filter-error" role="alert" className="filter-error">
          {props.error}
        </p>
      ) : null}
    </form>
  );
}
