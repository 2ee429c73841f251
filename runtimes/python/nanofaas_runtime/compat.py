"""Calls handlers written for the reference's Python runtimes with our `(input, ctx)` convention.

* `handle(input, ctx)` (ours, or any function taking two positional arguments): called as it is.
* One positional parameter: a reference handler. The SDK's `handle(input_data)` receives the
  input; the older Flask runtime's `handle(request)` received the whole request, so a parameter
  named `request`, `req` or `event` gets `{"input": ..., "metadata": {...}}`.
Either way the SDK's context (`nanofaas.context.get_execution_id()` …) is set for the call.
"""

import inspect
import sys
from typing import Any, Callable

WHOLE_REQUEST_NAMES = ("request", "req", "event")


def adapt(handler: Callable[..., Any]) -> Callable[[Any, Any], Any]:
    params = _positional_params(handler)
    if params is None or len(params) != 1:
        return handler
    whole_request = params[0].name in WHOLE_REQUEST_NAMES

    def reference_style(value: Any, ctx: Any) -> Any:
        context = sys.modules.get("nanofaas.context")
        if context is not None:
            context.set_context(ctx.execution_id, ctx.trace_id)
        return handler({"input": value, "metadata": dict(ctx.metadata)} if whole_request else value)

    return reference_style


def _positional_params(handler: Callable[..., Any]):
    """The positional parameters, or None when it takes *args or cannot be inspected."""
    try:
        parameters = inspect.signature(handler).parameters.values()
    except (TypeError, ValueError):
        return None
    kinds = (inspect.Parameter.POSITIONAL_ONLY, inspect.Parameter.POSITIONAL_OR_KEYWORD)
    if any(p.kind == inspect.Parameter.VAR_POSITIONAL for p in parameters):
        return None
    return [p for p in parameters if p.kind in kinds]
