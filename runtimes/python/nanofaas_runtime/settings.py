"""Runtime settings as a pure function of an environment map; bad values fail at start-up."""

import re
from dataclasses import dataclass
from typing import Mapping, Optional
from urllib.parse import urlsplit

from .contract import DEFAULT_POD_PORT

DEFAULT_TIMEOUT_MS = 30_000


class SettingsError(Exception):
    pass


@dataclass(frozen=True)
class Settings:
    port: int
    timeout_ms: int
    execution_id: Optional[str]
    trace_id: Optional[str]
    callback_url: Optional[str]
    function_name: Optional[str]


def _non_blank(value: Optional[str]) -> Optional[str]:
    value = (value or "").strip()
    return value or None


def _integer(env: Mapping[str, str], name: str, fallback: int, low: int, high: int) -> int:
    raw = _non_blank(env.get(name))
    if raw is None:
        return fallback
    if not re.fullmatch(r"\d+", raw) or not low <= int(raw) <= high:
        raise SettingsError(f'{name} must be an integer between {low} and {high}, got "{raw}"')
    return int(raw)


def load_settings(env: Mapping[str, str]) -> Settings:
    callback_url = _non_blank(env.get("CALLBACK_URL"))
    if callback_url is not None:
        parts = urlsplit(callback_url)
        if not parts.scheme or not parts.netloc:
            raise SettingsError(f'CALLBACK_URL must be an absolute URL, got "{callback_url}"')
    return Settings(
        # 0 asks the OS for a free port; the runtime logs the one it got.
        port=_integer(env, "PORT", DEFAULT_POD_PORT, 0, 65_535),
        timeout_ms=_integer(env, "TIMEOUT_MS", DEFAULT_TIMEOUT_MS, 1, 3_600_000),
        execution_id=_non_blank(env.get("EXECUTION_ID")),
        trace_id=_non_blank(env.get("TRACE_ID")),
        callback_url=callback_url,
        function_name=_non_blank(env.get("FUNCTION_NAME")),
    )
