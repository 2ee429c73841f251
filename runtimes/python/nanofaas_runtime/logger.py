"""JSON-lines logger on stdout, with the same field names as the Bun runtime (camelCase ids)."""

import json
import sys
import threading
from datetime import datetime, timezone
from typing import Any, Callable, Dict, Optional

Writer = Callable[[str], None]

_stdout_lock = threading.Lock()


def stdout_writer(line: str) -> None:
    # One lock so lines from concurrent handler threads never interleave.
    with _stdout_lock:
        sys.stdout.write(line + "\n")
        sys.stdout.flush()


def _timestamp() -> str:
    now = datetime.now(timezone.utc)
    return now.strftime("%Y-%m-%dT%H:%M:%S.") + f"{now.microsecond // 1000:03d}Z"


class Logger:
    def __init__(self, write: Writer, base: Optional[Dict[str, Any]] = None):
        self._write = write
        self._base = base or {}

    def _log(self, level: str, message: str, fields: Dict[str, Any]) -> None:
        line = {"timestamp": _timestamp(), "level": level, "message": message, **self._base, **fields}
        # default=str: an odd field value must not turn a log call into a handler failure.
        self._write(json.dumps(line, ensure_ascii=False, default=str))

    def debug(self, message: str, **fields: Any) -> None:
        self._log("debug", message, fields)

    def info(self, message: str, **fields: Any) -> None:
        self._log("info", message, fields)

    def warn(self, message: str, **fields: Any) -> None:
        self._log("warn", message, fields)

    warning = warn

    def error(self, message: str, **fields: Any) -> None:
        self._log("error", message, fields)
