/**
 * @module
 * A budget for the execution inputs and outputs kept in memory (issue 13.7: 350 enqueues of 5 MiB
 * took the control plane from 76 MB to 1.94 GB in 10 s — retention was bounded only by time).
 * `NANOFAAS_MAX_RETAINED_BYTES` (default 256 MiB) caps the sum of the pod request bodies (input +
 * metadata, as sent) and outputs of the executions in the store:
 *   - a new invocation whose body does not fit is refused: 429 QUEUE_FULL, reason `memory`,
 *     `Retry-After` — nothing is queued;
 *   - an output that does not fit is still returned to a waiting sync caller, but the retained
 *     copy (what `GET /v1/executions/{id}` shows) is replaced by a small marker object.
 * Bytes are given back when the store drops a record's payload (cleanup TTL) or the record.
 * Sizes are UTF-16 code units of the JSON text: close to bytes for the ASCII-heavy JSON of APIs.
 */
import type { Payload } from "../domain/payload";
import type { Json } from "../contracts/pod";
import { jsonText } from "../lib/raw-json";
import { NanofaasError } from "../domain/errors";
import type { EngineObserver } from "./engine-observer";
import type { ExecutionRecord } from "./execution-record";

export const RETAINED_BYTES_SETTING = "NANOFAAS_MAX_RETAINED_BYTES";

/** What a retained output becomes when it does not fit; `bytes` is the size that was not kept. */
export interface TruncatedOutput {
  truncated: true;
  bytes: number;
  reason: string;
}

export class RetainedBytes {
  private usedBytes = 0;

  constructor(
    readonly maxBytes: number,
    private readonly retryAfterSeconds = 1,
    /** Runs `task` once the current turn (and the sync caller's answer) is done. */
    private readonly later: (task: () => void) => void = (task) => void setTimeout(task, 0),
  ) {}

  get used(): number {
    return this.usedBytes;
  }

  /** Charges `record`'s request body, or throws 429 QUEUE_FULL (reason memory) when it does not fit. */
  admit(record: ExecutionRecord): void {
    const size = record.body.length;
    if (this.usedBytes + size > this.maxBytes) {
      throw new NanofaasError(
        "QUEUE_FULL",
        `Execution inputs and outputs held in memory would exceed ${RETAINED_BYTES_SETTING} (${this.maxBytes} bytes); retry later`,
        { retryAfterSeconds: this.retryAfterSeconds, rejectReason: "memory" },
      );
    }
    this.charge(record, size);
  }

  /** The store dropped `record` or its payload: its bytes are free again. */
  release(record: ExecutionRecord): void {
    this.usedBytes -= record.releaseRetained();
  }

  /** Charges a terminal record's output; one that does not fit is replaced after this turn. */
  readonly observer: EngineObserver = {
    onFinished: (record) => {
      const size = outputSize(record.output);
      if (size === 0) return;
      if (this.usedBytes + size <= this.maxBytes) {
        this.charge(record, size);
        return;
      }
      // Not now: a sync caller is woken by this very transition and must get the whole output.
      this.later(() => {
        if (record.output === null) return; // dropped meanwhile
        const marker: TruncatedOutput = {
          truncated: true,
          bytes: size,
          reason: `${RETAINED_BYTES_SETTING} reached; output not retained`,
        };
        record.replaceOutput(marker as unknown as Json);
        this.charge(record, outputSize(record.output));
      });
    },
  };

  private charge(record: ExecutionRecord, size: number): void {
    this.usedBytes += size;
    record.chargeRetained(size);
  }
}

function outputSize(output: Payload | null): number {
  // A raw output (lib/raw-json) is measured as its text, without a parse.
  return output === null ? 0 : jsonText(output).length;
}
