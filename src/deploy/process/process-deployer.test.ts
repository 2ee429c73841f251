import { afterEach, describe, expect, test } from "bun:test";
import { NanofaasError } from "../../domain/errors";
import { BUN, echoFunction, FAKE_WATCHDOG, FIXTURES, fn, invoke, LogSink, testConfig } from "./fixtures/harness";
import { until } from "../../../test/support/until";
import { survivors } from "./fixtures/processes";
import { realHostFacts } from "./launch";
import { createProcessDeployer, type ProcessDeployer } from "./process-deployer";

const FAST = { stopGraceMs: 1000 };
let deployer: ProcessDeployer | undefined;
const spawned: number[] = [];

function make(configOver = {}, options: Parameters<typeof createProcessDeployer>[1] = {}): ProcessDeployer {
  deployer = createProcessDeployer(testConfig(configOver), { output: new LogSink().write, timing: FAST, ...options });
  return deployer;
}

afterEach(async () => {
  await deployer?.close();
  deployer = undefined;
  // Every process a test started must be gone, whatever the test asserted.
  expect(await survivors(spawned.splice(0))).toEqual([]);
});

const codeOf = async (promise: Promise<unknown>) => {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  return error instanceof NanofaasError ? error.code : error;
};

describe("createProcessDeployer", () => {
  test("is the 'process' backend and explains why it cannot run an image-only function", () => {
    const d = make();
    expect(d.id).toBe("process");
    expect(d.unsupportedReason?.(fn({ name: "img", image: "nginx" }))?.reason).toContain(
      "needs the docker or k8s backend",
    );
    expect(d.unsupportedReason?.(echoFunction("ok", 1))).toBeUndefined();
  });

  test("provision refuses what unsupportedReason refuses", async () => {
    expect(await codeOf(make().provision(fn({ name: "img", image: "nginx" })))).toBe("BACKEND_UNAVAILABLE");
  });

  test("minReplicas 0 starts nothing and reports process://<name>", async () => {
    const d = make();
    expect(await d.provision(echoFunction("idle", 0))).toEqual({ endpointUrl: "process://idle" });
    expect(d.replicaPids("idle")).toEqual([]);
    expect(d.readyReplicas("idle")).toBe(0);
    expect(d.pickEndpoint("idle")).toBeUndefined();
  });

  test("reports replica 0's URL at once, before it is ready", async () => {
    const d = make();
    const { endpointUrl } = await d.provision(echoFunction("first", 1));
    spawned.push(...d.replicaPids("first"));
    expect(endpointUrl).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/invoke$/);
    expect(d.readyReplicas("first")).toBe(0);
    await until(() => d.pickEndpoint("first") === endpointUrl, "replica 0 ready");
  });

  test("the pod gets the function's env and the platform's variables", async () => {
    const d = make();
    await d.provision(
      echoFunction("envy", 1, { env: { GREETING: "hello", FUNCTION_NAME: "spoofed" }, timeoutMs: 777 }),
    );
    spawned.push(...d.replicaPids("envy"));
    await until(() => d.readyReplicas("envy") === 1, "ready");
    const endpoint = d.pickEndpoint("envy")!;
    const reply = await invoke(endpoint, "x");
    expect(reply.env).toEqual({
      FUNCTION_NAME: "envy",
      TIMEOUT_MS: "777",
      EXECUTION_MODE: "HTTP",
      WARM: "true",
      CALLBACK_URL: null, // warm replicas answer over HTTP; no duplicate callbacks
      PORT: String(new URL(endpoint).port),
      WATCHDOG_CMD: null,
      GREETING: "hello",
    });
  });

  test("relative paths resolve against the control plane's working directory", async () => {
    const d = make({}, { host: realHostFacts(FIXTURES) });
    await d.provision(fn({ name: "rel", command: [BUN, "./echo-pod.ts"], scalingConfig: { minReplicas: 1 } }));
    spawned.push(...d.replicaPids("rel"));
    await until(() => d.readyReplicas("rel") === 1, "ready");
  });

  test("runtimeCommand runs under the watchdog with WATCHDOG_CMD", async () => {
    const d = make({ watchdogPath: FAKE_WATCHDOG });
    const runtimeCommand = `'${BUN}' '${FIXTURES}/echo-pod.ts'`;
    await d.provision(fn({ name: "wd", runtimeCommand, scalingConfig: { minReplicas: 1 } }));
    spawned.push(...d.replicaPids("wd"));
    await until(() => d.readyReplicas("wd") === 1, "ready");
    expect((await invoke(d.pickEndpoint("wd")!, 1)).env.WATCHDOG_CMD).toBe(runtimeCommand);
  });

  test("provisioning an existing function replaces its replicas", async () => {
    const d = make();
    await d.provision(echoFunction("again", 1));
    const [old] = d.replicaPids("again");
    spawned.push(old!);
    await d.provision(echoFunction("again", 1, { env: { GREETING: "v2" } }));
    spawned.push(...d.replicaPids("again"));
    expect(await survivors([old!])).toEqual([]);
    await until(() => d.readyReplicas("again") === 1, "ready");
    expect((await invoke(d.pickEndpoint("again")!, 0)).env.GREETING).toBe("v2");
  });

  test("setReplicas: unknown function → NOT_FOUND, negative or fractional → BAD_REQUEST", async () => {
    const d = make();
    await d.provision(echoFunction("bounds", 0));
    expect(await codeOf(d.setReplicas("nope", 1))).toBe("NOT_FOUND");
    expect(await codeOf(d.setReplicas("bounds", -1))).toBe("BAD_REQUEST");
    expect(await codeOf(d.setReplicas("bounds", 1.5))).toBe("BAD_REQUEST");
  });

  test("deprovisioning an unknown function is not an error", async () => {
    await make().deprovision("never-was");
  });

  test("after close() nothing can be provisioned", async () => {
    const d = make();
    await d.close();
    expect(await codeOf(d.provision(echoFunction("late", 1)))).toBe("BACKEND_UNAVAILABLE");
  });

  test("listeners can unsubscribe, and a throwing listener does not starve the others", async () => {
    const d = make();
    const seen: number[] = [];
    const unsubscribe = d.onReadyChange(() => seen.push(-1));
    d.onReadyChange(() => {
      throw new Error("bad listener");
    });
    d.onReadyChange((_, ready) => seen.push(ready));
    unsubscribe();
    await d.provision(echoFunction("ears", 1));
    spawned.push(...d.replicaPids("ears"));
    await until(() => seen.includes(1), "ready event");
    expect(seen).toEqual([1]);
  });
});
