"""Turns a POST /invoke into an invocation or a 400 error, with the same rules as the Bun runtime."""

import json
import re
from dataclasses import dataclass, field
from typing import Any, Dict, Mapping, Optional, Tuple, Union

from . import contract as c
from .settings import Settings

_TRACEPARENT = re.compile(r"^[\da-f]{2}-([\da-f]{32})-[\da-f]{16}-[\da-f]{2}")


@dataclass
class Ids:
    execution_id: str
    trace_id: Optional[str]
    attempt: Optional[str]
    callback_base: Optional[str]
    callback_token: Optional[str] = None


@dataclass
class Invocation:
    ids: Ids
    input: Any
    metadata: Dict[str, str] = field(default_factory=dict)


@dataclass
class Rejection:
    code: str
    message: str
    ids: Optional[Ids]  # None only without an execution id: nothing to call back about


def _header(headers: Mapping[str, str], name: str) -> Optional[str]:
    value = (headers.get(name) or "").strip()
    return value or None


def trace_id_of(headers: Mapping[str, str], fallback: Optional[str]) -> Optional[str]:
    explicit = _header(headers, c.H_TRACE_ID)
    if explicit:
        return explicit
    match = _TRACEPARENT.match(_header(headers, c.H_TRACEPARENT) or "")
    return match.group(1) if match else fallback


def _reject_constant(name: str) -> Any:
    # json.loads accepts NaN/Infinity, which are not JSON; JavaScript's JSON.parse refuses them.
    raise ValueError(f"{name} is not valid JSON")


@dataclass
class BodyError:
    code: str
    message: str


def parse_body(raw: bytes) -> Union[Tuple[Any, Dict[str, str]], BodyError]:
    """(input, metadata), or the reason the body is unacceptable."""
    # utf-8-sig + replace mirrors Request.text() in Bun: BOM dropped, bad bytes never an error.
    text = raw.decode("utf-8-sig", errors="replace")
    if text.strip(" \t\r\n") == "":
        return None, {}
    try:
        body = json.loads(text, parse_constant=_reject_constant)
    except ValueError:
        return BodyError(c.INVALID_JSON, "Request body must be valid JSON")
    except RecursionError:
        # The C decoder gives up past the interpreter's recursion limit (~1000 levels) at once;
        # without this the server thread dies and the caller sees a reset connection.
        return BodyError(c.INVALID_JSON, "Request body JSON is nested too deeply")
    if not isinstance(body, dict):
        return BodyError(c.INVALID_REQUEST, 'Request body must be a JSON object {"input", "metadata"}')
    metadata = body.get("metadata")
    if metadata is not None and not (
        isinstance(metadata, dict) and all(isinstance(v, str) for v in metadata.values())
    ):
        return BodyError(c.INVALID_REQUEST, "Invocation metadata must be a string map")
    return body.get("input"), metadata or {}


def parse_invocation(headers: Mapping[str, str], raw: bytes, settings: Settings) -> Union[Invocation, Rejection]:
    execution_id = _header(headers, c.H_EXECUTION_ID) or settings.execution_id
    if execution_id is None:
        return Rejection(c.EXECUTION_ID_REQUIRED, "Execution ID required", None)
    ids = Ids(
        execution_id=execution_id,
        trace_id=trace_id_of(headers, settings.trace_id),
        attempt=_header(headers, c.H_DISPATCH_ATTEMPT),
        callback_base=_header(headers, c.H_CALLBACK_URL) or settings.callback_url,
        callback_token=_header(headers, c.H_CALLBACK_TOKEN),
    )
    parsed = parse_body(raw)
    if isinstance(parsed, BodyError):
        return Rejection(parsed.code, parsed.message, ids)
    return Invocation(ids, parsed[0], parsed[1])
