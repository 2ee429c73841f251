/**
 * @module
 * The OpenAPI document's security section, from the route table (src/auth/route-scopes.ts): a
 * bearer scheme (API key or OIDC token; the /docs page offers a field to paste it), the callback
 * token scheme for `/v1/internal/*`, `security: []` on public routes, each operation's required
 * scope in its description, and the 401/403 answers every protected operation can give.
 */
import { ROUTE_RULES } from "../auth/route-scopes";

interface Operation {
  description?: string;
  security?: Record<string, string[]>[];
  responses?: Record<string, unknown>;
}
type Document = { paths?: Record<string, Record<string, Operation>>; components?: Record<string, unknown> };

const SCHEMES = {
  bearer: {
    type: "http",
    scheme: "bearer",
    description:
      "An API key (nfk_…) or, with NANOFAAS_AUTH=oidc, an OIDC access token. Not required when the control plane runs with NANOFAAS_AUTH=none.",
  },
  callbackToken: {
    type: "apiKey",
    in: "header",
    name: "X-Callback-Token",
    description: "The per-execution token a pod received with its work (runtime callbacks only)",
  },
};

export function withSecurity<T extends object>(input: T): T {
  const doc = input as Document;
  const denials = { 401: envelope(401), 403: envelope(403) };
  for (const rule of ROUTE_RULES) {
    const op = doc.paths?.[rule.path]?.[rule.method.toLowerCase()];
    if (!op) continue;
    if (rule.access === "public") {
      op.security = [];
      continue;
    }
    if (rule.access === "callback") {
      op.security = [{ callbackToken: [] }];
      op.responses = { ...op.responses, 401: denials[401] };
      continue;
    }
    op.description = `${op.description ? `${op.description}\n\n` : ""}Requires scope \`${rule.access}\`.`;
    op.responses = { ...op.responses, ...denials };
  }
  return {
    ...input,
    security: [{ bearer: [] }],
    components: { ...doc.components, securitySchemes: SCHEMES },
  } as T;
}

/** A documented error answer in the published document (a $ref: the zod schemas are already rendered). */
function envelope(status: 401 | 403) {
  const description =
    status === 401
      ? "No valid credential (UNAUTHENTICATED; see WWW-Authenticate)"
      : "The credential lacks this operation's scope (FORBIDDEN; details: [{scope}])";
  return { description, content: { "application/json": { schema: { $ref: "#/components/schemas/ErrorEnvelope" } } } };
}
