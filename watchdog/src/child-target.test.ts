import { describe, expect, test } from "bun:test";
import { childUrls, commandPort, resolveChildTarget } from "./child-target.ts";

const resolve = (input: Partial<Parameters<typeof resolveChildTarget>[0]>) => {
  const problems: string[] = [];
  const target = resolveChildTarget({ childPort: 0, command: ["server"], ownPort: 8080, ...input }, problems);
  return { target, problems };
};

describe("child port: CHILD_PORT, then RUNTIME_URL, then the command's own --port, else free", () => {
  test.each<[Partial<Parameters<typeof resolveChildTarget>[0]>, number]>([
    [{}, 0],
    [{ childPort: 9001 }, 9001],
    [{ runtimeUrl: "http://127.0.0.1:8081/invoke" }, 8081],
    [{ runtimeUrl: "http://127.0.0.1/invoke" }, 80],
    [{ command: ["python", "-m", "uvicorn", "nanofaas.runtime.app:app", "--host", "0.0.0.0", "--port", "8081"] }, 8081],
    [{ command: ["gunicorn", "--bind", "0.0.0.0:8082", "app:app"] }, 8082],
    [{ command: ["server", "--port=8083"] }, 8083],
    [{ childPort: 9001, runtimeUrl: "http://127.0.0.1:8081/invoke", command: ["s", "--port", "8082"] }, 9001],
    [{ runtimeUrl: "http://127.0.0.1:8081/invoke", command: ["s", "--port", "8082"] }, 8081],
  ])("%p → %p", (input, port) => {
    expect(resolve(input)).toEqual({ target: expect.objectContaining({ childPort: port }), problems: [] });
  });

  test.each([[["--port", "x"]], [["--port"]], [["--port", "70000"]], [["-b", "unix:/tmp/s"]]])(
    "%p names no usable port",
    (args: string[]) => {
      expect(commandPort(["server", ...args])).toBeUndefined();
    },
  );

  test("a non-http RUNTIME_URL / HEALTH_URL is a problem naming the variable", () => {
    expect(resolve({ runtimeUrl: "ftp://x/invoke", healthUrl: "nope" }).problems).toEqual([
      'RUNTIME_URL="ftp://x/invoke" is invalid: expected an http(s) URL',
      'HEALTH_URL="nope" is invalid: expected an http(s) URL',
    ]);
  });
});

describe("childUrls", () => {
  test("defaults to the child's loopback port", () => {
    expect(childUrls({}, 9000)).toEqual({
      invoke: "http://127.0.0.1:9000/invoke",
      health: "http://127.0.0.1:9000/health",
    });
  });
  test("RUNTIME_URL, with /invoke → /health for the probe unless HEALTH_URL says otherwise", () => {
    expect(childUrls({ runtimeUrl: "http://127.0.0.1:8081/invoke" }, 8081)).toEqual({
      invoke: "http://127.0.0.1:8081/invoke",
      health: "http://127.0.0.1:8081/health",
    });
    expect(
      childUrls(
        { runtimeUrl: "http://127.0.0.1:8081/invoke", healthUrl: "http://127.0.0.1:8081/actuator/health" },
        8081,
      ).health,
    ).toBe("http://127.0.0.1:8081/actuator/health");
  });
});
