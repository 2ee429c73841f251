/**
 * @module
 * What each trigger did last (issue 21), for `GET /v1/triggers` and `GET /v1/functions/{name}`:
 * when it last fired (a cron fire, a webhook delivery, a message taken from a broker), its last
 * error, and — for message-queue consumers — the connection state. Kept in memory only: it
 * describes this control plane's process (a cron schedule's durable `lastRunAt` lives in the store).
 *
 * Error texts are redacted here, once for every writer: a broker error may quote the URL it failed
 * to reach, with the user and password the operator put in `NANOFAAS_SOURCE_*`.
 */
export type TriggerType = "cron" | "webhook" | "nats" | "rabbitmq";

/** A message-queue consumer's state; cron and webhooks have none here (theirs comes from their spec). */
export type ConsumerState = "connecting" | "consuming" | "reconnecting" | "not-started";

export interface TriggerRecord {
  state?: ConsumerState;
  /** Epoch ms of the last fire / delivery / message. */
  lastFireAt: number | null;
  lastError: { message: string; at: number } | null;
}

const keyOf = (type: TriggerType, fn: string, id: string) => `${type}\u0000${fn}\u0000${id}`;

/** `scheme://user:pass@host` → `scheme://***:***@host`, anywhere in a text. */
export function redactCredentials(text: string): string {
  return text.replace(/([a-z][a-z0-9+.-]*:\/\/)[^\s/@]+@/gi, "$1***:***@");
}

function messageOf(error: unknown): string {
  const text = error instanceof Error ? error.message || error.name : String(error);
  return redactCredentials(text).slice(0, 500);
}

export class TriggerActivity {
  private readonly records = new Map<string, TriggerRecord>();

  constructor(private readonly now: () => number = Date.now) {}

  fired(type: TriggerType, fn: string, id: string): void {
    this.record(type, fn, id).lastFireAt = this.now();
  }

  failed(type: TriggerType, fn: string, id: string, error: unknown): void {
    this.record(type, fn, id).lastError = { message: messageOf(error), at: this.now() };
  }

  /** A consumer's connection state; an error given with it becomes its last error. */
  consumer(type: TriggerType, fn: string, id: string, state: ConsumerState, error?: unknown): void {
    this.record(type, fn, id).state = state;
    if (error !== undefined) this.failed(type, fn, id, error);
  }

  get(type: TriggerType, fn: string, id: string): TriggerRecord | undefined {
    return this.records.get(keyOf(type, fn, id));
  }

  forget(type: TriggerType, fn: string, id: string): void {
    this.records.delete(keyOf(type, fn, id));
  }

  /** Forgets a deleted function's triggers (so churn of functions cannot grow this map). */
  forgetFunction(fn: string): void {
    for (const key of this.records.keys()) if (key.split("\u0000")[1] === fn) this.records.delete(key);
  }

  private record(type: TriggerType, fn: string, id: string): TriggerRecord {
    const key = keyOf(type, fn, id);
    let record = this.records.get(key);
    if (!record) {
      record = { lastFireAt: null, lastError: null };
      this.records.set(key, record);
    }
    return record;
  }
}
