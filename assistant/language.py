"""The language a user writes in, told by its script: Traditional Chinese, Korean, else English."""

from __future__ import annotations

import re

HANGUL = re.compile(r"[\uac00-\ud7a3\u1100-\u11ff\u3130-\u318f]")
HAN = re.compile(r"[\u4e00-\u9fff\u3400-\u4dbf]")


def detect_language(text: str) -> str:
    """ "ko" for Hangul, "zh-TW" for Han characters, "en" otherwise (code and SQL are mostly ASCII anyway)."""
    if HANGUL.search(text):
        return "ko"
    if HAN.search(text):
        return "zh-TW"
    return "en"
