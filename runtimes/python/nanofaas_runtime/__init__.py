"""nanofaas Python runtime: serve `def handle(input, ctx)` on the nanofaas pod contract."""

from .errors import FunctionError
from .invoke import Context
from .logger import Logger

__all__ = ["Context", "FunctionError", "Logger"]
