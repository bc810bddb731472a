"""Memory keeps no personal data and no secrets: what the profiler calls PII, and what looks like a credential.

Secrets are found by detect-secrets (a maintained detector: vendor tokens, private keys, JWTs, quoted
`password = "..."` assignments) and by the patterns below for the forms it misses in prose: unquoted
`key = value` and `key: value` pairs under any prefix (`DB_PASSWORD=`, `aws_secret_access_key =`),
passwords in connection strings, Anthropic keys. Personal data is found with the profiler's own value
detectors (`tools.profile.semantic`), applied to each word of the text, so memory and profiling agree on
what an email, a phone number or an IP address is; card numbers (Luhn) and IBANs (mod 97) are checked by
their checksums. The error never repeats the offending text: it would end up in a scrollback or a transcript.
"""

from __future__ import annotations

import re

from tools.errors import DeassistError
from tools.profile.semantic import PII_TYPES, infer_semantic_type

# A value that stands for a secret kept elsewhere (${PG_PASSWORD}, <password>, {{ env_var('X') }}, ***).
_REFERENCE = r"(?![$<{%*])"
# A key naming a secret, under any prefix: password, DB_PASSWORD, client_secret, aws_secret_access_key.
_KEY = (
    r"(?<![A-Za-z0-9])(?:[A-Za-z0-9]+[_-])*"
    r"(?:password|passwd|pwd|secret|secret[_-]?key|secret[_-]?access[_-]?key|api[_-]?key|"
    r"access[_-]?token|auth[_-]?token|private[_-]?key)"
    r"['\"]?"
)

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
    ("a password", re.compile(rf"{_KEY}\s*=\s*['\"]?{_REFERENCE}[^\s'\";,&]+", re.IGNORECASE)),
    (
        "a password",
        # `password: hunter2!`: after a colon only a value that is not a plain word (prose uses colons too).
        re.compile(rf"{_KEY}\s*:\s*['\"]?{_REFERENCE}(?=[^\s'\"]*[\d\W_])[^\s'\";,]{{6,}}", re.IGNORECASE),
    ),
)

# Dates and timestamps are masked before phone numbers are looked for across words:
# `2026-11-30 10` would otherwise read as a phone number.
_DATES = re.compile(r"\d{4}-\d{2}-\d{2}(?:[T ]\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?(?:Z|[+-]\d{2}:?\d{2})?)?")
_PHONE_SPAN = re.compile(r"\+?\(?\d[\d\s().-]{5,20}\d")
# Words are split where no email, phone number or IP address has a character: `owner=ada@x.org`,
# `a@x.org,b@x.org`, `<mailto:a@x.org>`. Colons stay (IPv6); a URI scheme is dropped below.
_WORD_SEPARATORS = re.compile(r"[\s,;=<>\[\]{}'\"`|]+")
_SCHEME = re.compile(r"^[A-Za-z][A-Za-z0-9+.-]*:(?=[^:]*@)")
_EDGE_PUNCTUATION = ".,;:!?()[]{}<>'\"`"
_CARD = re.compile(r"(?<![\d-])\d(?:[ -]?\d){12,18}(?![\d-])")
_IBAN = re.compile(r"\b[A-Z]{2}\d{2}(?: ?[A-Z0-9]){11,30}\b")

_PII_WORDS = {
    "email": "an email address",
    "phone": "a phone number",
    "ip_address": "an IP address",
    "card_number": "a card number",
    "iban": "an IBAN",
}
# detect-secrets' entropy plugins flag ordinary prose (every word of a sentence); its IP plugin is
# covered by the profiler's ip_address type.
_NOISY_PLUGINS = {"Base64HighEntropyString", "HexHighEntropyString", "IPPublicDetector"}


def secret_kind(text: str) -> str | None:
    """What kind of secret `text` holds, or None."""
    for kind, pattern in SECRET_PATTERNS:
        if pattern.search(text):
            return kind
    return _detected_secret(text)


def _detected_secret(text: str) -> str | None:
    from detect_secrets.core.plugins.util import get_mapping_from_secret_type_to_class
    from detect_secrets.core.scan import scan_line
    from detect_secrets.settings import transient_settings

    plugins = [
        {"name": plugin.__name__}
        for plugin in get_mapping_from_secret_type_to_class().values()
        if plugin.__name__ not in _NOISY_PLUGINS
    ]
    with transient_settings({"plugins_used": plugins}):
        for line in text.splitlines() or [text]:
            for found in scan_line(line):
                return f"a secret ({found.type})"
    return None


def pii_kind(text: str) -> str | None:
    """The kind of personal data in `text` (the profiler's email, phone, ip_address; card_number; iban), or None."""
    for word in _WORD_SEPARATORS.split(text):
        word = _SCHEME.sub("", word.strip(_EDGE_PUNCTUATION)).strip(_EDGE_PUNCTUATION)
        semantic_type = infer_semantic_type("", "VARCHAR", [word]) if word else None
        if semantic_type in PII_TYPES:
            return semantic_type
    if any(_luhn(re.sub(r"\D", "", span)) for span in _CARD.findall(text)):
        return "card_number"
    if any(_iban(span.replace(" ", "")) for span in _IBAN.findall(text)):
        return "iban"
    for span in _PHONE_SPAN.findall(_DATES.sub(" ", text)):
        if infer_semantic_type("", "VARCHAR", [span.strip()]) == "phone":
            return "phone"
    return None


def _luhn(digits: str) -> bool:
    """A payment card number's check digit holds (and it is not all one digit, like 0000 0000 0000 0000)."""
    if not 13 <= len(digits) <= 19 or len(set(digits)) == 1:
        return False
    total = 0
    for index, char in enumerate(reversed(digits)):
        value = int(char) * (2 if index % 2 else 1)
        total += value - 9 if value > 9 else value
    return total % 10 == 0


def _iban(text: str) -> bool:
    """An IBAN's mod-97 check holds (ISO 13616)."""
    rearranged = text[4:] + text[:4]
    return 15 <= len(text) <= 34 and int("".join(str(int(c, 36)) for c in rearranged)) % 97 == 1


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
