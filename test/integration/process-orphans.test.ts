/**
 * No orphans (issue 13.12): however the control plane dies — SIGKILL, SIGHUP — its process-backend
 * replicas (each in its own process group) are gone within about two seconds, and a control plane
 * started after a crash reaps the groups the dead one recorded. Real processes throughout:
 * `bun src/main.ts` with the echo pod declared in a functions directory.
 */
import { afterEach, describe, expect, test } from "bun:test";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { BUN, ECHO_POD } from "../../src/deploy/process/fixtures/harness";
import { runningInGroup, survivors, until } from "../../src/deploy/process/fixtures/processes";

const REPO = new URL("../..", import.meta.url).pathname;
const cleanup: (() => void)[] = [];

afterEach(() => {
  for (const step of cleanup.splice(0).reverse()) step();
});

/** A control plane whose log lines are collected; resolves once `replicas` are ready. */
async function startControlPlane(dir: string, replicas: number) {
  const child = Bun.spawn([BUN, "src/main.ts"], {
    cwd: REPO,
    env: {
      PATH: process.env.PATH ?? "",
      HOME: process.env.HOME ?? "/tmp",
      NANOFAAS_DEPLOYMENT_BACKEND: "process",
      // No state store on disk: main.ts would otherwise create ./.nanofaas in the repository.
      NANOFAAS_STORE: "memory",
      NANOFAAS_FUNCTIONS_DIR: join(dir, "functions"),
      NANOFAAS_PROCESS_STATE_DIR: join(dir, "state"),
      SERVER_PORT: "0",
      MANAGEMENT_SERVER_PORT: "0",
      NANOFAAS_LOG_LEVEL: "info",
    },
    // Replica output and backend events are JSON log lines on stdout (component process-backend).
    stdout: "pipe",
    stderr: "inherit",
  });
  cleanup.push(() => child.kill("SIGKILL"));
  const lines: string[] = [];
  void (async () => {
    const reader = child.stdout.pipeThrough(new TextDecoderStream()).getReader();
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      lines.push(...value.split("\n"));
    }
  })();
  await until(
    () => lines.filter((l) => / nanofaas: ready after /.test(l)).length >= replicas,
    "replicas ready",
    15_000,
  );
  const groups = lines.flatMap((l) => /nanofaas: started pid (\d+)/.exec(l)?.[1] ?? []).map(Number);
  cleanup.push(() => {
    for (const pgid of groups) for (const pid of runningInGroup(pgid)) process.kill(pid, "SIGKILL");
  });
  return { child, lines, groups };
}

function functionsDir(replicas: number): string {
  const dir = mkdtempSync(join(tmpdir(), "nanofaas-orphans-"));
  cleanup.push(() => rmSync(dir, { recursive: true, force: true }));
  const spec = `name: echo\ncommand: ["${BUN}", "${ECHO_POD}"]\nscalingConfig:\n  minReplicas: ${replicas}\n  maxReplicas: ${replicas}\n`;
  Bun.spawnSync(["mkdir", "-p", join(dir, "functions")]);
  writeFileSync(join(dir, "functions", "echo.yaml"), spec);
  return dir;
}

describe("replicas die with their control plane", () => {
  test.each(["SIGKILL", "SIGHUP"] as const)(
    "%s of the control plane: every replica group is gone within 2.5 s",
    async (signal) => {
      const { child, groups } = await startControlPlane(functionsDir(2), 2);
      expect(groups).toHaveLength(2);
      for (const pgid of groups) expect(runningInGroup(pgid).length).toBeGreaterThan(0);
      child.kill(signal);
      await child.exited;
      const died = performance.now();
      expect(await survivors(groups, 2500)).toEqual([]);
      console.log(`replicas gone ${Math.round(performance.now() - died)} ms after the control plane's ${signal}`);
    },
  );

  test("a control plane started after a crash reaps the groups the dead one recorded", async () => {
    const dir = functionsDir(1);
    const first = await startControlPlane(dir, 1);
    const [pgid] = first.groups;
    // Take the replica's parent watcher away, as if it had been killed on its own: now only the
    // ledger can find the replica once its control plane is gone.
    for (const pid of runningInGroup(pgid!)) if (pid !== pgid) process.kill(pid, "SIGKILL");
    first.child.kill("SIGKILL");
    await first.child.exited;
    // The killed watcher disappears once init reaps it: on a loaded machine that can take a while.
    await until(() => runningInGroup(pgid!).join() === String(pgid), "only the replica left in its group", 5_000);
    const second = await startControlPlane(dir, 1);
    expect(
      second.lines.some((l) =>
        l.includes(`reaped 1 replica process group(s) left by a control plane that died: ${pgid}`),
      ),
    ).toBe(true);
    expect(await survivors([pgid!], 2000)).toEqual([]);
    expect(runningInGroup(second.groups[0]!).length).toBeGreaterThan(0); // its own replica is untouched
  });
});
