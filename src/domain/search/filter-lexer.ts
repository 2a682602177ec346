import { BadRequestError } from "../errors.js";
import type { ComparisonOp } from "../search-filter.js";

/** A prefixed (`metrics.acc`) or bare (`status`) identifier, as written. */
export interface RawIdentifier {
  /** The word before the dot, or the whole bare word; undefined when absent. */
  prefix: string | undefined;
  /** The key after the dot, quotes removed; for a bare word, the word. */
  key: string;
  /** The identifier as written, for messages. */
  text: string;
  start: number;
}

const WORD = /[A-Za-z_][A-Za-z0-9_]*/y;
// Unquoted keys may hold dots (`metrics.a.b` is key "a.b", as in MLflow) and the
// separators metric names commonly use; anything else needs quotes.
const UNQUOTED_KEY = /[A-Za-z0-9_.\-/:]+/y;
const NUMBER = /[-+]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][-+]?\d+)?/y;
const SYMBOL_OPS = ["!=", "<>", ">=", "<=", "=", ">", "<"] as const;
const SHOWN = /'[^']*'?|"[^"]*"?|`[^`]*`?|[A-Za-z0-9_.]+|\S/y;

/**
 * A character-level scanner over one filter or order-by entry. Context decides
 * how text is read (a double-quoted run is a key after `metrics.` and a string
 * after `=`), so the parser asks for what it expects next instead of
 * consuming a token stream.
 */
export class FilterScanner {
  pos = 0;

  constructor(
    readonly text: string,
    private readonly fail: (position: number, detail: string) => never,
  ) {}

  error(position: number, detail: string): never {
    return this.fail(position, detail);
  }

  skipSpace(): void {
    while (this.pos < this.text.length && /\s/.test(this.text[this.pos] ?? "")) this.pos++;
  }

  /** Skips whitespace and returns where the next token starts. */
  mark(): number {
    this.skipSpace();
    return this.pos;
  }

  atEnd(): boolean {
    this.skipSpace();
    return this.pos >= this.text.length;
  }

  /** What stands at a position, quoted, for "found …" in messages. */
  describe(position = this.pos): string {
    if (position >= this.text.length) return "end of input";
    SHOWN.lastIndex = position;
    const match = SHOWN.exec(this.text);
    const shown = match?.[0] ?? this.text[position] ?? "";
    return JSON.stringify(shown.length > 40 ? `${shown.slice(0, 40)}…` : shown);
  }

  private match(pattern: RegExp): string | undefined {
    pattern.lastIndex = this.pos;
    const match = pattern.exec(this.text);
    if (!match) return undefined;
    this.pos += match[0].length;
    return match[0];
  }

  /** Reads a word and consumes it only when it equals `word` (case-insensitive). */
  keyword(word: string): boolean {
    this.skipSpace();
    WORD.lastIndex = this.pos;
    const match = WORD.exec(this.text);
    if (!match || match[0].toLowerCase() !== word) return false;
    this.pos += match[0].length;
    return true;
  }

  peekWord(): string | undefined {
    this.skipSpace();
    WORD.lastIndex = this.pos;
    return WORD.exec(this.text)?.[0];
  }

  readIdentifier(): RawIdentifier {
    this.skipSpace();
    const start = this.pos;
    const word = this.match(WORD);
    if (word === undefined) {
      this.error(start, `expected an identifier such as metrics.<key>, found ${this.describe()}`);
    }
    if (this.text[this.pos] !== ".") {
      return { prefix: undefined, key: word, text: word, start };
    }
    this.pos++;
    const quote = this.text[this.pos];
    let key: string | undefined;
    if (quote === "`" || quote === '"') {
      key = this.readQuoted(quote, "key");
    } else {
      key = this.match(UNQUOTED_KEY);
    }
    if (key === undefined || key === "") {
      this.error(this.pos, `expected a key after "${word}.", found ${this.describe()}`);
    }
    return { prefix: word, key, text: this.text.slice(start, this.pos), start };
  }

  /** Reads `quote … quote`; a doubled quote inside stands for one quote character. */
  readQuoted(quote: string, what: "key" | "string"): string {
    const start = this.pos;
    this.pos++;
    let value = "";
    for (;;) {
      const end = this.text.indexOf(quote, this.pos);
      if (end < 0) {
        this.error(start, `unterminated ${what} starting with ${quote}`);
      }
      value += this.text.slice(this.pos, end);
      this.pos = end + 1;
      if (this.text[this.pos] !== quote) return value;
      value += quote;
      this.pos++;
    }
  }

  /** Reads a comparison operator, or returns undefined without consuming anything. */
  readOperator(): ComparisonOp | undefined {
    this.skipSpace();
    for (const op of SYMBOL_OPS) {
      if (this.text.startsWith(op, this.pos)) {
        this.pos += op.length;
        return op === "<>" ? "!=" : op;
      }
    }
    const save = this.pos;
    const word = this.peekWord()?.toLowerCase();
    if (word === "like" || word === "ilike" || word === "in") {
      this.pos += word.length;
      return word === "in" ? "IN" : word === "like" ? "LIKE" : "ILIKE";
    }
    if (word === "not") {
      this.pos += 3;
      if (this.keyword("in")) return "NOT IN";
    }
    this.pos = save;
    return undefined;
  }

  readNumber(): number | undefined {
    this.skipSpace();
    const start = this.pos;
    const text = this.match(NUMBER);
    if (text === undefined) return undefined;
    // `1abc` or `1.2.3` is not a number followed by something else.
    if (/[A-Za-z0-9_.]/.test(this.text[this.pos] ?? "")) {
      this.pos = start;
      return undefined;
    }
    const value = Number(text);
    if (!Number.isFinite(value)) this.error(start, `number ${text} is out of range`);
    return value === 0 ? 0 : value;
  }

  /** A quoted string value, or undefined when the next character is not a quote. */
  readString(): string | undefined {
    this.skipSpace();
    const quote = this.text[this.pos];
    if (quote !== "'" && quote !== '"') return undefined;
    return this.readQuoted(quote, "string");
  }
}

export function filterError(position: number, detail: string): never {
  throw new BadRequestError(`invalid filter at position ${position}: ${detail}`);
}
