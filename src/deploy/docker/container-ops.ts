/**
 * @module
 * Small container operations of a replica's lifecycle that never throw: a replica calls them on
 * its way out of a failure, where a second error would only hide the first.
 */
import type { EngineClient } from "./engine-client";

const describe = (error: unknown) => (error instanceof Error ? error.message : String(error));

/** Why the container is no longer running, or undefined while it runs (or Docker cannot say). */
export async function exitReason(engine: EngineClient, id: string): Promise<string | undefined> {
  try {
    const inspect = await engine.inspectContainer(id);
    if (!inspect) return "container disappeared";
    if (inspect.State.Running) return undefined;
    return `container exited with code ${inspect.State.ExitCode}${inspect.State.OOMKilled ? " (out of memory)" : ""}`;
  } catch {
    return undefined;
  }
}

/** The end of a container's output (empty if Docker cannot give it): diagnostics only. */
export async function outputTail(engine: EngineClient, id: string, lines: number): Promise<string[]> {
  try {
    return await engine.logsTail(id, lines);
  } catch {
    return [];
  }
}

/** Stops (SIGTERM, grace, SIGKILL) and removes a container; failures are reported, not thrown. */
export async function discardContainer(
  engine: EngineClient,
  id: string,
  graceMs: number,
  report: (message: string) => void,
): Promise<void> {
  try {
    await engine.stopContainer(id, Math.ceil(graceMs / 1000));
  } catch (error) {
    report(`could not stop container ${id.slice(0, 12)}: ${describe(error)}`);
  }
  try {
    await engine.removeContainer(id);
  } catch (error) {
    report(`could not remove container ${id.slice(0, 12)}: ${describe(error)}`);
  }
}
