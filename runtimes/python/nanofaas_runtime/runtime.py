"""The pod contract as a plain function of (method, path, headers, body), independent of the HTTP
server that hosts it: server.py plugs it into ThreadingHTTPServer, tests call it directly."""

import json
import time
from typing import Any, Callable, Dict, Mapping, Tuple

from . import contract as c
from .callback import CallbackSender, Target
from .invoke import Context, Failure, Outcome, Success, run_with_deadline
from .logger import Logger, Writer
from .request import Rejection, parse_invocation
from .settings import Settings
from .state import ColdStart, Metrics

Response = Tuple[int, Dict[str, str], bytes]
Handler = Callable[[Any, Context], Any]

JSON_TYPE = {"Content-Type": "application/json"}


def error_response(status: int, code: str, message: str, **headers: str) -> Response:
    body = json.dumps({"error": {"code": code, "message": message}}, ensure_ascii=False).encode()
    return status, {**JSON_TYPE, **headers}, body


def callback_body(outcome: Any) -> bytes:
    if isinstance(outcome, Success):
        return b'{"success":true,"output":' + outcome.body + b',"error":null}'
    error = {"code": outcome.code, "message": outcome.message}
    return json.dumps({"success": False, "output": None, "error": error}, ensure_ascii=False).encode()


class Runtime:
    def __init__(self, handler: Handler, settings: Settings, init_duration_ms: float, write: Writer,
                 sender: "CallbackSender | None" = None):
        self.handler = handler
        self.settings = settings
        self.write = write
        self.metrics = Metrics()
        self.cold_start = ColdStart(init_duration_ms)
        self.base = {"function": settings.function_name} if settings.function_name else {}
        self.log = Logger(write, self.base)
        self.callbacks = sender or CallbackSender(self._callback_failed)
        self.draining = False

    def _callback_failed(self, target: Target, problem: str) -> None:
        self.metrics.count("callback_failures")
        self.log.warn("callback delivery failed", executionId=target.execution_id, traceId=target.trace_id, problem=problem)

    def handle(self, method: str, path: str, headers: Mapping[str, str], raw: bytes) -> Response:
        if path == "/invoke" and method == "POST":
            return self.invoke(headers, raw)
        if path == "/health" and method == "GET":
            # Draining pods report 503 so load balancers stop sending work before the port closes.
            body = json.dumps({"status": "draining" if self.draining else "ok"}).encode()
            return (503 if self.draining else 200), dict(JSON_TYPE), body
        if path == "/metrics" and method == "GET":
            return 200, {"Content-Type": "text/plain; version=0.0.4; charset=utf-8"}, self.metrics.render().encode()
        return error_response(404, c.NOT_FOUND, "Endpoint not found")

    def invoke(self, headers: Mapping[str, str], raw: bytes) -> Response:
        # While draining, a request that still reaches us was sent before the listener closed:
        # it is in-flight work and is served (server.py closes its connection afterwards).
        parsed = parse_invocation(headers, raw, self.settings)
        if isinstance(parsed, Rejection):
            if parsed.ids and parsed.ids.callback_base:
                self._send_callback(parsed.ids, Failure(c.STATUS_BAD_REQUEST, parsed.code, parsed.message))
            return error_response(c.STATUS_BAD_REQUEST, parsed.code, parsed.message)
        ids = parsed.ids
        logger = Logger(self.write, {**self.base, "executionId": ids.execution_id, "traceId": ids.trace_id})
        timeout_ms = self.settings.timeout_ms
        ctx = Context(ids.execution_id, ids.trace_id, parsed.metadata, logger, self.cold_start.start_invocation(), timeout_ms)
        self.metrics.started()
        started = time.monotonic()
        outcome: Outcome = run_with_deadline(self.handler, parsed.input, ctx, timeout_ms)
        self.metrics.finished(isinstance(outcome, Success), time.monotonic() - started)
        if ids.callback_base:
            self._send_callback(ids, outcome)
        if isinstance(outcome, Failure):
            if outcome.status == c.STATUS_HANDLER_TIMEOUT:
                self.metrics.count("timeouts")
            logger.error("invocation failed", error={"code": outcome.code, "message": outcome.message})
            return error_response(outcome.status, outcome.code, outcome.message)
        cold = self.cold_start.claim_headers()
        if cold:
            self.metrics.count("cold_starts")
        return 200, {**JSON_TYPE, **(cold or {})}, outcome.body

    def _send_callback(self, ids: Any, outcome: Outcome) -> None:
        target = Target(ids.callback_base, ids.execution_id, ids.trace_id, ids.attempt, ids.callback_token)
        self.callbacks.send(target, callback_body(outcome))
