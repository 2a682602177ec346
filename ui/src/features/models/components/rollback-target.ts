/** What ordering needs of a move (get-alias-history.ts); no imports, so tests load this anywhere. */
interface AliasMove {
  seq: number;
  kind: "set" | "delete" | "rollback";
}

/**
 * The move a rollback would undo: moves stack up and each rollback pops one,
 * as the server's `moveToUndo` (src/domain/model-rules.ts) decides.
 */
export function moveToUndo<M extends AliasMove>(history: M[]): M | undefined {
  const stack: M[] = [];
  for (const move of [...history].sort((a, b) => a.seq - b.seq)) {
    if (move.kind === "rollback") stack.pop();
    else stack.push(move);
  }
  return stack.at(-1);
}
