/**
 * The FROM-scratch images themselves: each contains its binary and exactly the run-time files
 * the rootfs stager adds (loader and `ldd` libraries, CA bundle, passwd/group, /tmp) — no shell,
 * nothing else — runs as 65532, and answers `--version`. The control-plane image, started the way
 * `docker run` starts it, answers /readyz and serves an invocation; the time from create to the
 * first 200 is printed (the number quoted in docs/docker.md).
 */
import { describe, beforeAll, expect, test } from "bun:test";
import { join, resolve } from "node:path";
import { parseLdd } from "../../scripts/build-rootfs";
import type { EngineClient } from "../../src/deploy/docker/engine-client";
import { dockerApi, http, IMAGES, requireDocker, SOCKET } from "./support";

const DIST = resolve(import.meta.dir, "../../dist");
/** What the daemon itself puts in every container's file system (mount points, .dockerenv). */
const DOCKER_ADDED = [".dockerenv", "dev/console", "etc/hostname", "etc/hosts", "etc/mtab", "etc/resolv.conf"];
const ROOTFS_FILES = ["etc/group", "etc/passwd", "etc/ssl/certs/ca-certificates.crt"];

/** Regular files and symlinks in a ustar stream (`docker export`), without the leading "/". */
function tarFiles(bytes: Uint8Array): string[] {
  const text = (from: number, length: number) =>
    new TextDecoder().decode(bytes.subarray(from, from + length)).replace(/\0.*$/s, "");
  const files: string[] = [];
  for (let offset = 0; offset + 512 <= bytes.length; ) {
    const name = text(offset, 100);
    if (!name) break;
    const size = Number.parseInt(text(offset + 124, 12).trim() || "0", 8);
    const type = text(offset + 156, 1) || "0";
    const path = [text(offset + 345, 155), name].filter(Boolean).join("/");
    if (type === "0" || type === "2") files.push(path.replace(/^\.?\//, ""));
    offset += 512 + Math.ceil(size / 512) * 512;
  }
  return files.sort();
}

/** Creates (never starts) a container of `image` and lists its exported file system. */
async function imageFiles(engine: EngineClient, image: string): Promise<string[]> {
  const id = await engine.createContainer(`e2e-export-${process.pid}`, { Image: image });
  try {
    const response = await fetch(`http://docker/containers/${id}/export`, { unix: SOCKET });
    return tarFiles(new Uint8Array(await response.arrayBuffer()));
  } finally {
    await engine.removeContainer(id);
  }
}

function runtimeLibraries(binary: string): string[] {
  const ldd = Bun.spawnSync(["ldd", join(DIST, binary)]);
  return parseLdd(ldd.stdout.toString()).map((path) => path.replace(/^\//, ""));
}

const CASES = [
  { image: IMAGES.controlPlane, binaries: ["nanofaas"], version: /^nanofaas \d+\.\d+\.\d+\+[0-9a-f]{12}(-dirty)?$/ },
  {
    image: IMAGES.watchdog,
    binaries: ["watchdog"],
    version: /^nanofaas-watchdog \d+\.\d+\.\d+\+[0-9a-f]{12}(-dirty)?$/,
  },
  { image: IMAGES.wordStats, binaries: ["function"] },
  { image: IMAGES.slowUpper, binaries: ["watchdog", "slow-upper"] },
];

describe("FROM-scratch images", () => {
  let engine: EngineClient;
  beforeAll(async () => {
    engine = await requireDocker();
  });

  for (const { image, binaries } of CASES) {
    test(`${image}: the binary and its run-time files only, no shell, user 65532`, async () => {
      const inspect = await dockerApi<{ Config: { User: string; Entrypoint: string[] } }>(
        "GET",
        `/images/${encodeURIComponent(image)}/json`,
      );
      expect(inspect.Config.User).toBe("65532:65532");
      const expected = [...DOCKER_ADDED, ...ROOTFS_FILES, ...runtimeLibraries("nanofaas"), ...binaries].sort();
      const files = await imageFiles(engine, image);
      expect(files).toEqual([...new Set(expected)].sort());
      expect(files.filter((f) => /(^|\/)(sh|bash|dash|ash|busybox)$/.test(f))).toEqual([]);
    });
  }

  for (const { image, version } of CASES.filter((c) => c.version)) {
    test(`${image}: --version`, async () => {
      const id = await engine.createContainer(`e2e-version-${process.pid}`, { Image: image, Cmd: ["--version"] });
      try {
        await engine.startContainer(id);
        const { StatusCode } = await dockerApi<{ StatusCode: number }>("POST", `/containers/${id}/wait`);
        expect(StatusCode).toBe(0);
        expect((await engine.logsTail(id, 5)).join("\n")).toMatch(version!);
      } finally {
        await engine.removeContainer(id);
      }
    });
  }

  test("control plane: docker run → /readyz 200, serves an invocation, SIGTERM → exit 0", async () => {
    const samples: { total: number; create: number; startToReady: number }[] = [];
    for (let run = 0; run < 3; run++) {
      const t0 = performance.now();
      const id = await engine.createContainer(`e2e-startup-${process.pid}`, {
        Image: IMAGES.controlPlane,
        // The image defaults to NANOFAAS_AUTH=apikey; this test checks start-up and serving, not keys.
        Env: ["NANOFAAS_DEPLOYMENT_BACKEND=none", "NANOFAAS_AUTH=none", "NANOFAAS_AUTH_ALLOW_ANONYMOUS=true"],
        ExposedPorts: { "8080/tcp": {}, "8081/tcp": {} },
        HostConfig: {
          PortBindings: {
            "8080/tcp": [{ HostIp: "127.0.0.1", HostPort: "" }],
            "8081/tcp": [{ HostIp: "127.0.0.1", HostPort: "" }],
          },
        },
      });
      try {
        const t1 = performance.now();
        await engine.startContainer(id);
        const ports = (await engine.inspectContainer(id))!.NetworkSettings.Ports!;
        const [api, management] = ["8080/tcp", "8081/tcp"].map((p) => `http://127.0.0.1:${ports[p]![0]!.HostPort}`);
        while (
          (await fetch(`${management}/readyz`).then(
            (r) => r.status,
            () => 0,
          )) !== 200
        ) {
          if (performance.now() - t0 > 30_000) throw new Error("not ready within 30 s");
          await Bun.sleep(5);
        }
        const t2 = performance.now();
        samples.push({ total: Math.round(t2 - t0), create: Math.round(t1 - t0), startToReady: Math.round(t2 - t1) });
        if (run === 0) {
          expect((await http("POST", `${api}/v1/functions`, { name: "echo", executionMode: "LOCAL" })).status).toBe(
            201,
          );
          expect((await http("POST", `${api}/v1/functions/echo:invoke`, { input: { hi: 1 } })).body).toMatchObject({
            status: "success",
            output: { hi: 1 },
          });
        }
        await dockerApi("POST", `/containers/${id}/kill?signal=SIGTERM`);
        expect((await dockerApi<{ StatusCode: number }>("POST", `/containers/${id}/wait`)).StatusCode).toBe(0);
      } finally {
        await engine.removeContainer(id);
      }
    }
    const median = [...samples].sort((a, b) => a.total - b.total)[1]!;
    console.log(
      `docker run → /readyz 200: ${samples.map((s) => `${s.total} ms (create ${s.create}, start→ready ${s.startToReady})`).join("; ")}`,
    );
    expect(median.total).toBeLessThan(15_000);
  }, 120_000);
});
