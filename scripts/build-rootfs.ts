/**
 * Stages the run-time root file system shared by every FROM-scratch image (dist/rootfs):
 *
 * - the dynamic loader and the shared libraries `ldd` lists for the given binaries — a compiled
 *   Bun binary links glibc dynamically (oven-sh/bun#23910), so scratch alone cannot run it;
 * - the CA bundle, when the build machine has one (Bun embeds its own roots; the bundle is there
 *   for `NODE_EXTRA_CA_CERTS`-style setups and tools that read the system store);
 * - `/etc/passwd` and `/etc/group` naming the non-root user 65532 (no login shell exists);
 * - an empty, sticky `/tmp`, which runtimes and handlers expect to exist;
 * - an empty, sticky `/data`: the control plane's NANOFAAS_DATA_DIR in its image (the SQLite store),
 *   writable by the non-root user and what a Docker volume mounted there starts from.
 *
 * Every file gets a fixed mtime so that the layer built from this directory is byte-identical in
 * every image: Docker then stores it once and shares it between the control plane, the watchdog
 * and the function images.
 *
 *   bun scripts/build-rootfs.ts <outdir> <binary>...
 */
import {
  chmodSync,
  copyFileSync,
  existsSync,
  mkdirSync,
  readdirSync,
  rmSync,
  statSync,
  utimesSync,
  writeFileSync,
} from "node:fs";
import { dirname, join } from "node:path";

/** 2000-01-01T00:00:00Z: any constant works; it only has to be the same in every build. */
const FIXED_TIME = new Date("2000-01-01T00:00:00Z");
const CA_BUNDLE = "/etc/ssl/certs/ca-certificates.crt";
const PASSWD = "root:x:0:0:root:/root:/sbin/nologin\nnonroot:x:65532:65532:nonroot:/home/nonroot:/sbin/nologin\n";
const GROUP = "root:x:0:\nnonroot:x:65532:\n";

/**
 * Absolute paths from `ldd` output: `libc.so.6 => /lib/x86_64-linux-gnu/libc.so.6 (0x…)` and the
 * loader line `/lib64/ld-linux-x86-64.so.2 (0x…)`. The vDSO has no file and is skipped.
 */
export function parseLdd(output: string): string[] {
  const paths: string[] = [];
  for (const line of output.split("\n")) {
    if (line.includes("not found")) throw new Error(`ldd: missing library: ${line.trim()}`);
    const match = /(?:=>\s*)?(\/\S+)\s+\(0x[0-9a-f]+\)/.exec(line);
    if (match?.[1]) paths.push(match[1]);
  }
  return paths;
}

function libraries(binary: string): string[] {
  const result = Bun.spawnSync(["ldd", binary], { stdout: "pipe", stderr: "pipe" });
  if (result.exitCode !== 0) throw new Error(`ldd ${binary} failed: ${result.stderr.toString()}`);
  const paths = parseLdd(result.stdout.toString());
  if (!paths.some((p) => p.includes("ld-linux"))) throw new Error(`ldd ${binary}: no dynamic loader listed`);
  return paths;
}

/** Copies `source` (following symlinks) to the same absolute path under `root`. */
function copyInto(root: string, source: string, mode: number): void {
  const target = join(root, source);
  mkdirSync(dirname(target), { recursive: true });
  copyFileSync(source, target);
  chmodSync(target, mode);
}

function write(root: string, path: string, text: string, mode = 0o644): void {
  const target = join(root, path);
  mkdirSync(dirname(target), { recursive: true });
  writeFileSync(target, text);
  chmodSync(target, mode);
}

/** Sets the fixed mtime on every entry, deepest first (touching a child changes its directory). */
function pinTimes(path: string): void {
  if (statSync(path).isDirectory()) {
    for (const entry of readdirSync(path)) pinTimes(join(path, entry));
  }
  utimesSync(path, FIXED_TIME, FIXED_TIME);
}

export async function stageRootfs(outdir: string, binaries: string[]): Promise<void> {
  const present = binaries.filter((b) => existsSync(b));
  if (present.length === 0) throw new Error(`no binary to inspect among ${binaries.join(", ")}; build them first`);
  rmSync(outdir, { recursive: true, force: true });
  mkdirSync(outdir, { recursive: true });
  const libs = [...new Set(present.flatMap(libraries))].sort();
  for (const lib of libs) copyInto(outdir, lib, 0o755);
  if (existsSync(CA_BUNDLE)) copyInto(outdir, CA_BUNDLE, 0o644);
  else console.warn(`warning: ${CA_BUNDLE} not found; images will rely on Bun's embedded root certificates`);
  write(outdir, "etc/passwd", PASSWD);
  write(outdir, "etc/group", GROUP);
  for (const dir of ["tmp", "data"]) {
    mkdirSync(join(outdir, dir));
    chmodSync(join(outdir, dir), 0o1777);
  }
  pinTimes(outdir);
  console.log(`staged ${outdir}: ${libs.join(" ")}`);
}

if (import.meta.main) {
  const [outdir, ...binaries] = process.argv.slice(2);
  if (!outdir || binaries.length === 0) {
    console.error("usage: bun scripts/build-rootfs.ts <outdir> <binary>...");
    process.exit(2);
  }
  await stageRootfs(outdir, binaries);
}
