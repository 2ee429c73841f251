"""Compatibility with the reference's Python SDK (`nanofaas-sdk`), so its functions run unchanged.

A reference handler module reads::

    from nanofaas import nanofaas_function

    @nanofaas_function
    def handle(input_data):
        return {"result": "ok"}

`nanofaas_function` only records the function (the last one decorated wins, as in the SDK); the
runtime's loader prefers it over a plain `handle` and adapts its one-argument signature
(see nanofaas_runtime/compat.py). `nanofaas.context` offers the SDK's context helpers.
"""

from typing import Any, Callable, Optional

from . import context  # noqa: F401 - part of the SDK's surface: `from nanofaas import context`

_registered: Optional[Callable[..., Any]] = None


def nanofaas_function(fn: Optional[Callable[..., Any]] = None, **_options: Any) -> Any:
    """Marks the function handler; usable as `@nanofaas_function` or `@nanofaas_function()`."""

    def register(target: Callable[..., Any]) -> Callable[..., Any]:
        global _registered
        _registered = target
        return target

    return register(fn) if fn is not None else register


def registered_function() -> Optional[Callable[..., Any]]:
    """The function last decorated with `@nanofaas_function`, if any."""
    return _registered
