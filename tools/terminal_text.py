"""Text from data, made safe to print: control and escape bytes shown as escapes, never interpreted.

A value holding `\x1b]0;...\x07` or `\x1b[2J` would retitle or clear the user's terminal, `\r` would
overwrite what was printed, and bidirectional overrides would reorder what is shown. Every such
character becomes its visible escape (`\x1b`, `\r`, `\u202e`); newlines and tabs stay as they are.
"""

from __future__ import annotations

import re

KEPT = "\n\t"
BIDI = "\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069"
_UNSAFE = re.compile(f"[\x00-\x08\x0b-\x1f\x7f-\x9f{BIDI}]")


def visible(text: str) -> str:
    """`text` with every terminal control character written as its escape."""
    return _UNSAFE.sub(_escape, text)


def _escape(match: re.Match[str]) -> str:
    code = ord(match.group())
    return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}"


__all__ = ["visible"]
