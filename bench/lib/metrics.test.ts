import { expect, test } from "bun:test";
import { counterSum } from "./metrics";

test("counterSum adds a function's series over every version and counter, and no other function's", () => {
  const text = [
    "# HELP function_success_total Executions that ended in success",
    "# TYPE function_success_total counter",
    'function_success_total{function="echo",version="1"} 3',
    'function_success_total{function="echo",version="2"} 4',
    'function_success_total{function="echo-2",version="1"} 100',
    'function_success_total{version="1",function="echo"} 1',
    'function_error_total{function="echo",version="1"} 2',
    'function_retry_total{function="echo",version="1"} 50',
    'function_success_total{function="echo"} 5',
  ].join("\n");
  expect(counterSum(text, ["function_success_total", "function_error_total"], "echo")).toBe(15);
  expect(counterSum(text, ["function_success_total"], "echo-2")).toBe(100);
  expect(counterSum(text, ["function_success_total"], "ech")).toBe(0);
});
