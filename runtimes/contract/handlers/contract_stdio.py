"""The contract handler as a STDIO filter (for the watchdog with EXECUTION_MODE=STDIO).

Reads {"input", "metadata"} on stdin, writes the output JSON on stdout; a failure is a non-zero
exit with a message on stderr (the watchdog cannot carry typed error codes).
"""

import json
import os
import sys
import time

request = json.load(sys.stdin)
payload = request.get("input") if isinstance(request, dict) else None
op = payload.get("op") if isinstance(payload, dict) else None

if op == "echo":
    result = payload.get("value")
elif op == "context":
    result = {
        "executionId": os.environ.get("EXECUTION_ID") or None,
        "traceId": os.environ.get("TRACE_ID") or None,
        "metadata": request.get("metadata") or {},
    }
elif op == "sleep":
    time.sleep((payload.get("ms") or 0) / 1000)
    result = "slept" if payload.get("value") is None else payload.get("value")
elif op in ("fail", "throw"):
    sys.stderr.write(payload.get("message") or "failed on purpose")
    sys.exit(1)
else:
    sys.stderr.write(f"unknown op {json.dumps(op)}")
    sys.exit(2)

json.dump(result, sys.stdout)
