"""Finds the handler: a file path (`examples/x/handler.py`) or a dotted module name (`handler`).

A function decorated with the reference SDK's `@nanofaas_function` wins over `handle`; one-argument
reference handlers are adapted to `(input, ctx)` (compat.py).
"""

import importlib
import importlib.util
import os
import sys
from typing import Any, Callable

from .compat import adapt


def load_handler(target: str, function: str = "handle") -> Callable[..., Any]:
    previous = sys.modules.get("nanofaas")
    if previous is not None:
        previous._registered = None  # only this module's @nanofaas_function counts
    if target.endswith(".py") or os.sep in target:
        path = os.path.abspath(target)
        # Let the handler import modules that sit next to it.
        sys.path.insert(0, os.path.dirname(path))
        spec = importlib.util.spec_from_file_location("nanofaas_handler", path)
        if spec is None or spec.loader is None:
            raise ImportError(f"cannot load handler file {target}")
        module = importlib.util.module_from_spec(spec)
        sys.modules[spec.name] = module
        spec.loader.exec_module(module)
    else:
        sys.path.insert(0, os.getcwd())
        module = importlib.import_module(target)
    sdk = sys.modules.get("nanofaas")
    decorated = sdk.registered_function() if sdk is not None else None
    handler = decorated if callable(decorated) else getattr(module, function, None)
    if not callable(handler):
        raise AttributeError(f"{target} has no function {function}(input, ctx)")
    return adapt(handler)
