/** A unified diff, each line coloured by what it does; the sign stays for readers without colour. */
export function DiffView({ text, maxLines = 2000 }: { text: string; maxLines?: number }) {
  const lines = text.split("\n");
  const shown = lines.slice(0, maxLines);
  return (
    <section aria-label="uncommitted changes">
      <pre className="diff">
        {shown.map((line, i) => {
          const kind =
            line.startsWith("+++") || line.startsWith("---")
              ? "file"
              : line.startsWith("+")
                ? "add"
                : line.startsWith("-")
                  ? "del"
                  : line.startsWith("@@")
                    ? "hunk"
                    : line.startsWith("diff ")
                      ? "file"
                      : "ctx";
          return (
            // biome-ignore lint/suspicious/noArrayIndexKey: lines keep their position; the index is their identity
            <span key={i} className={`diff-${kind}`}>
              {line}
              {"\n"}
            </span>
          );
        })}
        {lines.length > maxLines ? `… ${lines.length - maxLines} more lines` : null}
      </pre>
    </section>
  );
}
