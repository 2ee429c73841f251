"""A small nanofaas API client on the standard library alone (urllib, json).

Every request is built from ``operations.json`` (operationId → method, path, headers), the table the
drift test compares with openapi/openapi.json, so the client cannot silently keep calling a path
the API no longer has. Objects are plain dicts shaped as in the OpenAPI document.
"""

from __future__ import annotations

import json
import os
import time
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path
from typing import Any

from .errors import (
    BackpressureError,
    ConflictError,
    ForbiddenError,
    NanofaasConnectionError,
    NanofaasError,
    NotFoundError,
    UnauthenticatedError,
    WaitTimeout,
)

OPERATIONS: dict[str, dict[str, Any]] = {
    op_id: op
    for op_id, op in json.loads((Path(__file__).parent / "operations.json").read_text("utf-8")).items()
    if not op_id.startswith("_")
}
#: The operationIds of openapi/openapi.json this client covers.
COVERED_OPERATIONS = tuple(OPERATIONS)

TERMINAL_STATES = ("success", "error", "timeout")
_ERROR_TYPES = {401: UnauthenticatedError, 404: NotFoundError, 409: ConflictError}


class NanofaasClient:
    """The API at ``base_url`` (e.g. ``http://localhost:8080``); ``timeout`` is per request, in seconds.

    ``token`` is an API key (``nfk_…``) or an OIDC access token, sent as ``Authorization: Bearer`` on
    every request when the control plane has authentication on (docs/security.md); by default the
    ``NANOFAAS_TOKEN`` environment variable, as for the CLI. ``token=""`` sends none.
    """

    def __init__(
        self,
        base_url: str,
        *,
        timeout: float = 30.0,
        headers: dict[str, str] | None = None,
        token: str | None = None,
    ):
        parsed = urllib.parse.urlsplit(base_url)
        if parsed.scheme not in ("http", "https") or not parsed.netloc:
            raise ValueError(f"base_url must be an http:// or https:// URL, got {base_url!r}")
        self.base_url = base_url.rstrip("/")
        self.timeout = timeout
        self.headers = dict(headers or {})
        token = os.environ.get("NANOFAAS_TOKEN") if token is None else token
        if token:
            if any(c.isspace() for c in token):
                raise ValueError("token must be one word without spaces")
            self.headers["authorization"] = f"Bearer {token}"

    # Functions

    def list_functions(self) -> list[dict]:
        return self._call("listFunctions")

    def register_function(self, spec: dict) -> dict:
        """Registers a FunctionSpec (``{"name": …, …}``); 409 ``ConflictError`` if the name is taken."""
        return self._call("registerFunction", body=spec)

    def get_function(self, name: str) -> dict:
        return self._call("getFunction", path={"name": name})

    def delete_function(self, name: str) -> None:
        self._call("deleteFunction", path={"name": name})

    # Invocations

    def invoke(
        self,
        name: str,
        input: Any,
        *,
        metadata: dict | None = None,
        idempotency_key: str | None = None,
        trace_id: str | None = None,
        timeout_ms: int | None = None,
    ) -> dict:
        """Runs the function and waits: the InvocationResponse (``status``, ``output``, ``error``, …).

        A function that fails is still a 200 whose ``status`` is ``error`` or ``timeout``; only the API
        refusing the call (unknown function, bad input, backpressure) raises.
        """
        headers = {"idempotency-key": idempotency_key, "x-trace-id": trace_id, "x-timeout-ms": timeout_ms}
        return self._call("invokeFunction", path={"name": name}, body=_request(input, metadata), headers=headers)

    def enqueue(
        self,
        name: str,
        input: Any,
        *,
        metadata: dict | None = None,
        idempotency_key: str | None = None,
        trace_id: str | None = None,
    ) -> dict:
        """Queues an invocation: the InvocationResponse with ``executionId`` and status ``queued``."""
        headers = {"idempotency-key": idempotency_key, "x-trace-id": trace_id}
        return self._call("enqueueInvocation", path={"name": name}, body=_request(input, metadata), headers=headers)

    def get_execution(self, execution_id: str) -> dict:
        return self._call("getExecution", path={"executionId": execution_id})

    def wait(self, execution_id: str, *, timeout: float = 60.0, interval: float = 0.2) -> dict:
        """Polls ``get_execution`` until the execution is terminal; ``WaitTimeout`` after ``timeout`` s."""
        deadline = time.monotonic() + timeout
        while True:
            execution = self.get_execution(execution_id)
            if execution.get("status") in TERMINAL_STATES:
                return execution
            if time.monotonic() + interval > deadline:
                raise WaitTimeout(execution_id, execution)
            time.sleep(interval)

    # Transport

    def _call(self, operation_id: str, *, path=None, body=None, headers=None) -> Any:
        op = OPERATIONS[operation_id]
        url = self.base_url + _fill(op["path"], path or {})
        sent = {"accept": "application/json", **self.headers}
        # Only headers the table lists, so the drift test checks every one the client sends.
        unlisted = set(headers or {}) - set(op.get("headers", []))
        if unlisted:
            raise AssertionError(f"{operation_id} sends {sorted(unlisted)}, not listed in operations.json")
        for name, value in (headers or {}).items():
            if value is not None:
                sent[name] = str(value)
        data = None
        if body is not None:
            data = json.dumps(body).encode("utf-8")
            sent["content-type"] = "application/json"
        request = urllib.request.Request(url, data=data, headers=sent, method=op["method"])
        try:
            with urllib.request.urlopen(request, timeout=self.timeout) as response:
                text = response.read().decode("utf-8")
                return json.loads(text) if text else None
        except urllib.error.HTTPError as error:
            raise _api_error(error) from None
        except (urllib.error.URLError, TimeoutError, ConnectionError) as error:
            reason = getattr(error, "reason", error)
            raise NanofaasConnectionError(f"cannot reach nanofaas at {self.base_url} ({reason})") from error


def _request(input: Any, metadata: dict | None) -> dict:
    return {"input": input} if metadata is None else {"input": input, "metadata": metadata}


def _fill(template: str, values: dict[str, str]) -> str:
    """Puts percent-encoded values into ``{name}`` placeholders (a name with '/' or ':' stays one segment)."""
    for key, value in values.items():
        template = template.replace("{" + key + "}", urllib.parse.quote(str(value), safe=""))
    return template


def _api_error(error: urllib.error.HTTPError) -> NanofaasError:
    raw = error.read().decode("utf-8", "replace")
    try:
        envelope = json.loads(raw)
    except ValueError:
        envelope = None
    if not isinstance(envelope, dict):
        envelope = {"error": f"HTTP_{error.code}", "message": raw[:200] or str(error.reason)}
    code = str(envelope.get("error", f"HTTP_{error.code}"))
    message = str(envelope.get("message", ""))
    raw_details = envelope.get("details") or []
    details = [str(d) for d in raw_details]
    if error.code == 429:
        return BackpressureError(
            error.code,
            code,
            message,
            details,
            retry_after=_seconds(error.headers.get("retry-after")),
            reason=error.headers.get("x-queue-reject-reason"),
        )
    if error.code == 403:
        scope = next((d.get("scope") for d in raw_details if isinstance(d, dict) and "scope" in d), None)
        return ForbiddenError(error.code, code, message, details, scope=scope)
    return _ERROR_TYPES.get(error.code, NanofaasError)(error.code, code, message, details)


def _seconds(value: str | None) -> float | None:
    try:
        return float(value) if value is not None else None
    except ValueError:
        return None
