"""Runs one handler call in a worker thread under a deadline.

Python cannot kill a thread, so at the deadline we stop waiting, set ctx.cancelled and answer 504;
the thread is a daemon and a well-behaved handler checks ctx.cancelled and returns early.
"""

import inspect
import json
import threading
import time
from dataclasses import dataclass
from typing import Any, Callable, Dict, Optional, Union

from . import contract as c
from .errors import FunctionError
from .logger import Logger


class Context:
    """What a handler receives besides its input."""

    def __init__(self, execution_id: str, trace_id: Optional[str], metadata: Dict[str, str],
                 logger: Logger, is_cold_start: bool, timeout_ms: int):
        self.execution_id = execution_id
        self.trace_id = trace_id
        self.metadata = metadata
        self.logger = logger
        self.is_cold_start = is_cold_start
        # Set when the deadline passes: the pod has already answered 504.
        self.cancelled = threading.Event()
        self.deadline = time.monotonic() + timeout_ms / 1000

    def remaining_ms(self) -> int:
        return max(0, int((self.deadline - time.monotonic()) * 1000))


@dataclass
class Success:
    body: bytes  # the output serialised once, reused for the response and the callback


@dataclass
class Failure:
    status: int
    code: str
    message: str


Outcome = Union[Success, Failure]


def error_of(exc: BaseException) -> Failure:
    if isinstance(exc, FunctionError):
        return Failure(c.STATUS_HANDLER_ERROR, exc.code, exc.message)
    return Failure(c.STATUS_HANDLER_ERROR, c.HANDLER_ERROR, str(exc) or type(exc).__name__)


def serialise(value: Any) -> Outcome:
    try:
        text = json.dumps(value, ensure_ascii=False, allow_nan=False, separators=(",", ":"))
    except (TypeError, ValueError) as exc:
        return Failure(c.STATUS_HANDLER_ERROR, c.INVALID_OUTPUT, f"Handler output is not JSON-serialisable: {exc}")
    return Success(text.encode("utf-8", errors="surrogatepass"))


def run_with_deadline(handler: Callable[[Any, Context], Any], value: Any, ctx: Context, timeout_ms: int) -> Outcome:
    box: Dict[str, Any] = {}
    done = threading.Event()

    def work() -> None:
        try:
            result = handler(value, ctx)
            if inspect.iscoroutine(result):
                import asyncio  # only async handlers pay for it

                result = asyncio.run(result)
            box["outcome"] = serialise(result)
        except BaseException as exc:  # noqa: BLE001 - every handler failure becomes a 500
            box["outcome"] = error_of(exc)
        finally:
            done.set()

    threading.Thread(target=work, name=f"handler-{ctx.execution_id}", daemon=True).start()
    if not done.wait(timeout_ms / 1000):
        ctx.cancelled.set()
        return Failure(c.STATUS_HANDLER_TIMEOUT, c.HANDLER_TIMEOUT, f"Handler execution timed out after {timeout_ms} ms")
    return box["outcome"]
