"""Errors of the nanofaas client.

Every non-2xx answer of the API carries the error envelope ``{"error": CODE, "message", "details"?}``
(docs/api.md); it becomes a ``NanofaasError`` with that code and the HTTP status. A 429 becomes a
``BackpressureError`` that says when to retry (``Retry-After``) and why (``X-Queue-Reject-Reason``).
"""

from __future__ import annotations


class NanofaasError(Exception):
    """The API answered with an error status; ``code`` is the envelope's ``error``."""

    def __init__(self, status: int, code: str, message: str, details: list[str] | None = None):
        super().__init__(f"{status} {code}: {message}")
        self.status = status
        self.code = code
        self.message = message
        self.details = details or []


class UnauthenticatedError(NanofaasError):
    """401: no credential, or an unknown, expired or revoked one (pass ``token=`` or set NANOFAAS_TOKEN)."""


class ForbiddenError(NanofaasError):
    """403: the credential is valid but lacks a scope; ``scope`` names it (None for other refusals)."""

    def __init__(self, status, code, message, details=None, scope=None):
        super().__init__(status, code, message, details)
        self.scope: str | None = scope


class NotFoundError(NanofaasError):
    """404: the function or execution does not exist."""


class ConflictError(NanofaasError):
    """409: e.g. a function with that name already exists."""


class BackpressureError(NanofaasError):
    """429: rate limited or queue full. Retry after ``retry_after`` seconds (None if not given)."""

    def __init__(self, status, code, message, details=None, retry_after=None, reason=None):
        super().__init__(status, code, message, details)
        self.retry_after: float | None = retry_after
        self.reason: str | None = reason


class NanofaasConnectionError(Exception):
    """The control plane could not be reached (refused, unknown host, timed out)."""


class WaitTimeout(Exception):
    """``wait`` gave up while the execution was still queued or running; ``last`` is what it saw."""

    def __init__(self, execution_id: str, last: dict):
        super().__init__(f"execution {execution_id} still {last.get('status')} when the wait timed out")
        self.execution_id = execution_id
        self.last = last
