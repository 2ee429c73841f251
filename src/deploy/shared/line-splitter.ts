/**
 * @module
 * Cuts a replica's decoded output into lines, for the control plane's log and the log hub: the
 * process backend reads pipes, the docker backend a demultiplexed log stream.
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
