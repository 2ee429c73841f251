/**
 * @module
 * Forwards a child's stdout/stderr line by line with a `[fn/<name>#<replica>]` prefix, so that the
 * output of many replicas interleaves readably on the control plane's stderr.
 */
import { LineSplitter } from "../shared/line-splitter";

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
