/**
 * @module
 * Splits `WATCHDOG_CMD` into an argv without a shell. The reference split on whitespace only, so a
 * quoted argument (`python3 -c 'print(1)'`) could not be expressed; we accept POSIX-style single
 * quotes, double quotes and backslash escapes, and nothing else (no `$VAR`, no globs, no pipes —
 * use `sh -c '...'` for those). Returns undefined for an unterminated quote or trailing backslash.
 */
export function splitCommand(text: string): string[] | undefined {
  const argv: string[] = [];
  let current = "";
  let inWord = false;
  let i = 0;
  while (i < text.length) {
    const ch = text[i]!;
    if (ch === "'") {
      const end = text.indexOf("'", i + 1);
      if (end < 0) return undefined;
      current += text.slice(i + 1, end);
      inWord = true;
      i = end + 1;
    } else if (ch === '"') {
      const parsed = readDoubleQuoted(text, i + 1);
      if (!parsed) return undefined;
      current += parsed.value;
      inWord = true;
      i = parsed.next;
    } else if (ch === "\\") {
      if (i + 1 >= text.length) return undefined;
      current += text[i + 1];
      inWord = true;
      i += 2;
    } else if (/\s/.test(ch)) {
      if (inWord) argv.push(current);
      current = "";
      inWord = false;
      i += 1;
    } else {
      current += ch;
      inWord = true;
      i += 1;
    }
  }
  if (inWord) argv.push(current);
  return argv;
}

/** Inside double quotes a backslash only escapes `"`, `\`, `$` and a backquote, as in sh. */
function readDoubleQuoted(text: string, start: number): { value: string; next: number } | undefined {
  let value = "";
  for (let i = start; i < text.length; i++) {
    const ch = text[i]!;
    if (ch === '"') return { value, next: i + 1 };
    if (ch === "\\" && i + 1 < text.length && '"\\$`'.includes(text[i + 1]!)) {
      value += text[i + 1];
      i += 1;
    } else {
      value += ch;
    }
  }
  return undefined;
}
