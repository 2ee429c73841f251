"""Cold-start bookkeeping and metrics, shared by request threads (hence the locks)."""

import threading
from typing import Dict, Optional

from . import contract as c


class ColdStart:
    def __init__(self, init_duration_ms: float):
        self._lock = threading.Lock()
        self._started = False
        self._reported = False
        self.init_duration_ms = max(0, round(init_duration_ms))

    def start_invocation(self) -> bool:
        """True only for the first invocation of the process."""
        with self._lock:
            first, self._started = not self._started, True
            return first

    def claim_headers(self) -> Optional[Dict[str, str]]:
        """The cold-start headers for the first successful response, then None."""
        with self._lock:
            if self._reported:
                return None
            self._reported = True
        return {c.H_COLD_START: "true", c.H_INIT_DURATION_MS: str(self.init_duration_ms)}


class Metrics:
    """The Bun runtime's metric names, rendered in Prometheus text format."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self.successes = self.failures = self.in_flight = 0
        self.timeouts = self.cold_starts = self.callback_failures = 0
        self.duration_sum = 0.0

    def started(self) -> None:
        with self._lock:
            self.in_flight += 1

    def finished(self, success: bool, seconds: float) -> None:
        with self._lock:
            self.in_flight -= 1
            if success:
                self.successes += 1
            else:
                self.failures += 1
            self.duration_sum += seconds

    def count(self, name: str) -> None:
        with self._lock:
            setattr(self, name, getattr(self, name) + 1)

    def render(self) -> str:
        with self._lock:
            return "\n".join([
                "# HELP runtime_invocations_total Invocations handled, by outcome.",
                "# TYPE runtime_invocations_total counter",
                f'runtime_invocations_total{{success="true"}} {self.successes}',
                f'runtime_invocations_total{{success="false"}} {self.failures}',
                "# HELP runtime_invocation_duration_seconds Handler duration.",
                "# TYPE runtime_invocation_duration_seconds summary",
                f"runtime_invocation_duration_seconds_sum {self.duration_sum}",
                f"runtime_invocation_duration_seconds_count {self.successes + self.failures}",
                "# HELP runtime_in_flight Invocations running now.",
                "# TYPE runtime_in_flight gauge",
                f"runtime_in_flight {self.in_flight}",
                "# HELP runtime_timeouts_total Invocations that hit TIMEOUT_MS.",
                "# TYPE runtime_timeouts_total counter",
                f"runtime_timeouts_total {self.timeouts}",
                "# HELP runtime_cold_start_total Cold starts reported (0 or 1 per process).",
                "# TYPE runtime_cold_start_total counter",
                f"runtime_cold_start_total {self.cold_starts}",
                "# HELP runtime_callback_failures_total Callbacks given up after every try.",
                "# TYPE runtime_callback_failures_total counter",
                f"runtime_callback_failures_total {self.callback_failures}",
                "",
            ])
