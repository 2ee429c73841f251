/**
 * @module
 * Builds pods of the compiled runtimes (Go, Java) for the tools tier. The toolchains come from
 * Debian (`scripts/ensure-tools.sh` installs them when missing), and nothing is downloaded while
 * building: Go runs with GOPROXY=off, Java with javac/jar only.
 */
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { REPO_ROOT } from "./process-pod.ts";

/** Installs the Debian packages for the missing commands (COMMAND=PACKAGE pairs), or throws. */
export function ensureTools(...pairs: string[]): void {
  const proc = Bun.spawnSync(["scripts/ensure-tools.sh", ...pairs], { cwd: REPO_ROOT, stdout: "pipe", stderr: "pipe" });
  if (proc.exitCode !== 0) throw new Error(`ensure-tools ${pairs.join(" ")} failed:\n${proc.stderr.toString()}`);
}

async function run(cmd: string[], cwd: string, env: Record<string, string> = {}): Promise<void> {
  const proc = Bun.spawn(cmd, { cwd, env: { ...process.env, ...env }, stdout: "pipe", stderr: "pipe" });
  const [out, err, code] = await Promise.all([
    new Response(proc.stdout).text(),
    new Response(proc.stderr).text(),
    proc.exited,
  ]);
  if (code !== 0) throw new Error(`${cmd.join(" ")} (in ${cwd}) exited ${code}:\n${out}${err}`);
}

/** A fresh temporary directory for build outputs. */
export function buildDir(prefix: string): string {
  return mkdtempSync(join(tmpdir(), `nanofaas-${prefix}-`));
}

/** Offline, static: the module may depend on nothing but the standard library and this repository. */
export const GO_ENV = { GOPROXY: "off", GOFLAGS: "-mod=mod", GOTOOLCHAIN: "local", CGO_ENABLED: "0" };

/** `go build` of the package in `dir` (relative to the repository) into `outfile`. */
export async function buildGo(dir: string, outfile: string, pkg = "."): Promise<string> {
  ensureTools("go=golang-go");
  await run(["go", "build", "-trimpath", "-ldflags=-s -w", "-o", outfile, pkg], join(REPO_ROOT, dir), GO_ENV);
  return outfile;
}

/** `gofmt`, `go vet` and `go test` of every package of the module in `dir`. */
export async function testGo(dir: string): Promise<void> {
  ensureTools("go=golang-go");
  const unformatted = Bun.spawnSync(["gofmt", "-l", "."], { cwd: join(REPO_ROOT, dir) })
    .stdout.toString()
    .trim();
  if (unformatted) throw new Error(`not gofmt-formatted in ${dir}: ${unformatted}`);
  await run(["go", "vet", "./..."], join(REPO_ROOT, dir), GO_ENV);
  await run(["go", "test", "./..."], join(REPO_ROOT, dir), GO_ENV);
}

/** Builds a runnable jar of the Java runtime plus the sources in `dirs` (`runtimes/java/build.sh`). */
export async function buildJava(outfile: string, mainClass: string, ...dirs: string[]): Promise<string> {
  ensureTools("javac=openjdk-17-jdk-headless");
  await run(["runtimes/java/build.sh", outfile, mainClass, ...dirs], REPO_ROOT);
  return outfile;
}

/** The command that runs a jar from `buildJava`; tuned for start-up time, as a one-function pod is small. */
export function javaPodCommand(jar: string): string[] {
  return ["java", "-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC", "-Xss512k", "-jar", jar];
}
