/**
 * @module
 * Forwards a child's stdout/stderr line by line with a `[fn/<name>#<replica>]` prefix, so that the
 * output of many replicas interleaves readably on the control plane's stderr.
 */

/** Longest line kept whole; a child that never prints a newline must not grow our memory. */
export const MAX_LINE_CHARS = 16 * 1024;

/** Splits decoded text into lines; `push` returns the complete ones, `end` the remainder. */
export class LineSplitter {
  private pending = "";

  push(text: string): string[] {
    const parts = (this.pending + text).split("\n");
    this.pending = parts.pop() ?? "";
    const lines = parts.map((line) => (line.endsWith("\r") ? line.slice(0, -1) : line));
    while (this.pending.length > MAX_LINE_CHARS) {
      lines.push(this.pending.slice(0, MAX_LINE_CHARS));
      this.pending = this.pending.slice(MAX_LINE_CHARS);
    }
    return lines;
  }

  end(): string[] {
    const rest = this.pending;
    this.pending = "";
    return rest === "" ? [] : [rest];
  }
}

/**
 * Reads `stream` to its end, calling `emit(prefix + " " + line)` and `capture(line)` per line.
 * Never rejects.
 */
export async function forwardLines(
  stream: ReadableStream<Uint8Array>,
  prefix: string,
  emit: (line: string) => void,
  capture: (line: string) => void = () => undefined,
): Promise<void> {
  const each = (line: string) => {
    emit(`${prefix} ${line}`);
    capture(line);
  };
  const decoder = new TextDecoder();
  const splitter = new LineSplitter();
  const reader = stream.getReader();
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      for (const line of splitter.push(decoder.decode(value, { stream: true }))) each(line);
    }
  } catch {
    // The pipe broke because the child died: whatever it printed so far has been forwarded.
  }
  for (const line of splitter.push(decoder.decode())) each(line);
  for (const line of splitter.end()) each(line);
}
