/**
 * @module
 * Docker's multiplexed log stream (a container without a TTY, which is how the docker backend
 * creates them): frames of an 8-byte header — stream type (0 stdin, 1 stdout, 2 stderr), 3 zero
 * bytes, big-endian payload length — then the payload. A followed stream arrives in chunks that
 * cut headers and payloads anywhere, so the demuxer keeps what it has not yet completed.
 */
import type { LogStream } from "../../logs/log-line";
import { LineSplitter } from "../shared/line-splitter";

export interface LogFrame {
  stream: LogStream;
  payload: Uint8Array;
}

const HEADER_BYTES = 8;
/**
 * Larger frames are refused: Docker sends each logged message — a line, or a 16 KiB piece of a
 * longer one — as a frame, so a huge length means the stream is not framed at all (a TTY
 * container's raw bytes read as a header).
 */
export const MAX_FRAME_BYTES = 1024 * 1024;

export class LogFrameDemuxer {
  private pending = new Uint8Array(0);
  /**
   * Why reading stopped: a header that cannot be Docker's. The frames before it were returned;
   * nothing after it is read (the rest of the stream cannot be framed again).
   */
  error: string | undefined;

  /** The frames completed by `chunk`, in order. */
  push(chunk: Uint8Array): LogFrame[] {
    if (this.error) return [];
    const bytes = this.pending.length === 0 ? chunk : concat(this.pending, chunk);
    const frames: LogFrame[] = [];
    const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    let offset = 0;
    while (offset + HEADER_BYTES <= bytes.length) {
      const type = bytes[offset]!;
      const size = view.getUint32(offset + 4);
      const padded = bytes[offset + 1] === 0 && bytes[offset + 2] === 0 && bytes[offset + 3] === 0;
      if (type > 2 || !padded || size > MAX_FRAME_BYTES) {
        this.error = `not a Docker log frame header (type ${type}, length ${size})`;
        this.pending = new Uint8Array(0);
        return frames;
      }
      if (offset + HEADER_BYTES + size > bytes.length) break;
      const start = offset + HEADER_BYTES;
      frames.push({ stream: type === 2 ? "stderr" : "stdout", payload: bytes.slice(start, start + size) });
      offset = start + size;
    }
    this.pending = bytes.slice(offset);
    return frames;
  }

  /** Bytes of an incomplete frame left at the end of the stream. */
  get leftover(): number {
    return this.pending.length;
  }
}

/** Frames → lines per stream: each stream has its own decoder and splitter (frames of both interleave). */
export class StreamLines {
  private readonly decoders = { stdout: new TextDecoder(), stderr: new TextDecoder() };
  private readonly splitters = { stdout: new LineSplitter(), stderr: new LineSplitter() };

  constructor(private readonly onLine: (stream: LogStream, line: string) => void) {}

  frame({ stream, payload }: LogFrame): void {
    const text = this.decoders[stream].decode(payload, { stream: true });
    for (const line of this.splitters[stream].push(text)) this.onLine(stream, line);
  }

  /** The stream ended: what is left of an unterminated last line of each stream. */
  end(): void {
    for (const stream of ["stdout", "stderr"] as const) {
      for (const line of this.splitters[stream].push(this.decoders[stream].decode())) this.onLine(stream, line);
      for (const line of this.splitters[stream].end()) this.onLine(stream, line);
    }
  }
}

function concat(a: Uint8Array, b: Uint8Array): Uint8Array {
  const out = new Uint8Array(a.length + b.length);
  out.set(a);
  out.set(b, a.length);
  return out;
}

/** A whole (non-followed) log response as lines of both streams, in order; empty lines dropped. */
export function demuxLogs(bytes: Uint8Array): string[] {
  const lines: string[] = [];
  const split = new StreamLines((_stream, line) => {
    if (line.trim() !== "") lines.push(line);
  });
  // Diagnostics only: after a bad header, the lines read before it are still worth showing.
  for (const frame of new LogFrameDemuxer().push(bytes)) split.frame(frame);
  split.end();
  return lines;
}
