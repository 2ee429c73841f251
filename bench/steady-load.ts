/**
 * Issue 15.8's acceptance as a timed run (`just bench-steady [SECONDS]`, default 300): the load of
 * test/support/steady-load.ts for SECONDS. Prints the status counts once per minute and exits 1 if
 * anything but 200 was seen (a 429 means admission misjudged the wait).
 */
import { runSteadyLoad } from "../test/support/steady-load";

const seconds = Number(process.argv[2] ?? 300);
if (!Number.isInteger(seconds) || seconds < 1)
  throw new Error(`seconds must be a positive integer, got '${process.argv[2]}'`);

const started = Date.now();
const print = (statuses: Map<number, number>) =>
  console.log(`${((Date.now() - started) / 60_000).toFixed(1)} min: ${JSON.stringify(Object.fromEntries(statuses))}`);
const statuses = await runSteadyLoad(seconds, print);
print(statuses);
const others = [...statuses.keys()].filter((status) => status !== 200);
console.log(
  others.length === 0
    ? `steady load for ${seconds} s: every call 200`
    : `steady load: non-200 statuses ${others.join(", ")}`,
);
process.exit(others.length === 0 ? 0 : 1);
