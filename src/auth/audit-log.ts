/**
 * @module
 * The audit log (issue 18): every mutating call and every denied one becomes one event, written as
 * a JSON line through the logger (`"msg":"audit"`) and appended to the store (write-behind: the
 * request never waits for it). Events name the actor by key prefix or token subject — never a
 * secret — and carry the request id the client saw or was given.
 */
import type { Logger } from "../observability/logger";
import type { AuditRow, AuditRows } from "../store/state-store";
import type { Principal } from "./principal";

export interface AuditEvent {
  action: string;
  target: string | null;
  outcome: "success" | "failure" | "denied";
  status: number;
  principal?: Principal;
  requestId: string;
  source: string;
}

export class AuditLog {
  private lastTime = 0;
  private sequence = 0;
  private readonly instance = crypto.randomUUID().slice(0, 8);

  constructor(
    private readonly rows: AuditRows,
    private readonly logger: Logger,
    private readonly now: () => number = Date.now,
  ) {}

  record(event: AuditEvent): AuditRow {
    const time = this.now();
    const row: AuditRow = {
      id: this.nextId(time),
      time,
      actor: event.principal?.actor ?? "anonymous",
      tenant: event.principal?.tenant ?? "default",
      action: event.action,
      target: event.target,
      outcome: event.outcome,
      status: event.status,
      requestId: event.requestId,
      source: event.source,
    };
    this.logger.info({ audit: { ...row, time: new Date(time).toISOString() } }, "audit");
    this.rows.append(row);
    return row;
  }

  /**
   * Ids sort like time: 13 digits of epoch ms, a per-millisecond sequence, and this process's
   * instance tag, so control planes sharing a store never collide.
   */
  private nextId(time: number): string {
    // A clock that steps back keeps counting within the last millisecond seen.
    if (time > this.lastTime) [this.lastTime, this.sequence] = [time, 0];
    else this.sequence += 1;
    return `${String(this.lastTime).padStart(13, "0")}-${String(this.sequence).padStart(6, "0")}-${this.instance}`;
  }
}
