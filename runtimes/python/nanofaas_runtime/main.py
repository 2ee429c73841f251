"""Entry point: `python3 runtimes/python/run.py <handler>` (or HANDLER_MODULE=<handler>).

The only module that reads os.environ, binds the port or installs signal handlers.
"""

import os
import signal
import sys
import threading
import time
from typing import List, Optional

from .loader import load_handler
from .logger import Logger, stdout_writer
from .runtime import Runtime
from .server import PodServer
from .settings import SettingsError, load_settings

_IMPORTED_AT = time.monotonic()
CALLBACK_FLUSH_S = 16.0  # 3 tries x 5 s plus backoff


def _ms_since_process_start() -> float:
    """From the kernel's process start time when available (covers interpreter start-up)."""
    try:
        with open("/proc/self/stat") as stat, open("/proc/uptime") as uptime:
            start_ticks = int(stat.read().rsplit(")", 1)[1].split()[19])
            up = float(uptime.read().split()[0])
        return max(0.0, (up - start_ticks / os.sysconf("SC_CLK_TCK")) * 1000)
    except (OSError, ValueError, IndexError):
        return (time.monotonic() - _IMPORTED_AT) * 1000


def main(argv: Optional[List[str]] = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    log = Logger(stdout_writer)
    target = argv[0] if argv else os.environ.get("HANDLER_MODULE")
    if not target:
        log.error("no handler", error="usage: run.py <handler-file-or-module> (or set HANDLER_MODULE)")
        return 1
    try:
        settings = load_settings(os.environ)
    except SettingsError as error:
        log.error("invalid runtime settings", error=str(error))
        return 1
    try:
        handler = load_handler(target, os.environ.get("HANDLER_FUNCTION") or "handle")
    except Exception as error:  # noqa: BLE001 - any import failure is a start-up failure
        log.error("handler failed to load", error=f"{type(error).__name__}: {error}")
        return 1
    runtime = Runtime(handler, settings, _ms_since_process_start(), stdout_writer)
    try:
        server = PodServer(("0.0.0.0", settings.port), runtime)
    except OSError as error:
        log.error("cannot listen", error=str(error))
        return 1
    stop = threading.Event()
    received: List[str] = []

    def on_signal(signum: int, _frame: object) -> None:
        received.append(signal.Signals(signum).name)
        stop.set()

    signal.signal(signal.SIGTERM, on_signal)
    signal.signal(signal.SIGINT, on_signal)
    # A short poll interval makes shutdown() return quickly; the idle cost is 5 wake-ups a second.
    threading.Thread(target=server.serve_forever, args=(0.2,), name="http", daemon=True).start()
    runtime.log.info("listening", port=server.server_address[1], timeoutMs=settings.timeout_ms,
                     initDurationMs=runtime.cold_start.init_duration_ms)
    while not stop.wait(1.0):
        pass
    return _shutdown(server, runtime, received[0] if received else "?")


def _shutdown(server: PodServer, runtime: Runtime, signal_name: str) -> int:
    runtime.log.info("shutting down", signal=signal_name)
    runtime.draining = True
    server.shutdown()  # stop the accept loop
    server.socket.close()  # refuse new connections from now on
    drained = server.drain(runtime.settings.timeout_ms / 1000 + 1)
    runtime.callbacks.flush(CALLBACK_FLUSH_S)
    if not drained:
        runtime.log.error("shutdown grace exceeded; exiting")
        return 1
    runtime.log.info("stopped")
    return 0
