/**
 * @module
 * The SQLite batch writer's thread (a Bun Worker, started by batch-writer.ts). It owns a second
 * connection to the same WAL database and runs every WriteBatcher commit — group-committed
 * `accept` rows and write-behind rows — so the INSERTs, their index updates, WAL appends, fsyncs and
 * checkpoints no longer run on the event loop that serves `:invoke`. A batch arrives as one JSON
 * string (cheaper to hand over than a structured clone of row objects) and is answered with its
 * sequence number once committed, or with the error that stopped it.
 *
 * The compiled binary embeds this file as a second entry point (scripts/build.ts).
 */
import { Database } from "bun:sqlite";
import { type BehindRow, prepareBatchCommit, synchronousSwitch } from "./core-rows";
import type { ExecutionRow } from "../state-store";
import type { WorkerReply, WorkerRequest } from "./batch-protocol";

declare const self: Worker;

let db: Database | undefined;
let commit: ((batch: { accepted: ExecutionRow[]; behind: BehindRow[] }) => void) | undefined;
let finalize: (() => void) | undefined;

const reply = (message: WorkerReply) => self.postMessage(message);

function errorOf(error: unknown): { message: string; name?: string; code?: string } {
  if (!(error instanceof Error)) return { message: String(error) };
  const code = (error as { code?: unknown }).code;
  return typeof code === "string"
    ? { message: error.message, name: error.name, code }
    : { message: error.message, name: error.name };
}

function open(request: Extract<WorkerRequest, { type: "open" }>): void {
  const connection = new Database(request.path, { strict: true });
  connection.run(`PRAGMA busy_timeout = ${request.busyTimeoutMs}`);
  const batch = prepareBatchCommit(connection, synchronousSwitch(connection, request.fsync));
  db = connection;
  commit = batch.commit;
  finalize = () => {
    for (const statement of batch.statements) statement.finalize();
  };
}

self.onmessage = (event: MessageEvent<WorkerRequest>) => {
  const request = event.data;
  try {
    switch (request.type) {
      case "open":
        open(request);
        return reply({ type: "done", seq: request.seq });
      case "commit":
        if (!commit) throw new Error("the SQLite writer thread has no open database");
        commit(JSON.parse(request.batch));
        return reply({ type: "done", seq: request.seq });
      case "close":
        finalize?.();
        db?.close();
        db = undefined;
        commit = undefined;
        return reply({ type: "done", seq: request.seq });
    }
  } catch (error) {
    reply({ type: "failed", seq: request.seq, error: errorOf(error) });
  }
};
