/**
 * @module
 * The features phase of `just bench` (issue 27): the plain control plane (in-memory store, no
 * authentication) and one control plane per feature, each a real `bun src/main.ts` process in front
 * of the same echo pod, measured by wrk over HTTP in interleaved rounds at N connections. The
 * table (features-table.ts) divides each feature's accepted requests/s by the plain one's.
 *
 * A feature is a Variant (how its process starts, which credential its client sends, what its
 * benchmark function's spec holds, what is configured after registration) plus its rows. A feature
 * this build does not have is detected from the plain process's own OpenAPI document and reported
 * as "not built" — never measured as something else. To extend a row (versioned routing joining the
 * breaker), add to its Variant's `setup`; to add a feature, add a Variant and a row.
 */
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { newKeySecret } from "../src/auth/api-key-secret";
import { TestIssuer } from "../test/support/oidc-issuer";
import { type FeatureRow, type FeatureRowSpec, featureRows } from "./features-table";
import { type HttpTarget, runSideBySide, type Sample } from "./http";
import { ASYNC_FN, enqueueTarget, SYNC_FN } from "./http-suite";
import { poolSpec, type Running, registerPoolFunction, startNanofaas, startPod } from "./lib/servers";

export interface FeaturesOptions {
  dir: string;
  seconds: number;
  rounds: number;
  warmupSeconds: number;
  connections: number;
  serverCpus?: string;
  loadgenCpus?: string;
  log: (line: string) => void;
}

export interface FeaturesResult {
  rows: FeatureRow[];
  samples: Sample[];
}

interface Call {
  base: string;
  authorization?: string;
}

interface Variant {
  id: string;
  env?: Record<string, string>;
  /** Sent by the benchmark client (and used to register the functions). */
  authorization?: string;
  /** More fields of the benchmark functions' spec. */
  spec?: Record<string, unknown>;
  /** Configuration after the functions are registered. */
  setup?: (call: Call, functionSpec: Record<string, unknown>) => Promise<void>;
  /** Also measure `:enqueue` (target `<id>-enqueue`). */
  enqueue?: boolean;
}

/** Paths of the control plane's OpenAPI document that say a feature is in this build. */
const TENANTS_PATH = "/v1/tenants/{name}";
const TRAFFIC_PATH = "/v1/functions/{name}/traffic";
const BREAKER = { failureThreshold: 5, failureRateThreshold: 50, windowMs: 10_000, resetTimeoutMs: 30_000 };
/** Quotas far above what the bench reaches: the check runs on every call, never refuses one. */
const QUOTAS = { maxRequestsPerSecond: 1_000_000, maxConcurrency: 100_000, maxQueued: 1_000_000 };

async function send(call: Call, method: string, path: string, body: unknown): Promise<void> {
  const headers: Record<string, string> = { "Content-Type": "application/json" };
  if (call.authorization) headers.Authorization = call.authorization;
  const res = await fetch(`${call.base}${path}`, { method, headers, body: JSON.stringify(body) });
  const text = await res.text();
  if (!res.ok) throw new Error(`features: ${method} ${path} answered ${res.status} ${text}`);
}

async function builtPaths(base: string): Promise<Set<string>> {
  const res = await fetch(`${base}/openapi.json`);
  if (!res.ok) throw new Error(`features: GET /openapi.json answered ${res.status}`);
  return new Set(Object.keys(((await res.json()) as { paths: Record<string, unknown> }).paths));
}

export async function runFeatures(o: FeaturesOptions): Promise<FeaturesResult> {
  const started: Running[] = [];
  const issuer = await TestIssuer.start();
  try {
    const start = async <T extends Running>(p: Promise<T>): Promise<T> => {
      const r = await p;
      started.push(r);
      return r;
    };
    const pod = await start(startPod(o.serverCpus));
    const podUrl = `${pod.base}/invoke`;
    const plain = await start(startNanofaas({ name: "plain", cpus: o.serverCpus }));
    const paths = await builtPaths(plain.base);
    const trafficBuilt = paths.has(TRAFFIC_PATH);
    const tenantsBuilt = paths.has(TENANTS_PATH);

    const apiKey = newKeySecret();
    const keysFile = join(o.dir, "bench-keys.yaml");
    writeFileSync(
      keysFile,
      `keys:\n  - name: bench\n    key: ${apiKey}\n    scopes: [functions:write, functions:invoke]\n`,
      {
        mode: 0o600,
      },
    );
    // One token for the whole run, as a client reuses its token until it expires.
    const jwt = await issuer.token({ scopes: ["functions:write", "functions:invoke"], expiresIn: 3600 });
    const variants: Variant[] = [
      {
        id: "apikey",
        env: { NANOFAAS_AUTH: "apikey", NANOFAAS_API_KEYS_FILE: keysFile },
        authorization: `Bearer ${apiKey}`,
      },
      { id: "jwt", env: issuer.env(), authorization: `Bearer ${jwt}` },
      {
        id: "sqlite",
        env: { NANOFAAS_STORE: "sqlite", NANOFAAS_DATA_DIR: join(o.dir, "features-sqlite") },
        enqueue: true,
      },
      {
        id: "resilience",
        spec: { circuitBreaker: BREAKER },
        // Versioned routing: a second version of the same spec and a 50/50 split between them.
        setup: trafficBuilt
          ? async (call, spec) => {
              await send(call, "PUT", `/v1/functions/${SYNC_FN}`, spec);
              const traffic = [
                { version: 1, weight: 50 },
                { version: 2, weight: 50 },
              ];
              await send(call, "PUT", `/v1/functions/${SYNC_FN}/traffic`, { traffic });
            }
          : undefined,
      },
    ];
    let quotasEnforced: boolean | undefined;
    if (tenantsBuilt)
      variants.push({
        id: "tenancy",
        setup: async (call) => {
          quotasEnforced = await rateQuotaEnforced(call);
          await send(call, "PUT", "/v1/tenants/default", { quotas: QUOTAS });
        },
      });

    const targets: HttpTarget[] = [];
    const register = async (nf: Running, v: Pick<Variant, "authorization" | "spec" | "setup" | "enqueue">) => {
      const extra = { authorization: v.authorization, spec: v.spec };
      await registerPoolFunction(nf.base, SYNC_FN, podUrl, o.connections, 10_000, extra);
      if (v.enqueue) await registerPoolFunction(nf.base, ASYNC_FN, podUrl, o.connections, 1_000_000, extra);
      await v.setup?.(
        { base: nf.base, authorization: v.authorization },
        poolSpec(SYNC_FN, podUrl, o.connections, 10_000, v.spec),
      );
    };
    await register(plain, { enqueue: true });
    targets.push({ id: "plain", url: `${plain.base}/v1/functions/${SYNC_FN}:invoke`, gatewayPid: plain.pid });
    const enqueueTargets = [enqueueTarget("plain-enqueue", plain, pod.base)];
    for (const v of variants) {
      const readyPath = v.authorization ? "/modules/build-metadata" : undefined;
      const nf = await start(startNanofaas({ name: v.id, env: v.env, cpus: o.serverCpus, readyPath }));
      await register(nf, v);
      targets.push({
        id: v.id,
        url: `${nf.base}/v1/functions/${SYNC_FN}:invoke`,
        gatewayPid: nf.pid,
        authorization: v.authorization,
      });
      if (v.enqueue) enqueueTargets.push(enqueueTarget(`${v.id}-enqueue`, nf, pod.base));
    }

    const log = (line: string) => {
      o.log(line);
      for (const r of started) {
        const code = r.exitCode();
        if (code !== undefined) throw new Error(`${r.name} (pid ${r.pid}) exited mid-run with ${code}`);
      }
    };
    o.log(`features: ${targets.length + enqueueTargets.length} targets at c=${o.connections}, interleaved`);
    const samples = await runSideBySide({
      targets: [...targets, ...enqueueTargets],
      podPid: pod.pid,
      connections: o.connections,
      seconds: o.seconds,
      rounds: o.rounds,
      warmupSeconds: o.warmupSeconds,
      loadgenCpus: o.loadgenCpus,
      log,
    });
    const built = { traffic: trafficBuilt, tenants: tenantsBuilt, quotasEnforced };
    return { rows: featureRows(rowSpecs(built), samples), samples };
  } finally {
    for (const r of started.reverse()) await r.stop();
    issuer.stop();
  }
}

/**
 * Whether this build applies tenant quotas, found by trying: the default tenant gets 1 request/s
 * (a burst of one), then a few sync calls; any 429 means the quota is checked on the call path.
 */
async function rateQuotaEnforced(call: Call): Promise<boolean> {
  await send(call, "PUT", "/v1/tenants/default", { quotas: { maxRequestsPerSecond: 1 } });
  let refused = 0;
  for (let i = 0; i < 5; i++) {
    const res = await fetch(`${call.base}/v1/functions/${SYNC_FN}:invoke`, {
      method: "POST",
      headers: { "Content-Type": "application/json" },
      body: "{}",
    });
    await res.arrayBuffer();
    if (res.status === 429) refused++;
  }
  return refused > 0;
}

export interface Built {
  traffic: boolean;
  tenants: boolean;
  /** Undefined when tenants are not built. */
  quotasEnforced?: boolean;
}

/** The rows of issue 27, in its order, with its budgets. */
export function rowSpecs({ traffic: trafficBuilt, tenants: tenantsBuilt, quotasEnforced }: Built): FeatureRowSpec[] {
  const invoke = { measure: "sync :invoke", baseline: "plain" } as const;
  return [
    { feature: "API key", target: "apikey", budget: 0.97, ...invoke },
    { feature: "JWT (OIDC, reused token)", target: "jwt", budget: 0.95, ...invoke },
    { feature: "durable store (SQLite)", target: "sqlite", budget: 0.95, ...invoke },
    {
      feature: "durable store (SQLite)",
      measure: ":enqueue accepted",
      target: "sqlite-enqueue",
      baseline: "plain-enqueue",
      budget: 0.5,
    },
    {
      feature: "tenancy + quotas",
      target: "tenancy",
      budget: 0.95,
      notBuilt: tenantsBuilt ? undefined : `no ${TENANTS_PATH} in this build's API`,
      note: quotasEnforced
        ? "quotas on the default tenant, checked on every call, never reached"
        : "tenants on; quotas stored but not enforced by this build (a 1 req/s probe refused nothing)",
      ...invoke,
    },
    {
      feature: "breaker + versioned routing",
      target: "resilience",
      budget: 0.97,
      note: trafficBuilt
        ? "breaker on; 50/50 traffic split over 2 versions"
        : `breaker on; versioned routing not built (no ${TRAFFIC_PATH})`,
      ...invoke,
    },
  ];
}
