/**
 * @module
 * The workflows' small expression language (SPEC-platform §7). Two uses:
 * - references, `$.input.order.id`, `$.steps.extract.output.rows[0]`, `$['odd key']`: a path into
 *   the run's scope `{input, steps: {<id>: {output, status}}}`; a missing part yields null;
 * - `when` conditions: references and JSON literals (numbers, 'single' or "double" quoted strings,
 *   true, false, null) combined with `== != < <= > >=`, `&&`, `||`, `!` and parentheses.
 * A hand-written tokenizer and recursive-descent parser (about a hundred lines) rather than a
 * dependency: JSONPath libraries evaluate filters and scripts we do not want from a request body,
 * and the grammar is small enough to test completely.
 */

export type PathPart = string | number;
export type Expr =
  | { kind: "literal"; value: unknown }
  | { kind: "path"; parts: PathPart[] }
  | { kind: "not"; operand: Expr }
  | { kind: "binary"; op: BinaryOp; left: Expr; right: Expr };
type BinaryOp = "==" | "!=" | "<" | "<=" | ">" | ">=" | "&&" | "||";

/** A parse error; the message says where (validation puts it in the 400's details). */
export class ExpressionError extends Error {}

type Token = { type: "op" | "num" | "str" | "word" | "path"; text: string; value?: unknown; at: number };

const OPS = ["==", "!=", "<=", ">=", "&&", "||", "<", ">", "!", "(", ")"];
const NAME = /^[A-Za-z_][A-Za-z0-9_-]*/;

/** Reads a reference starting at `src[at] === "$"`; returns its parts and where it ended. */
function readPath(src: string, start: number): { parts: PathPart[]; end: number } {
  const parts: PathPart[] = [];
  let at = start + 1;
  for (;;) {
    if (src[at] === ".") {
      const name = NAME.exec(src.slice(at + 1))?.[0];
      if (!name) throw new ExpressionError(`expected a name after '.' at position ${at + 1}`);
      parts.push(name);
      at += 1 + name.length;
    } else if (src[at] === "[") {
      const index = /^\[(\d+)\]/.exec(src.slice(at));
      const quoted = /^\[(?:'([^'\\]*)'|"([^"\\]*)")\]/.exec(src.slice(at));
      if (index) parts.push(Number(index[1]));
      else if (quoted) parts.push(quoted[1] ?? quoted[2] ?? "");
      else throw new ExpressionError(`expected [number] or ['name'] at position ${at}`);
      at += (index ?? quoted)?.[0].length ?? 0;
    } else return { parts, end: at };
  }
}

function tokenize(src: string): Token[] {
  const tokens: Token[] = [];
  let at = 0;
  while (at < src.length) {
    const ch = src[at] as string;
    if (/\s/.test(ch)) at++;
    else if (ch === "$") {
      const { parts, end } = readPath(src, at);
      tokens.push({ type: "path", text: src.slice(at, end), value: parts, at });
      at = end;
    } else if (ch === "'" || ch === '"') {
      const end = src.indexOf(ch, at + 1);
      if (end < 0) throw new ExpressionError(`unterminated string at position ${at}`);
      tokens.push({ type: "str", text: src.slice(at, end + 1), value: src.slice(at + 1, end), at });
      at = end + 1;
    } else if (/[-\d]/.test(ch)) {
      const num = /^-?\d+(\.\d+)?([eE][-+]?\d+)?/.exec(src.slice(at))?.[0];
      if (!num) throw new ExpressionError(`unexpected '${ch}' at position ${at}`);
      tokens.push({ type: "num", text: num, value: Number(num), at });
      at += num.length;
    } else {
      const op = OPS.find((o) => src.startsWith(o, at));
      const word = op ? undefined : /^[A-Za-z]+/.exec(src.slice(at))?.[0];
      if (!op && !word) throw new ExpressionError(`unexpected '${ch}' at position ${at}`);
      tokens.push({ type: op ? "op" : "word", text: (op ?? word) as string, at });
      at += (op ?? word)?.length ?? 1;
    }
  }
  return tokens;
}

const LITERAL_WORDS: Record<string, unknown> = { true: true, false: false, null: null };
const PRECEDENCE: [BinaryOp[], boolean][] = [
  [["||"], true],
  [["&&"], true],
  [["==", "!=", "<", "<=", ">", ">="], false],
];

/** Parses a `when` condition (or any expression). Throws ExpressionError naming the position. */
export function parseExpression(src: string): Expr {
  const tokens = tokenize(src);
  let pos = 0;
  const peek = () => tokens[pos];
  const fail = (what: string): never => {
    const token = peek();
    throw new ExpressionError(token ? `${what} at position ${token.at}, found '${token.text}'` : `${what} at the end`);
  };
  const level = (n: number): Expr => {
    const rule = PRECEDENCE[n];
    if (!rule) return unary();
    const [ops, chains] = rule;
    let left = level(n + 1);
    for (let token = peek(); token?.type === "op" && ops.includes(token.text as BinaryOp); token = peek()) {
      pos++;
      left = { kind: "binary", op: token.text as BinaryOp, left, right: level(n + 1) };
      if (!chains) break;
    }
    return left;
  };
  const unary = (): Expr => {
    const token = peek() ?? fail("expected a value");
    pos++;
    if (token.type === "op" && token.text === "!") return { kind: "not", operand: unary() };
    if (token.type === "op" && token.text === "(") {
      const inner = level(0);
      if (peek()?.text !== ")") fail("expected ')'");
      pos++;
      return inner;
    }
    if (token.type === "path") return { kind: "path", parts: token.value as PathPart[] };
    if (token.type === "num" || token.type === "str") return { kind: "literal", value: token.value };
    if (token.type === "word" && token.text in LITERAL_WORDS)
      return { kind: "literal", value: LITERAL_WORDS[token.text] };
    pos--;
    return fail("expected a value");
  };
  const expr = level(0);
  if (pos < tokens.length) fail("unexpected token");
  return expr;
}

/** Parses a reference (`$…` and nothing else). */
export function parseReference(src: string): PathPart[] {
  if (!src.startsWith("$")) throw new ExpressionError("a reference starts with '$'");
  const { parts, end } = readPath(src, 0);
  if (end !== src.length) throw new ExpressionError(`unexpected '${src[end]}' at position ${end}`);
  return parts;
}

export function resolvePath(scope: unknown, parts: PathPart[]): unknown {
  let value = scope;
  for (const part of parts) {
    if (value === null || typeof value !== "object") return null;
    const next = (value as Record<string | number, unknown>)[part];
    if (next === undefined || (Array.isArray(value) && typeof part !== "number")) return null;
    value = next;
  }
  return value;
}

const sameJson = (a: unknown, b: unknown) => a === b || JSON.stringify(a) === JSON.stringify(b);
/** JSON truthiness: null, false, 0, "" are false (as JavaScript), every object and array is true. */
export const truthy = (value: unknown) => Boolean(value);

function compare(op: BinaryOp, a: unknown, b: unknown): boolean {
  if (op === "==") return sameJson(a, b);
  if (op === "!=") return !sameJson(a, b);
  // Ordering only between two numbers or two strings; anything else is false, never an error.
  if (typeof a !== typeof b || (typeof a !== "number" && typeof a !== "string")) return false;
  const [x, y] = [a as number | string, b as number | string];
  return op === "<" ? x < y : op === "<=" ? x <= y : op === ">" ? x > y : x >= y;
}

export function evaluate(expr: Expr, scope: unknown): unknown {
  switch (expr.kind) {
    case "literal":
      return expr.value;
    case "path":
      return resolvePath(scope, expr.parts);
    case "not":
      return !truthy(evaluate(expr.operand, scope));
    default: {
      if (expr.op === "&&") return truthy(evaluate(expr.left, scope)) && truthy(evaluate(expr.right, scope));
      if (expr.op === "||") return truthy(evaluate(expr.left, scope)) || truthy(evaluate(expr.right, scope));
      return compare(expr.op, evaluate(expr.left, scope), evaluate(expr.right, scope));
    }
  }
}

/** Every reference in an expression (validation checks which steps they name). */
export function referencesOf(expr: Expr): PathPart[][] {
  if (expr.kind === "path") return [expr.parts];
  if (expr.kind === "not") return referencesOf(expr.operand);
  if (expr.kind === "binary") return [...referencesOf(expr.left), ...referencesOf(expr.right)];
  return [];
}
