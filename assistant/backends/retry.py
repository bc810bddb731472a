"""What every remote backend shares: its numeric settings from the environment, and backoff between attempts."""

from __future__ import annotations

import math
import os
import random

from assistant.seconds import parse_seconds
from tools.errors import DeassistError

MAX_DELAY = 30.0
MAX_RETRY_AFTER = 60.0


def env_number(name: str, default: float) -> float:
    """A non-negative number from $name, else `default`; anything else is DEA-MODEL-CONFIG."""
    value = os.environ.get(name)
    if not value:
        return default
    try:
        number = float(value)
    except ValueError:
        raise DeassistError("DEA-MODEL-CONFIG", f"{name} must be a number, not {value!r}") from None
    if not math.isfinite(number) or number < 0:
        raise DeassistError("DEA-MODEL-CONFIG", f"{name} must be a finite number, not negative: not {value!r}")
    return number


def env_seconds(name: str, default: float) -> float:
    """A timeout from $name (finite, positive, at most a day: `assistant.seconds`), else `default`."""
    value = os.environ.get(name)
    try:
        return parse_seconds(value) if value else default
    except ValueError as exc:
        raise DeassistError("DEA-MODEL-CONFIG", f"{name}: {exc}") from None


def backoff_delay(attempt: int, base: float, retry_after: str | None = None) -> float:
    """Exponential backoff with jitter, or the server's retry-after when it asks for longer (at most 60 s)."""
    delay = min(base * 2**attempt, MAX_DELAY) * random.uniform(0.8, 1.0)
    if retry_after:
        try:
            delay = max(delay, min(float(retry_after), MAX_RETRY_AFTER))
        except ValueError:
            pass
    return delay
