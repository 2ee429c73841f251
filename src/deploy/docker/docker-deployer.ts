/**
 * @module
 * The `docker` deployment backend (SPEC §1.11): each replica of a DEPLOYMENT function is a
 * container created through the Docker Engine API on the local socket (engine-client.ts; no
 * docker CLI). It behaves like the process backend — `minReplicas` (or 1) replicas, ready when
 * `GET /health` answers 2xx, replaced when they die, round-robin `pickEndpoint` over the ready
 * ones, everything removed on `deprovision` and `close` — and like the reference's
 * container-local backend (control-plane.md §5.5: names `nanofaas-<name>-r<i>`, a same-named
 * leftover is removed first), without its per-function proxy.
 *
 * Where replicas run and how they are reached is detected once, at the first provision
 * (placement.ts); docs/docker.md explains both cases.
 */
import type { Config } from "../../config/config";
import { NanofaasError } from "../../domain/errors";
import type { ResolvedFunction } from "../../domain/resolved-function";
import type { Deployer, Unsupported } from "../deployer";
import { checkReplicaCount, ReplicaSets } from "../shared/replica-sets";
import type { ReplicaTiming } from "../shared/supervised-replica";
import { containerSpec, LABEL_APP, type Placement } from "./container-spec";
import { createEngineClient, DockerApiError, DockerUnreachableError, type EngineClient } from "./engine-client";
import { describePlacement, detectPlacement, realSelfFacts, type SelfFacts } from "./placement";
import { sleep } from "../../lib/sleep";
import { ContainerReplica } from "./replica";
import { LogHub } from "../../logs/log-hub";

export interface DockerDeployerOptions {
  /** Default: the client for `config.dockerSocket`. */
  engine?: EngineClient;
  /** How to find this process's own container (placement.ts); tests override it. */
  self?: SelfFacts;
  /** Receives backend events, one prefixed line each. Default: stderr. */
  output?: (line: string) => void;
  timing?: Partial<Omit<ReplicaTiming, "readinessTimeoutMs">>;
}

/** The Deployer plus read-only introspection for tests and diagnostics. */
export interface DockerDeployer extends Deployer {
  logs: LogHub;
  /** Current container id of each replica (undefined between a death and its replacement). */
  containerIds(name: string): (string | undefined)[];
  /** Containers started per replica index, replacements included. */
  replicaStarts(name: string): number[];
  /** The placement in use, once the first provision has detected it. */
  placement(): Placement | undefined;
}

const DEFAULT_TIMING: Omit<ReplicaTiming, "readinessTimeoutMs"> = {
  probeIntervalMs: 100,
  healthIntervalMs: 1000,
  stopGraceMs: 5000,
  backoff: { baseMs: 250, maxMs: 10_000 },
  stableAfterMs: 10_000,
};

/** Docker failures as API errors: unreachable daemon → 503, a refusal → 502 with its message. */
function backendError(error: unknown): unknown {
  if (error instanceof NanofaasError) return error;
  if (error instanceof DockerUnreachableError)
    return new NanofaasError("BACKEND_UNAVAILABLE", error.message, { cause: error });
  if (error instanceof DockerApiError)
    return new NanofaasError("BACKEND_ERROR", `docker: ${error.message}`, { cause: error });
  return new NanofaasError(
    "BACKEND_ERROR",
    `docker backend: ${error instanceof Error ? error.message : String(error)}`,
    { cause: error },
  );
}

export function createDockerDeployer(config: Config, options: DockerDeployerOptions = {}): DockerDeployer {
  const engine = options.engine ?? createEngineClient(config.dockerSocket);
  const output = options.output ?? ((line: string) => void process.stderr.write(`${line}\n`));
  const timing: ReplicaTiming = { ...DEFAULT_TIMING, ...options.timing, readinessTimeoutMs: config.readinessTimeoutMs };
  const functions = new ReplicaSets<ContainerReplica>("docker", output);
  const byContainer = new Map<string, ContainerReplica>();
  const closing = new AbortController();
  const logs = new LogHub(config.logsBufferLines);
  let placement: Placement | undefined;
  let placing: Promise<Placement> | undefined;
  let watching = false;

  /** Detected once; a failure (daemon down) is retried by the next provision. */
  function ensurePlacement(): Promise<Placement> {
    placing ??= detectPlacement({
      engine,
      self: options.self ?? realSelfFacts(),
      serverPort: config.serverPort,
      callbackUrl: config.callbackUrl,
    })
      .then((found) => {
        placement = found;
        output(`[docker] nanofaas: using ${engine.socketPath}: ${describePlacement(found)}`);
        watchDeaths();
        return found;
      })
      .catch((error) => {
        placing = undefined;
        throw error;
      });
    return placing;
  }

  /**
   * Follows the daemon's `die` events so that a dead replica leaves rotation at once instead of at
   * its next probe. Reconnects after a second if the stream breaks; probes cover the gap.
   */
  function watchDeaths(): void {
    if (watching) return;
    watching = true;
    void (async () => {
      while (!closing.signal.aborted) {
        try {
          const filters = { type: ["container"], event: ["die"], label: [`${LABEL_APP}=nanofaas`] };
          for await (const event of engine.events(filters, closing.signal)) {
            const id = event.Actor?.ID ?? event.id;
            if (id) byContainer.get(id)?.died(id);
          }
        } catch (error) {
          if (!closing.signal.aborted)
            output(`[docker] nanofaas: event stream failed (${(error as Error).message}); reconnecting`);
        }
        await sleep(1000, closing.signal);
      }
    })();
  }

  function unsupportedReason(fn: ResolvedFunction): Unsupported | undefined {
    if (fn.image?.trim()) return undefined;
    return {
      field: "image",
      reason: `the docker backend runs the function's \`image\`; function '${fn.name}' has none (a \`command\` alone needs the process backend)`,
    };
  }

  return {
    id: "docker",

    unsupportedReason,

    async provision(fn) {
      if (closing.signal.aborted) throw new NanofaasError("BACKEND_UNAVAILABLE", "the docker backend is shut down");
      const reason = unsupportedReason(fn);
      if (reason) throw new NanofaasError("BACKEND_UNAVAILABLE", reason.reason);
      try {
        const where = await ensurePlacement();
        // Validates resources before anything is created (VALIDATION_ERROR → 400).
        const spec = (index: number) => containerSpec(fn, index, where);
        spec(0);
        // "Creates or updates": an existing set is replaced, since image and env may have changed.
        await functions.remove(fn.name);
        const set = functions.create(
          fn.name,
          (index, onReadyChange, onFailed) =>
            new ContainerReplica({
              name: fn.name,
              index,
              image: fn.image!,
              spec: spec(index),
              placement: where,
              engine,
              timing,
              emit: output,
              onReadyChange,
              onFailed,
              track: (id, replica) => (replica ? byContainer.set(id, replica) : byContainer.delete(id)),
              capture: (stream, line) => logs.record(fn.name, String(index), stream, line),
            }),
        );
        try {
          await set.scaleTo(Math.max(0, fn.scalingConfig?.minReplicas ?? 1));
        } catch (error) {
          // A registration that failed leaves nothing behind, not even the replicas that started.
          await functions.remove(fn.name);
          throw error;
        }
        const first = set.replicas[0]?.baseUrl;
        return { endpointUrl: first ? `${first}/invoke` : `docker://${fn.name}` };
      } catch (error) {
        throw backendError(error);
      }
    },

    async deprovision(name) {
      await functions.remove(name);
      logs.forget(name);
    },

    async setReplicas(name, replicas) {
      const set = functions.existing(name);
      checkReplicaCount(replicas);
      if (closing.signal.aborted) throw new NanofaasError("BACKEND_UNAVAILABLE", "the docker backend is shut down");
      try {
        await set.scaleTo(replicas);
      } catch (error) {
        throw backendError(error);
      }
    },

    readyReplicas: (name) => functions.readyCount(name),
    desiredReplicas: (name) => functions.replicas(name).length,

    replicaError: (name) => functions.lastError(name),

    pickEndpoint: (name) => functions.pick(name),

    onReadyChange: (listener) => functions.onReadyChange(listener),

    onReplicaFailure: (listener) => functions.onFailure(listener),

    async close() {
      closing.abort();
      await functions.removeAll();
    },

    logs,

    containerIds: (name) => functions.replicas(name).map((r) => r.containerId),

    replicaStarts: (name) => functions.replicas(name).map((r) => r.starts),

    placement: () => placement,
  };
}
