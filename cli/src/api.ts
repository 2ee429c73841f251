/**
 * @module
 * The CLI's side of the generated client: builds it for the resolved endpoint and turns every way
 * a call can fail into a `CliError` with the right exit code and one readable line — a network
 * failure names the endpoint and how to change it; an HTTP error shows the server's envelope.
 */
import { backpressureOf, createNanofaasClient, type NanofaasClient } from "../../openapi/client";
import { VERSION } from "../../src/lib/version";
import type { ResolvedEndpoint } from "./config";
import type { Credential } from "./credentials";
import { CliError, ExitCode, exitCodeForStatus } from "./errors";

const USER_AGENT = `nanofaas-cli/${VERSION}`;

export interface Api extends ResolvedEndpoint {
  client: NanofaasClient;
  /** Headers every request sends (user agent, and `Authorization` when there is a credential). */
  headers: Record<string, string>;
  /** Where the credential came from (for 401 hints); undefined when none is sent. */
  credentialSource?: string;
}

export function connect(resolved: ResolvedEndpoint, credential?: Credential): Api {
  const headers: Record<string, string> = { "user-agent": USER_AGENT };
  if (credential) headers.authorization = `Bearer ${credential.token}`;
  const client = createNanofaasClient(resolved.endpoint, { headers });
  return { ...resolved, client, headers, credentialSource: credential?.source };
}

interface Result<T> {
  data?: T;
  error?: unknown;
  response: Response;
}

/** Awaits a client call; network failures become exit 5 with a hint. HTTP errors are returned. */
export async function send<R extends Result<unknown>>(api: Api, request: Promise<R>): Promise<R> {
  try {
    return await request;
  } catch (error) {
    throw unreachable(api, error);
  }
}

/** A plain GET of a path outside the typed client (e.g. /openapi.json), with `send`'s error. */
export async function getRaw(api: Api, path: string, timeoutMs: number): Promise<Response> {
  try {
    return await fetch(`${api.endpoint}${path}`, {
      signal: AbortSignal.timeout(timeoutMs),
      headers: api.headers,
    });
  } catch (error) {
    throw unreachable(api, error);
  }
}

function unreachable(api: Api, error: unknown): CliError {
  return new CliError(
    ExitCode.UNAVAILABLE,
    `cannot reach nanofaas at ${api.endpoint} (${networkReason(error)}) — is it running? ` +
      `set --endpoint or NANOFAAS_ENDPOINT${api.source === "default" || api.source.startsWith("context") ? "" : ` (now from ${api.source})`}`,
  );
}

/** Like `send`, then throws for any non-2xx answer. */
export async function expectOk<T>(api: Api, request: Promise<Result<T>>): Promise<{ data: T; response: Response }> {
  const result = await send(api, request);
  if (result.response.ok) return { data: result.data as T, response: result.response };
  throw httpError(result.response, result.error, api);
}

/** `CODE: message` from the envelope (plus 429 retry hints, validation details, what to do on 401/403). */
export function httpError(response: Response, body: unknown, api?: Pick<Api, "credentialSource">): CliError {
  const envelope = body as { error?: unknown; message?: unknown; details?: unknown } | undefined;
  const code = typeof envelope?.error === "string" ? envelope.error : `HTTP ${response.status}`;
  const message =
    typeof envelope?.message === "string"
      ? envelope.message
      : typeof body === "string" && body
        ? body.slice(0, 200)
        : response.statusText;
  const hint = backpressureOf(response);
  const suffix = hint ? ` (reason ${hint.reason}; retry after ${hint.retryAfterSeconds} s)` : "";
  const details = Array.isArray(envelope?.details) ? envelope.details.map(detailLine) : [];
  if (api) details.push(...authHints(response.status, api.credentialSource));
  return new CliError(exitCodeForStatus(response.status), `${code}: ${message}${suffix}`, details);
}

/** A detail as a line: 403s carry `{scope}` objects, validation errors strings. */
function detailLine(detail: unknown): string {
  if (typeof detail === "object" && detail !== null && "scope" in detail) return `  - missing scope: ${detail.scope}`;
  return `  - ${typeof detail === "string" ? detail : JSON.stringify(detail)}`;
}

function authHints(status: number, source: string | undefined): string[] {
  if (status === 401 && source === undefined)
    return ["  this control plane needs a credential: run `nanofaas login` (key on stdin) or set NANOFAAS_TOKEN"];
  if (status === 401)
    return [`  the credential from ${source} was refused: log in again (\`nanofaas login\`) or fix NANOFAAS_TOKEN`];
  if (status === 403)
    return [`  the credential from ${source ?? "?"} is valid but lacks that scope: ask an admin for a key that has it`];
  return [];
}

/** A network failure in a few words ("connection refused", "timed out"). */
export function networkReason(error: unknown): string {
  const e = error as { code?: string; name?: string; message?: string };
  switch (e.code) {
    case "ECONNREFUSED":
    case "ConnectionRefused":
      return "connection refused";
    case "ENOTFOUND":
      return "host not found";
    case "ECONNRESET":
    case "ConnectionClosed":
      return "connection reset";
    default:
      if (e.name === "TimeoutError") return "timed out";
      return e.message?.split("\n")[0] ?? String(error);
  }
}
