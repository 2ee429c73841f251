/**
 * @module
 * The few Docker Engine API calls the docker backend needs, over the local unix socket with Bun's
 * `fetch(url, { unix })` — no docker CLI, no dockerode. Paths are unversioned so that the daemon
 * answers in its own API version: the fields we read have been stable since API 1.24, and pinning
 * a version would break on engines that raised their minimum (Docker 29 refuses < 1.44).
 */

/** The daemon answered with an error status; `message` is Docker's own explanation. */
export class DockerApiError extends Error {
  constructor(
    readonly status: number,
    message: string,
    readonly operation: string,
  ) {
    super(`${operation}: ${message} (HTTP ${status})`);
    this.name = "DockerApiError";
  }
}

/** The socket could not be reached at all (absent, permission denied, daemon down). */
export class DockerUnreachableError extends Error {
  constructor(socketPath: string, cause: unknown) {
    const detail = cause instanceof Error ? cause.message : String(cause);
    super(
      `cannot reach the Docker Engine at ${socketPath}: ${detail}. Is dockerd running, and is the socket ` +
        "mounted and readable by this user (in a container: -v /var/run/docker.sock:/var/run/docker.sock " +
        "--group-add <the socket's group id>)?",
      { cause },
    );
    this.name = "DockerUnreachableError";
  }
}

/** The parts of `GET /containers/{id}/json` we read. */
export interface ContainerInspect {
  Id: string;
  Name: string;
  State: { Running: boolean; Status: string; ExitCode: number; OOMKilled?: boolean; Error?: string };
  HostConfig: { NetworkMode?: string };
  NetworkSettings: {
    Ports?: Record<string, { HostIp: string; HostPort: string }[] | null>;
    Networks?: Record<string, { IPAddress: string }>;
  };
}

export interface DockerEvent {
  Type?: string;
  Action?: string;
  status?: string;
  id?: string;
  Actor?: { ID: string; Attributes?: Record<string, string> };
}

export interface EngineClient {
  readonly socketPath: string;
  ping(): Promise<void>;
  /** undefined when no such container exists. */
  inspectContainer(idOrName: string): Promise<ContainerInspect | undefined>;
  createContainer(name: string, body: object): Promise<string>;
  startContainer(id: string): Promise<void>;
  /** SIGTERM, then SIGKILL after `graceSeconds`; absent or stopped containers are fine. */
  stopContainer(id: string, graceSeconds: number): Promise<void>;
  /** Force-removes the container and its anonymous volumes; absent is fine. */
  removeContainer(id: string): Promise<void>;
  /** The last `lines` lines of the container's stdout and stderr, for diagnostics. */
  logsTail(id: string, lines: number): Promise<string[]>;
  /**
   * The container's multiplexed output from its start, then live until it stops or `signal`
   * aborts (log-frames.ts reads it); undefined when the container is gone.
   */
  logsFollow(id: string, signal: AbortSignal): Promise<ReadableStream<Uint8Array> | undefined>;
  /** Pulls `image` and waits for the pull to finish; rejects with the daemon's error. */
  pullImage(image: string): Promise<void>;
  /** Streams events matching `filters` until `signal` aborts or the daemon closes the stream. */
  events(filters: Record<string, string[]>, signal: AbortSignal): AsyncGenerator<DockerEvent>;
}

import { demuxLogs } from "./log-frames";

/** Deadline of a single API call; pulls and the event stream are not bounded by it. */
const CALL_TIMEOUT_MS = 30_000;

/** `repo:tag` → fromImage/tag query; a digest or a registry port is left to the daemon. */
export function splitImage(image: string): { fromImage: string; tag?: string } {
  if (image.includes("@")) return { fromImage: image };
  const slash = image.lastIndexOf("/");
  const colon = image.lastIndexOf(":");
  return colon > slash
    ? { fromImage: image.slice(0, colon), tag: image.slice(colon + 1) }
    : { fromImage: image, tag: "latest" };
}

export function createEngineClient(socketPath: string): EngineClient {
  async function call(
    method: string,
    path: string,
    init: { body?: object; signal?: AbortSignal } = {},
  ): Promise<Response> {
    let response: Response;
    try {
      response = await fetch(`http://docker${path}`, {
        method,
        unix: socketPath,
        headers: init.body ? { "content-type": "application/json" } : undefined,
        body: init.body ? JSON.stringify(init.body) : undefined,
        signal: init.signal ?? AbortSignal.timeout(CALL_TIMEOUT_MS),
      });
    } catch (error) {
      if (error instanceof Error && (error.name === "AbortError" || error.name === "TimeoutError")) throw error;
      throw new DockerUnreachableError(socketPath, error);
    }
    return response;
  }

  /** Reads the body; a status outside `ok` becomes a DockerApiError with the daemon's message. */
  async function expect(response: Response, operation: string, ok: number[]): Promise<string> {
    const text = await response.text();
    if (ok.includes(response.status)) return text;
    let message = text.trim();
    try {
      message = (JSON.parse(text) as { message?: string }).message ?? message;
    } catch {
      // Not JSON (a proxy in between?): keep the raw text.
    }
    throw new DockerApiError(response.status, message || response.statusText, operation);
  }

  const enc = encodeURIComponent;

  return {
    socketPath,

    async ping() {
      await expect(await call("GET", "/_ping"), "ping", [200]);
    },

    async inspectContainer(idOrName) {
      const op = `inspect container ${idOrName}`;
      const response = await call("GET", `/containers/${enc(idOrName)}/json`);
      if (response.status === 404) {
        await response.arrayBuffer();
        return undefined;
      }
      return JSON.parse(await expect(response, op, [200])) as ContainerInspect;
    },

    async createContainer(name, body) {
      const op = `create container ${name}`;
      const text = await expect(await call("POST", `/containers/create?name=${enc(name)}`, { body }), op, [201]);
      return (JSON.parse(text) as { Id: string }).Id;
    },

    async startContainer(id) {
      const op = `start container ${id.slice(0, 12)}`;
      await expect(await call("POST", `/containers/${enc(id)}/start`), op, [204, 304]);
    },

    async stopContainer(id, graceSeconds) {
      const op = `stop container ${id.slice(0, 12)}`;
      // The daemon waits up to the grace itself, so the call may last that long.
      const signal = AbortSignal.timeout(CALL_TIMEOUT_MS + graceSeconds * 1000);
      await expect(
        await call("POST", `/containers/${enc(id)}/stop?t=${graceSeconds}`, { signal }),
        op,
        [204, 304, 404],
      );
    },

    async removeContainer(id) {
      const op = `remove container ${id.slice(0, 12)}`;
      // 409 "removal already in progress" means someone else is doing our job.
      await expect(await call("DELETE", `/containers/${enc(id)}?force=true&v=true`), op, [204, 404, 409]);
    },

    async logsTail(id, lines) {
      const op = `logs of container ${id.slice(0, 12)}`;
      const response = await call("GET", `/containers/${enc(id)}/logs?stdout=true&stderr=true&tail=${lines}`);
      if (response.status !== 200) {
        await expect(response, op, [200]);
        return [];
      }
      return demuxLogs(new Uint8Array(await response.arrayBuffer()));
    },

    async logsFollow(id, signal) {
      const op = `follow logs of container ${id.slice(0, 12)}`;
      const response = await call("GET", `/containers/${enc(id)}/logs?follow=true&stdout=true&stderr=true`, {
        signal,
      });
      if (response.status === 404) {
        await response.arrayBuffer();
        return undefined;
      }
      if (response.status !== 200 || !response.body) {
        await expect(response, op, [200]);
        return undefined;
      }
      return response.body;
    },

    async pullImage(image) {
      const op = `pull image ${image}`;
      const { fromImage, tag } = splitImage(image);
      const query = `fromImage=${enc(fromImage)}${tag ? `&tag=${enc(tag)}` : ""}`;
      // A pull streams progress lines for as long as it takes; only the daemon bounds it.
      const text = await expect(
        await call("POST", `/images/create?${query}`, { signal: new AbortController().signal }),
        op,
        [200],
      );
      // Failures after the 200 arrive as a progress line carrying "error".
      for (const line of text.split("\n")) {
        if (!line.trim()) continue;
        const progress = JSON.parse(line) as { error?: string; errorDetail?: { message?: string } };
        if (progress.error) throw new DockerApiError(500, progress.errorDetail?.message ?? progress.error, op);
      }
    },

    async *events(filters, signal) {
      const response = await call("GET", `/events?filters=${enc(JSON.stringify(filters))}`, { signal });
      if (response.status !== 200 || !response.body) {
        await expect(response, "events", [200]);
        return;
      }
      const decoder = new TextDecoder();
      let buffer = "";
      const reader = response.body.getReader();
      try {
        for (let chunk = await reader.read(); !chunk.done; chunk = await reader.read()) {
          buffer += decoder.decode(chunk.value, { stream: true });
          let newline = buffer.indexOf("\n");
          while (newline >= 0) {
            const line = buffer.slice(0, newline).trim();
            buffer = buffer.slice(newline + 1);
            if (line) yield JSON.parse(line) as DockerEvent;
            newline = buffer.indexOf("\n");
          }
        }
      } catch (error) {
        if (!signal.aborted) throw error;
      } finally {
        await reader.cancel().catch(() => undefined);
      }
    },
  };
}
