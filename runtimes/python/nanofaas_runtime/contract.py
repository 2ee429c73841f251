"""The pod contract constants, mirrored from src/contracts/pod.ts and headers.ts.

A Bun test (runtimes/python/contract-drift.test.ts) compares these with the TypeScript originals,
so the two cannot drift apart silently.
"""

from urllib.parse import quote

DEFAULT_POD_PORT = 8080

INVALID_JSON = "INVALID_JSON"
INVALID_REQUEST = "INVALID_REQUEST"
EXECUTION_ID_REQUIRED = "EXECUTION_ID_REQUIRED"
HANDLER_ERROR = "HANDLER_ERROR"
HANDLER_TIMEOUT = "HANDLER_TIMEOUT"
INVALID_OUTPUT = "INVALID_OUTPUT"
NOT_FOUND = "NOT_FOUND"
UNAVAILABLE = "UNAVAILABLE"

STATUS_BAD_REQUEST = 400
STATUS_HANDLER_ERROR = 500
STATUS_HANDLER_TIMEOUT = 504
STATUS_UNAVAILABLE = 503

H_EXECUTION_ID = "X-Execution-Id"
H_DISPATCH_ATTEMPT = "X-Dispatch-Attempt"
H_TRACE_ID = "X-Trace-Id"
H_TRACEPARENT = "traceparent"
H_COLD_START = "X-Cold-Start"
H_INIT_DURATION_MS = "X-Init-Duration-Ms"
H_CALLBACK_URL = "X-Callback-Url"
H_CALLBACK_TOKEN = "X-Callback-Token"

CALLBACK_MAX_TRIES = 3
CALLBACK_RETRY_DELAYS_MS = (100, 500)


def callback_url_for(base: str, execution_id: str) -> str:
    """`{base}/{executionId}:complete`, encoding the id like JavaScript's encodeURIComponent."""
    if base.endswith(":complete"):
        return base
    return base.rstrip("/") + "/" + quote(execution_id, safe="!*'()") + ":complete"


def is_retryable_callback_status(status: int) -> bool:
    return status >= 500 or status in (408, 429)
