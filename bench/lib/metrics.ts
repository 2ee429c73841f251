/**
 * @module
 * Knowing when every accepted async execution is terminal. The pod counts the POSTs it served
 * (cheap to poll); once it has seen them all, nanofaas's own counters are read until they agree.
 * Scraping `/metrics` in a tight loop would itself cost the control plane CPU (process metrics
 * walk the heap), so it is only read at the end.
 */

/**
 * Sum of the named counters for one function in a Prometheus text exposition, over every other
 * label (each version of a function has its own series since issue 22: `{function, version}`).
 */
export function counterSum(text: string, names: readonly string[], fn: string): number {
  const label = `function="${fn}"`;
  let total = 0;
  for (const line of text.split("\n")) {
    for (const name of names) {
      if (!line.startsWith(`${name}{`)) continue;
      const labels = line.slice(name.length + 1, line.lastIndexOf("}"));
      if (labels.split(",").includes(label)) total += Number(line.slice(line.lastIndexOf(" ") + 1));
    }
  }
  return total;
}

/** Executions of `fn` that ended in success or error, from nanofaas's counters. */
export async function terminalCount(management: string, fn: string): Promise<number> {
  const text = await (await fetch(`${management}/metrics`)).text();
  return counterSum(text, ["function_success_total", "function_error_total"], fn);
}

export async function podCount(podBase: string): Promise<number> {
  return Number(await (await fetch(`${podBase}/count`)).text());
}

/**
 * Waits until nanofaas reports `target` terminal executions of `fn`, polling the pod's counter
 * (`podTarget`) first. Returns the terminal count.
 */
export async function waitTerminal(o: {
  management: string;
  fn: string;
  target: number;
  podBase: string;
  podTarget: number;
  limitMs?: number;
}): Promise<number> {
  const deadline = performance.now() + (o.limitMs ?? 120_000);
  while ((await podCount(o.podBase)) < o.podTarget) {
    if (performance.now() > deadline)
      throw new Error(`${o.fn}: the pod has not seen ${o.podTarget} requests after ${o.limitMs} ms`);
    await Bun.sleep(5);
  }
  for (;;) {
    const done = await terminalCount(o.management, o.fn);
    if (done >= o.target) return done;
    if (performance.now() > deadline) throw new Error(`${o.fn}: only ${done} of ${o.target} executions terminal`);
    await Bun.sleep(2);
  }
}
