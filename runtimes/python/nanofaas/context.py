"""The reference SDK's per-invocation context: ids in contextvars, and stdlib loggers.

The runtime sets the ids around each call of a reference-style handler (nanofaas_runtime/compat.py).
"""

import contextvars
import logging
from typing import Optional

_execution_id: contextvars.ContextVar[Optional[str]] = contextvars.ContextVar("nanofaas_execution_id", default=None)
_trace_id: contextvars.ContextVar[Optional[str]] = contextvars.ContextVar("nanofaas_trace_id", default=None)


def set_context(execution_id: Optional[str], trace_id: Optional[str] = None) -> None:
    _execution_id.set(execution_id)
    _trace_id.set(trace_id)


def get_execution_id() -> Optional[str]:
    return _execution_id.get()


def get_trace_id() -> Optional[str]:
    return _trace_id.get()


def get_logger(name: str = "nanofaas") -> logging.Logger:
    return logging.getLogger(name)
