/**
 * @module
 * word-stats: word count, unique words, the top N words and the average word length of a text.
 * Input: `{"text": string, "topN"?: number}` or a bare string. Domain errors are 200 outputs
 * `{"error": "..."}`, as in the reference. The Python twin (../python/handler.py) gives identical
 * outputs; rules that differ between the languages are spelled out here so both follow them.
 */
import type { Handler } from "../../../runtimes/bun/src/sdk.ts";

export type WordStats =
  | { wordCount: number; uniqueWords: number; topWords: { word: string; count: number }[]; averageWordLength: number }
  | { error: string };

// JavaScript's \s, written out so Python can use the very same set.
const BLANK = /^[\t\n\v\f\r \u00a0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000\ufeff]*$/;
// A word is a run of Unicode letters and digits; everything else separates words ("don't" → don, t).
const WORD = /[\p{L}\p{N}]+/gu;
const DEFAULT_TOP_N = 10;

/** Code-point order, as Python compares strings (plain `<` compares UTF-16 units). */
function compareCodePoints(a: string, b: string): number {
  const x = [...a];
  const y = [...b];
  for (let i = 0; i < Math.min(x.length, y.length); i++) {
    const d = x[i]!.codePointAt(0)! - y[i]!.codePointAt(0)!;
    if (d !== 0) return d;
  }
  return x.length - y.length;
}

/** total/count rounded half-up to 2 decimals, in integers so no binary fraction can tip it. */
function averageHalfUp(total: number, count: number): number {
  return Math.floor((total * 200 + count) / (2 * count)) / 100;
}

function topNOf(value: unknown): number {
  if (typeof value !== "number") return DEFAULT_TOP_N;
  const n = Math.floor(value);
  return n > 0 ? n : DEFAULT_TOP_N;
}

export function wordStats(input: unknown): WordStats {
  const fields =
    typeof input === "string"
      ? { text: input }
      : typeof input === "object" && input !== null && !Array.isArray(input)
        ? (input as Record<string, unknown>)
        : {};
  const { text } = fields;
  if (typeof text !== "string" || BLANK.test(text)) return { error: "Field 'text' is required and must be non-empty" };
  const words = text.toLowerCase().match(WORD) ?? [];
  if (words.length === 0) return { error: "No words found in input" };
  const counts = new Map<string, number>();
  let chars = 0;
  for (const word of words) {
    counts.set(word, (counts.get(word) ?? 0) + 1);
    chars += [...word].length; // characters (code points), not UTF-16 units
  }
  const topWords = [...counts]
    .sort(([a, ca], [b, cb]) => cb - ca || compareCodePoints(a, b))
    .slice(0, topNOf(fields.topN))
    .map(([word, count]) => ({ word, count }));
  return {
    wordCount: words.length,
    uniqueWords: counts.size,
    topWords,
    averageWordLength: averageHalfUp(chars, words.length),
  };
}

const handler: Handler<unknown, WordStats> = ({ input }) => wordStats(input);
export default handler;
