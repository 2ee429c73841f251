import { describe, expect, test } from "bun:test";
import type { ContainerInspect, EngineClient } from "./engine-client";
import { detectPlacement } from "./placement";

/** An engine that knows one container (the control plane's own) under the given names. */
function engineKnowing(names: string[], self?: Partial<ContainerInspect>): EngineClient {
  const container = {
    Id: "abc",
    Name: "/cp",
    State: { Running: true, Status: "running", ExitCode: 0 },
    HostConfig: {},
    NetworkSettings: {},
    ...self,
  };
  return {
    inspectContainer: async (name: string) => (names.includes(name) ? container : undefined),
  } as unknown as EngineClient;
}

const detect = (engine: EngineClient, callbackUrl?: string) =>
  detectPlacement({ engine, self: { candidates: ["0123abcd", "cp-host"] }, serverPort: 8080, callbackUrl });

describe("placement", () => {
  test("not a container of this daemon: host placement, callbacks through host.docker.internal", async () => {
    expect(await detect(engineKnowing([]))).toEqual({
      kind: "host",
      hostIp: "127.0.0.1",
      callbackUrl: "http://host.docker.internal:8080/v1/internal/executions",
    });
  });

  test("a container on a user-defined network: replicas join it, callbacks to the control plane's address", async () => {
    const engine = engineKnowing(["cp-host"], {
      HostConfig: { NetworkMode: "nf" },
      NetworkSettings: { Networks: { bridge: { IPAddress: "172.17.0.3" }, nf: { IPAddress: "172.18.0.2" } } },
    });
    expect(await detect(engine)).toEqual({
      kind: "network",
      network: "nf",
      callbackUrl: "http://172.18.0.2:8080/v1/internal/executions",
    });
  });

  test("the default bridge works too (by address; it has no DNS)", async () => {
    const engine = engineKnowing(["0123abcd"], {
      HostConfig: { NetworkMode: "default" },
      NetworkSettings: { Networks: { bridge: { IPAddress: "172.17.0.3" } } },
    });
    expect(await detect(engine)).toMatchObject({ kind: "network", network: "bridge" });
  });

  test("a container on the host's network is treated as the host", async () => {
    const engine = engineKnowing(["0123abcd"], {
      HostConfig: { NetworkMode: "host" },
      NetworkSettings: { Networks: { host: { IPAddress: "" } } },
    });
    expect(await detect(engine)).toMatchObject({ kind: "host" });
  });

  test("NANOFAAS_CALLBACK_URL wins in both placements", async () => {
    const engine = engineKnowing(["cp-host"], { NetworkSettings: { Networks: { nf: { IPAddress: "172.18.0.2" } } } });
    expect((await detect(engine, "http://cp.example/cb")).callbackUrl).toBe("http://cp.example/cb");
    expect((await detect(engineKnowing([]), "http://cp.example/cb")).callbackUrl).toBe("http://cp.example/cb");
  });
});
