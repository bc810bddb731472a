"""Memory keeps no personal data and no secrets: what the profiler calls PII, and what looks like a credential.

Personal data is found with the profiler's own value detectors (`tools.profile.semantic`), applied to each
word of the text, so memory and profiling agree on what an email, a phone number or an IP address is.
The error never repeats the offending text: it would end up in a terminal scrollback or a transcript.
"""

from __future__ import annotations

import re

from tools.errors import DeassistError
from tools.profile.semantic import PII_TYPES, infer_semantic_type

# A value that stands for a secret kept elsewhere (${PG_PASSWORD}, <password>, {{ env_var('X') }}, ***).
_REFERENCE = r"(?![$<{%*])"

SECRET_PATTERNS: tuple[tuple[str, re.Pattern[str]], ...] = (
    ("an Anthropic API key", re.compile(r"\bsk-ant-[A-Za-z0-9_-]{8,}")),
    ("an API key", re.compile(r"\bsk-[A-Za-z0-9_-]{20,}")),
    ("an AWS access key", re.compile(r"\b(?:AKIA|ASIA)[0-9A-Z]{16}\b")),
    ("a GitHub token", re.compile(r"\b(?:gh[pousr]_[A-Za-z0-9]{20,}|github_pat_[A-Za-z0-9_]{20,})")),
    ("a Slack token", re.compile(r"\bxox[abprs]-[A-Za-z0-9-]{10,}")),
    ("a Google API key", re.compile(r"\bAIza[0-9A-Za-z_-]{35}")),
    ("a private key", re.compile(r"-----BEGIN [A-Z ]*PRIVATE KEY")),
    ("a JWT", re.compile(r"\beyJ[A-Za-z0-9_-]{5,}\.eyJ[A-Za-z0-9_-]{5,}\.[A-Za-z0-9_-]{5,}")),
    (
        "a password in a connection string",
        re.compile(rf"\b[a-z][a-z0-9+.-]*://[^\s:/@]+:{_REFERENCE}[^\s@/]+@", re.IGNORECASE),
    ),
    (
        "a password",
        re.compile(
            rf"\b(?:password|passwd|pwd|secret|client_secret|api[_-]?key|access[_-]?token|auth[_-]?token)"
            rf"\s*=\s*['\"]?{_REFERENCE}[^\s'\";,&]+",
            re.IGNORECASE,
        ),
    ),
    (
        "a password",
        # `password: hunter2!`: after a colon only a value that is not a plain word (prose uses colons too).
        re.compile(
            rf"\b(?:password|passwd|pwd|secret|api[_-]?key)\s*:\s*['\"]?{_REFERENCE}"
            r"(?=[^\s'\"]*[\d\W_])[^\s'\";,]{6,}",
            re.IGNORECASE,
        ),
    ),
)

# Dates and timestamps are masked before phone numbers are looked for across words:
# `2026-11-30 10` would otherwise read as a phone number.
_DATES = re.compile(r"\d{4}-\d{2}-\d{2}(?:[T ]\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?(?:Z|[+-]\d{2}:?\d{2})?)?")
_PHONE_SPAN = re.compile(r"\+?\(?\d[\d\s().-]{5,20}\d")
_EDGE_PUNCTUATION = ".,;:!?()[]{}<>'\"`"

_PII_WORDS = {"email": "an email address", "phone": "a phone number", "ip_address": "an IP address"}


def secret_kind(text: str) -> str | None:
    """What kind of secret `text` holds, or None."""
    for kind, pattern in SECRET_PATTERNS:
        if pattern.search(text):
            return kind
    return None


def pii_kind(text: str) -> str | None:
    """The profiler's semantic type (email, phone, ip_address) of the personal data in `text`, or None."""
    for word in text.split():
        semantic_type = infer_semantic_type("", "VARCHAR", [word.strip(_EDGE_PUNCTUATION)])
        if semantic_type in PII_TYPES:
            return semantic_type
    for span in _PHONE_SPAN.findall(_DATES.sub(" ", text)):
        if infer_semantic_type("", "VARCHAR", [span.strip()]) == "phone":
            return "phone"
    return None


def check_storable(text: str, what: str) -> None:
    """Refuse `text` (described to the user as `what`) when it holds a secret or personal data."""
    kind = secret_kind(text)
    if kind:
        raise DeassistError(
            "DEA-MEMORY-SECRET",
            f"{what} looks like it holds {kind}; memory keeps no secrets (say where the secret lives instead)",
        )
    semantic_type = pii_kind(text)
    if semantic_type:
        raise DeassistError(
            "DEA-MEMORY-PII",
            f"{what} holds {_PII_WORDS[semantic_type]}; memory keeps no personal data",
        )
