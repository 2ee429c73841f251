"""nanofaas_client: a small, standard-library-only client for the nanofaas API.

    from nanofaas_client import NanofaasClient
    client = NanofaasClient("http://localhost:8080")
    client.invoke("word-stats", {"text": "the quick brown fox"})["output"]

See clients/python/README.md and docs/clients.md.
"""

from .client import COVERED_OPERATIONS, TERMINAL_STATES, NanofaasClient
from .errors import (
    BackpressureError,
    ConflictError,
    ForbiddenError,
    NanofaasConnectionError,
    NanofaasError,
    NotFoundError,
    UnauthenticatedError,
    WaitTimeout,
)

__all__ = [
    "COVERED_OPERATIONS",
    "TERMINAL_STATES",
    "BackpressureError",
    "ConflictError",
    "ForbiddenError",
    "NanofaasClient",
    "NanofaasConnectionError",
    "NanofaasError",
    "NotFoundError",
    "UnauthenticatedError",
    "WaitTimeout",
]
