"""Typed handler errors: raise FunctionError(code, message) to choose the error code."""


class FunctionError(Exception):
    """A failure with a machine-readable code; the pod answers 500 {"error": {"code", "message"}}."""

    def __init__(self, code: str, message: str):
        super().__init__(message)
        self.code = code
        self.message = message
