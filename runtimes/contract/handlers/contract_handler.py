"""The contract handler for the Python runtime; twin of handlers/contract.ts."""

import json
import time

from nanofaas_runtime import FunctionError


def handle(input, ctx):
    op = input.get("op") if isinstance(input, dict) else None
    if op == "echo":
        return input.get("value")
    if op == "context":
        return {"executionId": ctx.execution_id, "traceId": ctx.trace_id, "metadata": ctx.metadata}
    if op == "fail":
        raise FunctionError(input.get("code") or "CONTRACT_FAILURE", input.get("message") or "failed on purpose")
    if op == "throw":
        raise RuntimeError(input.get("message") or "thrown on purpose")
    if op == "sleep":
        time.sleep((input.get("ms") or 0) / 1000)
        value = input.get("value")
        return "slept" if value is None else value
    if op == "log":
        ctx.logger.info(input.get("message") or "contract log", marker=input.get("marker"))
        return None
    raise FunctionError("UNKNOWN_OP", f"unknown op {json.dumps(op)}")
