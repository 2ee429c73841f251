/**
 * @module
 * Webhooks (issue 21): each is bound to a function and authenticated by its own shared secret
 * (not an API key). A delivery whose signature checks out becomes an execution of the function:
 * its JSON body is the input, a few allow-listed headers the metadata. Secrets are shown once (at
 * creation and rotation), never returned by GET, never logged.
 */
import { randomBytes } from "node:crypto";
import { NanofaasError, notFound } from "../../domain/errors";
import type { Payload } from "../../domain/payload";
import type { InvocationOutcome, Invoker } from "../../execution/invoker";
import { RawJson } from "../../lib/raw-json";
import type { WebhookFilter, WebhookRow, WebhookRows } from "../../store/trigger-rows";
import type { TriggerActivity } from "../trigger-activity";
import type { TriggerMetrics } from "../trigger-metrics";
import { filtersMatch } from "./filters";
import { signatureProblem } from "./signatures";

/** Headers copied into the execution's metadata (lower-case). */
export const METADATA_HEADERS = [
  "x-github-event",
  "x-github-delivery",
  "x-github-hook-id",
  "x-nanofaas-event",
  "x-request-id",
];

export interface WebhookInput {
  id: string;
  function: string;
  format: WebhookRow["format"];
  mode?: WebhookRow["mode"];
  filters?: WebhookFilter[];
}

export type WebhookView = Omit<
  WebhookRow,
  "secret" | "previousSecret" | "previousSecretExpiresAt" | "createdAt" | "updatedAt"
> & {
  createdAt: string;
  updatedAt: string;
};

export interface Delivery {
  headers: (name: string) => string | undefined;
  body: Uint8Array;
}

export type DeliveryResult = { skipped: true } | { outcome: InvocationOutcome; mode: WebhookRow["mode"] };

export interface WebhookServiceDeps {
  rows: WebhookRows;
  invoker: () => Pick<Invoker, "invoke" | "enqueue">;
  functionExists: (name: string) => boolean;
  secretOverlapMs: number;
  /** Parses the body; throws a 400 NanofaasError (the API's parser applies NANOFAAS_MAX_JSON_DEPTH). */
  parseBody?: (text: string) => unknown;
  now?: () => number;
  metrics?: TriggerMetrics;
  /** Where deliveries and refused ones are remembered (GET /v1/triggers lastFireAt, lastError). */
  activity?: TriggerActivity;
}

const newSecret = () => `whsec_${randomBytes(32).toString("base64url")}`;

export class WebhookService {
  private hooks: Map<string, WebhookRow> | undefined;
  private loading: Promise<Map<string, WebhookRow>> | undefined;
  private readonly now: () => number;

  constructor(private readonly deps: WebhookServiceDeps) {
    this.now = deps.now ?? Date.now;
  }

  async create(input: WebhookInput): Promise<{ view: WebhookView; secret: string }> {
    const hooks = await this.all();
    if (hooks.has(input.id)) throw new NanofaasError("CONFLICT", `Webhook '${input.id}' already exists`);
    if (!this.deps.functionExists(input.function)) throw notFound(`Function '${input.function}'`);
    const now = this.now();
    const row: WebhookRow = {
      id: input.id,
      function: input.function,
      format: input.format,
      mode: input.mode ?? "async",
      filters: input.filters ?? [],
      secret: newSecret(),
      previousSecret: null,
      previousSecretExpiresAt: null,
      createdAt: now,
      updatedAt: now,
    };
    await this.deps.rows.put(row);
    hooks.set(row.id, row);
    return { view: viewOf(row), secret: row.secret };
  }

  async list(fn?: string): Promise<WebhookView[]> {
    const rows = [...(await this.all()).values()].filter((row) => fn === undefined || row.function === fn);
    return rows.sort((a, b) => a.id.localeCompare(b.id)).map(viewOf);
  }

  async get(id: string): Promise<WebhookView> {
    return viewOf(await this.require(id));
  }

  async delete(id: string): Promise<void> {
    const row = await this.require(id);
    await this.deps.rows.delete(id);
    this.hooks?.delete(id);
    this.deps.activity?.forget("webhook", row.function, id);
  }

  /** A new secret; the old one stays valid for the overlap (NANOFAAS_WEBHOOK_SECRET_OVERLAP). */
  async rotateSecret(id: string): Promise<string> {
    const row = await this.require(id);
    const now = this.now();
    const rotated = {
      ...row,
      secret: newSecret(),
      previousSecret: row.secret,
      previousSecretExpiresAt: now + this.deps.secretOverlapMs,
      updatedAt: now,
    };
    await this.deps.rows.put(rotated);
    this.hooks?.set(id, rotated);
    return rotated.secret;
  }

  /** Verifies, filters and starts the execution. 404 unknown webhook, 401 bad signature, 400 not JSON. */
  async deliver(id: string, delivery: Delivery): Promise<DeliveryResult> {
    const row = (await this.all()).get(id);
    if (!row) throw notFound(`Webhook '${id}'`);
    const header = delivery.headers(row.format === "github" ? "x-hub-signature-256" : "x-nanofaas-signature");
    const problem = signatureProblem(row.format, header, delivery.body, this.validSecrets(row), this.now());
    if (problem) {
      this.deps.metrics?.webhook(row.function, row.id, "rejected");
      this.deps.activity?.failed("webhook", row.function, row.id, `signature rejected: ${problem}`);
      throw new NanofaasError("UNAUTHENTICATED", `Webhook signature rejected: ${problem}`);
    }
    const text = new TextDecoder().decode(delivery.body);
    const parsed = this.parse(text);
    if (!filtersMatch(row.filters, delivery.headers, parsed)) {
      this.deps.metrics?.webhook(row.function, row.id, "filtered");
      return { skipped: true };
    }
    return this.start(row, text, delivery);
  }

  private async start(row: WebhookRow, text: string, delivery: Delivery): Promise<DeliveryResult> {
    const metadata: Record<string, string> = { "webhook-id": row.id };
    for (const name of METADATA_HEADERS) {
      const value = delivery.headers(name);
      if (value !== undefined) metadata[name] = value;
    }
    const request = { input: new RawJson(text) as Payload, metadata };
    const options = { trigger: { type: "webhook" as const, id: row.id } };
    try {
      const invoker = this.deps.invoker();
      const outcome =
        row.mode === "sync"
          ? await invoker.invoke(row.function, request, options)
          : await invoker.enqueue(row.function, request, options);
      this.deps.metrics?.webhook(row.function, row.id, "delivered");
      this.deps.activity?.fired("webhook", row.function, row.id);
      return { outcome, mode: row.mode };
    } catch (error) {
      this.deps.metrics?.webhook(row.function, row.id, "failed");
      this.deps.activity?.failed("webhook", row.function, row.id, error);
      throw error;
    }
  }

  private parse(text: string): unknown {
    if (this.deps.parseBody) return this.deps.parseBody(text);
    try {
      return JSON.parse(text);
    } catch {
      throw new NanofaasError("BAD_REQUEST", "A webhook delivery body must be JSON");
    }
  }

  private validSecrets(row: WebhookRow): string[] {
    const previousValid = row.previousSecret !== null && (row.previousSecretExpiresAt ?? 0) > this.now();
    return previousValid ? [row.secret, row.previousSecret as string] : [row.secret];
  }

  private async require(id: string): Promise<WebhookRow> {
    const row = (await this.all()).get(id);
    if (!row) throw notFound(`Webhook '${id}'`);
    return row;
  }

  private async all(): Promise<Map<string, WebhookRow>> {
    if (this.hooks) return this.hooks;
    this.loading ??= this.deps.rows.loadAll().then((rows) => new Map(rows.map((row) => [row.id, row])));
    this.hooks = await this.loading;
    return this.hooks;
  }
}

function viewOf(row: WebhookRow): WebhookView {
  return {
    id: row.id,
    function: row.function,
    format: row.format,
    mode: row.mode,
    filters: row.filters,
    createdAt: new Date(row.createdAt).toISOString(),
    updatedAt: new Date(row.updatedAt).toISOString(),
  };
}
