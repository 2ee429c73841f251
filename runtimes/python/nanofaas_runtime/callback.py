"""Completion callbacks, delivered on background threads so the HTTP response never waits."""

import threading
import time
import urllib.error
import urllib.request
from dataclasses import dataclass
from typing import Callable, Optional, Set

from . import contract as c


@dataclass(frozen=True)
class Target:
    base: str
    execution_id: str
    trace_id: Optional[str]
    attempt: Optional[str]
    # Echoed as X-Callback-Token: with auth on, the control plane accepts the callback only with it.
    callback_token: Optional[str] = None


def post(url: str, body: bytes, headers: dict, timeout_s: float) -> int:
    """POSTs and returns the HTTP status; raises OSError on network failure."""
    request = urllib.request.Request(url, data=body, headers=headers, method="POST")
    try:
        with urllib.request.urlopen(request, timeout=timeout_s) as response:
            return response.status
    except urllib.error.HTTPError as error:
        error.close()
        return error.code


class CallbackSender:
    def __init__(self, on_failure: Callable[[Target, str], None], sleep: Callable[[float], None] = time.sleep,
                 poster: Callable[[str, bytes, dict, float], int] = post, per_try_timeout_s: float = 5.0):
        self._on_failure = on_failure
        self._sleep = sleep
        self._post = poster
        self._timeout = per_try_timeout_s
        self._pending: Set[threading.Thread] = set()
        self._lock = threading.Lock()

    def send(self, target: Target, body: bytes) -> None:
        thread = threading.Thread(target=self._run, args=(target, body), name="callback", daemon=True)
        with self._lock:
            self._pending.add(thread)
        thread.start()

    def flush(self, timeout_s: float) -> None:
        """Waits (up to timeout_s) for every callback started so far."""
        deadline = time.monotonic() + timeout_s
        with self._lock:
            threads = list(self._pending)
        for thread in threads:
            thread.join(max(0.0, deadline - time.monotonic()))

    def _run(self, target: Target, body: bytes) -> None:
        try:
            self._deliver(target, body)
        finally:
            with self._lock:
                self._pending.discard(threading.current_thread())

    def _deliver(self, target: Target, body: bytes) -> None:
        url = c.callback_url_for(target.base, target.execution_id)
        headers = {"Content-Type": "application/json"}
        if target.trace_id:
            headers[c.H_TRACE_ID] = target.trace_id
        if target.attempt:
            headers[c.H_DISPATCH_ATTEMPT] = target.attempt
        if target.callback_token:
            headers[c.H_CALLBACK_TOKEN] = target.callback_token
        problem = ""
        for attempt in range(1, c.CALLBACK_MAX_TRIES + 1):
            try:
                status = self._post(url, body, headers, self._timeout)
                if 200 <= status < 300:
                    return
                problem = f"HTTP {status}"
                # Other 4xx mean the control plane rejected this callback for good.
                if not c.is_retryable_callback_status(status):
                    break
            except (OSError, ValueError) as error:  # URLError and timeouts are OSErrors
                problem = str(error)
            if attempt < c.CALLBACK_MAX_TRIES:
                self._sleep(c.CALLBACK_RETRY_DELAYS_MS[attempt - 1] / 1000)
        self._on_failure(target, problem)
