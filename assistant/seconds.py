"""How long a user may ask deassist to wait: one rule for every timeout option and setting.

A timeout is a finite, positive number of seconds, at most a day: `nan` would disable a timer,
`inf` or `1e300` overflow the engines' timers (PostgreSQL takes milliseconds in 32 bits).
"""

from __future__ import annotations

import math

MAX_SECONDS = 86_400.0


def parse_seconds(text: str | float) -> float:
    """`text` as seconds; a ValueError says why it is not a usable timeout."""
    try:
        seconds = float(text)
    except (TypeError, ValueError):
        raise ValueError(f"{text!r} is not a number of seconds") from None
    if not math.isfinite(seconds) or not 0 < seconds <= MAX_SECONDS:
        raise ValueError(f"{text!r} is not a timeout: give seconds above 0 and at most {MAX_SECONDS:g}")
    return seconds
