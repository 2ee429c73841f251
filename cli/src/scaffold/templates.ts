/**
 * @module
 * What `nanofaas init` writes, per runtime: pure functions from the function's name and the path
 * to nanofaas's `runtimes/` directory (as seen from the new function's directory) to file
 * contents. Each function gets a handler, two payloads, a spec whose `command` runs the handler
 * through the runtime (so it works on the local `process` backend), a justfile and a Dockerfile
 * that `just image` builds.
 */
export type Runtime = "ts" | "python";
export const RUNTIMES: readonly Runtime[] = ["ts", "python"];

export interface ScaffoldInput {
  name: string;
  runtime: Runtime;
  /** `runtimes/` relative to the function directory (starting with ./ or ../), or absolute. */
  runtimesPath: string;
}

export type Files = Record<string, string>;

export function scaffold(input: ScaffoldInput): Files {
  const files = input.runtime === "ts" ? bunFiles(input) : pythonFiles(input);
  return { ...files, ...payloads(), "function.yaml": spec(input), "README.md": readme(input), ".gitignore": "dist/\n" };
}

function bunFiles({ name, runtimesPath }: ScaffoldInput): Files {
  const handler = `/**
 * ${name}: a nanofaas function for the Bun runtime. The default export receives the invocation
 * (\`input\`, \`metadata\`) and a context (\`executionId\`, \`traceId\`, \`logger\`, \`signal\`,
 * \`isColdStart\`); what it returns is the output. Throw FunctionError to fail with your own code.
 */
import { FunctionError, type Handler } from ${JSON.stringify(`${runtimesPath}/bun/src/sdk.ts`)};

type Input = { name?: string } | null;

const handler: Handler<Input> = async ({ input }, ctx) => {
  if (input !== null && (typeof input !== "object" || Array.isArray(input))) {
    throw new FunctionError("BAD_INPUT", 'input must be an object such as {"name": "Ada"}');
  }
  const name = input?.name || "world";
  ctx.logger.info("greeting", { name });
  return { message: \`Hello, \${name}!\` };
};

export default handler;
`;
  const justfile = `${justHeader(name, "Bun", runtimesPath)}
# serve the handler on $PORT (default 8080), exactly as nanofaas runs it
run:
    {{bun}} {{runtimes}}/bun/src/main.ts handler.ts

# compile the handler and the runtime into one executable: dist/${name}
build:
    {{bun}} {{runtimes}}/bun/src/build.ts handler.ts dist/${name}

# container image nanofaas/${name}:latest, FROM scratch: the executable and the libraries it links
image: build
    rm -rf dist/rootfs && mkdir -p dist/rootfs
    for lib in $(ldd dist/${name} | grep -o '/[^ ]*'); do mkdir -p "dist/rootfs$(dirname "$lib")" && cp -L "$lib" "dist/rootfs$lib"; done
    docker build -t nanofaas/${name}:latest .
${justFooter(name)}`;
  const dockerfile = `# nanofaas/${name}: build with \`just image\`, which first compiles dist/${name} (handler + Bun
# runtime in one executable) and copies the libraries it links into dist/rootfs.
FROM scratch
COPY dist/rootfs/ /
COPY dist/${name} /function
ENV PORT=8080
EXPOSE 8080
USER 65532
ENTRYPOINT ["/function"]
`;
  return { "handler.ts": handler, justfile, Dockerfile: dockerfile };
}

function pythonFiles({ name, runtimesPath }: ScaffoldInput): Files {
  const handler = `"""${name}: a nanofaas function for the Python runtime (standard library only).

\`handle(input, ctx)\` receives the invocation's input and a context (execution_id, trace_id,
metadata, logger, is_cold_start, cancelled, remaining_ms()); what it returns is the output.
Raise FunctionError to fail with your own code.
"""

from nanofaas_runtime import FunctionError


def handle(input, ctx):
    if input is not None and not isinstance(input, dict):
        raise FunctionError("BAD_INPUT", 'input must be an object such as {"name": "Ada"}')
    name = (input or {}).get("name") or "world"
    ctx.logger.info("greeting", name=name)
    return {"message": f"Hello, {name}!"}
`;
  const justfile = `${justHeader(name, "Python", runtimesPath)}
# serve the handler on $PORT (default 8080), exactly as nanofaas runs it
run:
    python3 {{runtimes}}/python/run.py handler.py

# container image nanofaas/${name}:latest (the runtime is copied into the build context first)
image:
    rm -rf dist/runtime && mkdir -p dist/runtime
    cp -R {{runtimes}}/python/run.py {{runtimes}}/python/nanofaas_runtime dist/runtime/
    docker build -t nanofaas/${name}:latest .
${justFooter(name)}`;
  const dockerfile = `# nanofaas/${name}: build with \`just image\`, which first copies the nanofaas Python runtime
# (standard library only) into dist/runtime.
FROM python:3.12-slim
COPY dist/runtime/ /opt/nanofaas-runtime/
COPY handler.py /function/handler.py
ENV PORT=8080 PYTHONUNBUFFERED=1
EXPOSE 8080
USER 65532
ENTRYPOINT ["python3", "/opt/nanofaas-runtime/run.py", "/function/handler.py"]
`;
  return { "handler.py": handler, justfile, Dockerfile: dockerfile };
}

/**
 * Recipes take Bun and the CLI from the nanofaas checkout when it has them (after \`npm install\`
 * only Node and npm are on PATH, issue 14.2), else from PATH (a machine with Bun installed, or a
 * compiled CLI). \`just\` itself is re-invoked as the running executable, so \`npx just\` works too.
 */
function justHeader(name: string, runtime: string, runtimesPath: string): string {
  return `# ${name}: a nanofaas function (${runtime} runtime). \`just\` (or \`npx just\` in the checkout) lists the recipes.
set shell := ["bash", "-euo", "pipefail", "-c"]

# nanofaas's runtimes/ directory, and the checkout it belongs to
runtimes := ${JSON.stringify(runtimesPath)}
checkout := runtimes / ".."
# the checkout's Bun and CLI (\`npm install\` puts them there), else the ones on PATH
bun := if path_exists(checkout / "node_modules/.bin/bun") == "true" { quote(checkout / "node_modules/.bin/bun") } else { "bun" }
nanofaas := if path_exists(checkout / "cli/bin/nanofaas.js") == "true" { "node " + quote(checkout / "cli/bin/nanofaas.js") } else { "nanofaas" }

default:
    @{{quote(just_executable())}} --justfile {{quote(justfile())}} --list
`;
}

function justFooter(name: string): string {
  return `
# register the function on nanofaas (re-creates it when function.yaml changed)
deploy:
    {{nanofaas}} fn apply -f function.yaml

# invoke it with every payload
invoke:
    for p in payloads/*.json; do {{nanofaas}} invoke ${name} --payload "$p"; done
`;
}

function payloads(): Files {
  const file = (description: string, input: unknown, expected: unknown) =>
    `${JSON.stringify({ description, input, expected }, null, 2)}\n`;
  return {
    "payloads/happy-path.json": file("Greets by name", { name: "Ada" }, { message: "Hello, Ada!" }),
    "payloads/missing-name.json": file("Without a name it greets the world", {}, { message: "Hello, world!" }),
  };
}

function spec({ name, runtime, runtimesPath }: ScaffoldInput): string {
  const command =
    runtime === "ts"
      ? ["bun", `${runtimesPath}/bun/src/main.ts`, "./handler.ts"]
      : ["python3", `${runtimesPath}/python/run.py`, "./handler.py"];
  return `# ${name}: nanofaas function spec. Register it (or apply a change) with:
#   nanofaas fn apply -f function.yaml
name: ${name}
# DEPLOYMENT: nanofaas starts and scales replicas. On the local process backend (the default
# outside Kubernetes) each replica runs \`command\`; fn apply resolves its ./ and ../ paths
# against this file's directory.
executionMode: DEPLOYMENT
command: [${command.map((c) => JSON.stringify(c)).join(", ")}]
timeoutMs: 30000
concurrency: 4
# For the docker or k8s backend, build the image (\`just image\`) and replace \`command\` with:
# image: nanofaas/${name}:latest
`;
}

function readme({ name, runtime }: ScaffoldInput): string {
  const handler = runtime === "ts" ? "handler.ts" : "handler.py";
  return `# ${name}

A nanofaas function (${runtime === "ts" ? "Bun/TypeScript" : "Python"}), created by \`nanofaas init\`.

| File | What |
|---|---|
| \`${handler}\` | the handler |
| \`payloads/*.json\` | example inputs with the expected outputs |
| \`function.yaml\` | the spec \`nanofaas fn apply\` registers |
| \`justfile\` | \`just run\` (serve locally), \`just image\`, \`just deploy\`, \`just invoke\` |
| \`Dockerfile\` | the container image, built by \`just image\` |

\`\`\`sh
nanofaas fn apply -f function.yaml
nanofaas invoke ${name} --payload payloads/happy-path.json
\`\`\`

\`nanofaas\` and \`just\` come with nanofaas's \`npm install\`: inside its checkout type \`npx nanofaas …\` and
\`npx just …\`; the recipes find the checkout's Bun and CLI themselves.
`;
}
