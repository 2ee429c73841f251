/**
 * @module
 * How the control plane talks to the API server. `@kubernetes/client-node` 2.x hands TLS material
 * (cluster CA, client certificate) to undici through a `dispatcher`, which Bun's fetch ignores
 * (ARCHITECTURE.md, known traps: reproduced here — a kubeconfig CA alone fails with "unable to
 * verify the first certificate"). So the generated API classes are given an HTTP library built
 * on Bun's own `fetch` with `tls: {ca, cert, key}` taken from the kubeconfig. The result works in
 * a cluster (service-account token + CA; `NODE_EXTRA_CA_CERTS` is then belt and braces), from a
 * workstation with any kubeconfig (token, client certificate, exec plugin) and against the test
 * fake over plain HTTP. Authentication headers still come from the client (`KubeConfig`), so
 * token-file rotation and exec plugins keep working.
 */
import { readFileSync } from "node:fs";
import {
  type ApiConstructor,
  type ApiType,
  createConfiguration,
  HttpMethod,
  type KubeConfig,
  RequestContext,
  ResponseContext,
  ServerConfiguration,
  setHeaderMiddleware,
  wrapHttpLibrary,
} from "@kubernetes/client-node";

export interface TlsOptions {
  ca?: string;
  cert?: string;
  key?: string;
  rejectUnauthorized?: boolean;
  serverName?: string;
}

const USER_AGENT = "nanofaas-control-plane";

function fileOrData(file: string | undefined, data: string | undefined): string | undefined {
  if (file) return readFileSync(file, "utf8");
  if (data) return Buffer.from(data, "base64").toString("utf8");
  return undefined;
}

/** The TLS material of the kubeconfig's current context, in Bun's `fetch` spelling. */
export function tlsOptionsFor(kc: KubeConfig): TlsOptions {
  const cluster = kc.getCurrentCluster();
  const user = kc.getCurrentUser();
  const tls: TlsOptions = {};
  const ca = fileOrData(cluster?.caFile, cluster?.caData);
  const cert = fileOrData(user?.certFile, user?.certData);
  const key = fileOrData(user?.keyFile, user?.keyData);
  if (ca) tls.ca = ca;
  if (cert) tls.cert = cert;
  if (key) tls.key = key;
  if (cluster?.skipTLSVerify) tls.rejectUnauthorized = false;
  if (cluster?.tlsServerName) tls.serverName = cluster.tlsServerName;
  return tls;
}

export class KubeTransport {
  readonly server: string;
  private readonly tls: TlsOptions;

  constructor(private readonly kc: KubeConfig) {
    const cluster = kc.getCurrentCluster();
    if (!cluster) throw new Error("the kubeconfig has no current cluster");
    this.server = cluster.server.replace(/\/+$/, "");
    this.tls = tlsOptionsFor(kc);
  }

  /** A generated API client (AppsV1Api, …) whose requests go through Bun's fetch. */
  api<T extends ApiType>(apiClass: ApiConstructor<T>): T {
    const tls = this.tls;
    const httpApi = wrapHttpLibrary({
      async send(request) {
        const response = await fetch(request.getUrl(), {
          method: request.getHttpMethod(),
          headers: request.getHeaders(),
          body: request.getBody() as BodyInit | undefined,
          signal: request.getSignal(),
          tls,
        });
        const bytes = Buffer.from(await response.arrayBuffer());
        const headers: Record<string, string> = {};
        response.headers.forEach((value, name) => {
          headers[name] = value;
        });
        return new ResponseContext(response.status, headers, {
          text: async () => bytes.toString("utf8"),
          binary: async () => bytes,
          stream: () => null,
        });
      },
    });
    return new apiClass(
      createConfiguration({
        baseServer: new ServerConfiguration(this.server, {}),
        authMethods: { default: this.kc },
        httpApi,
        middleware: [setHeaderMiddleware("User-Agent", USER_AGENT)],
      }),
    );
  }

  /** An authenticated GET of `path` (list and watch for the readiness reflector), body unread. */
  async get(path: string, signal?: AbortSignal): Promise<Response> {
    const context = new RequestContext(`${this.server}${path}`, HttpMethod.GET);
    await this.kc.applySecurityAuthentication(context);
    return fetch(context.getUrl(), {
      headers: { ...context.getHeaders(), Accept: "application/json", "User-Agent": USER_AGENT },
      signal,
      tls: this.tls,
    });
  }
}
