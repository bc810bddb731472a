"""What a column holds beyond its SQL type (email, URL, UUID, ...) and whether it is personal data."""

from __future__ import annotations

import ipaddress
import json
import re
from collections.abc import Sequence
from dataclasses import dataclass, field

# A type is decided by the clean majority: at least this share of the sampled non-null values match
# it, and the rest are its violations (an email column with 4% malformed values is `email`, 4 in 100).
MATCH_SHARE = 0.9
VIOLATION_EXAMPLES = 3

EMAIL = re.compile(r"^[A-Za-z0-9._%+-]+@[A-Za-z0-9.-]+\.[A-Za-z]{2,}$")
URL = re.compile(r"^(https?|ftp)://[^\s/$.?#][^\s]*$", re.IGNORECASE)
UUID = re.compile(r"^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$")
PHONE = re.compile(r"^\+?(?=(?:\D*\d){7,15}\D*$)[\d\s().-]{7,22}$")
ISO_DATE = re.compile(r"^\d{4}-(0[1-9]|1[0-2])-(0[1-9]|[12]\d|3[01])$")
ISO_TIMESTAMP = re.compile(
    r"^\d{4}-(0[1-9]|1[0-2])-(0[1-9]|[12]\d|3[01])[T ]([01]\d|2[0-3]):[0-5]\d(:[0-5]\d(\.\d+)?)?(Z|[+-]\d{2}:?\d{2})?$"
)
CURRENCY_TEXT = re.compile(
    r"^(?:[$€£¥]\s?-?[\d,]+(?:\.\d{1,2})?|-?[\d,]+(?:\.\d{1,2})?\s?(?:USD|EUR|GBP|JPY|CHF|CAD|AUD|[$€£¥]))$"
)
CURRENCY_NAME = re.compile(r"(^|_)(amount|price|cost|total|revenue|fee|salary|balance|spent|paid|charge)s?($|_)", re.I)
MONEY_DECIMAL = re.compile(r"^DECIMAL\(\d+,\s*2\)$", re.I)

PII_TYPES = {"email", "phone", "ip_address"}
# Column names that mark personal data whatever the values look like.
PII_NAMES = re.compile(
    r"(^|_)(first_?name|last_?name|full_?name|surname|ssn|social_security|passport|birth_?date|dob|"
    r"date_of_birth|street|address|phone|mobile|email|e_mail|iban|credit_card|card_number|tax_id)($|_)",
    re.IGNORECASE,
)


def _is_ip(text: str) -> bool:
    if not re.fullmatch(r"[0-9A-Fa-f:.]{2,45}", text):
        return False
    try:
        ipaddress.ip_address(text)
    except ValueError:
        return False
    return True


def _is_json(text: str) -> bool:
    if text[:1] not in "{[":
        return False
    try:
        json.loads(text)
    except ValueError:
        return False
    return True


# Order matters: the first type whose share passes wins (a timestamp is not also a date).
_TEXT_TESTS = (
    ("email", EMAIL.match),
    ("url", URL.match),
    ("uuid", UUID.match),
    ("ip_address", _is_ip),
    ("timestamp", ISO_TIMESTAMP.match),
    ("date", ISO_DATE.match),
    ("json", _is_json),
    ("currency", CURRENCY_TEXT.match),
    ("phone", PHONE.match),
)


@dataclass(frozen=True)
class SemanticType:
    """What a column holds, and the sampled values that break it (examples masked: they may be personal)."""

    name: str
    violations: int = 0
    checked: int = 0  # sampled non-empty values the type was tested on (0: decided by the engine type)
    violation_examples: list[str] = field(default_factory=list)


def infer_semantic_type(name: str, duckdb_type: str, values: Sequence[object]) -> str | None:
    """The name of the semantic type of a column (see `semantic_type_of`)."""
    found = semantic_type_of(name, duckdb_type, values)
    return found.name if found is not None else None


def semantic_type_of(name: str, duckdb_type: str, values: Sequence[object]) -> SemanticType | None:
    """The semantic type of a column from its name, engine type and a sample of non-null values, with
    the sampled values that violate it."""
    if duckdb_type == "UUID":
        return SemanticType("uuid")
    if duckdb_type.startswith("DECIMAL") or duckdb_type in {"DOUBLE", "FLOAT", "REAL"}:
        if CURRENCY_NAME.search(name) or MONEY_DECIMAL.match(duckdb_type):
            return SemanticType("currency")
        return None
    if duckdb_type != "VARCHAR":
        return None
    texts = [str(v).strip() for v in values if v is not None and str(v).strip()]
    if not texts:
        return None
    for semantic_type, test in _TEXT_TESTS:
        if semantic_type == "phone" and not re.search(r"phone|mobile|tel|fax", name, re.I):
            # Digits with separators are too common (codes, ranges) to call a phone number unasked.
            if sum(1 for t in texts if re.search(r"[()+\s-]", t)) < MATCH_SHARE * len(texts):
                continue
        broken = [t for t in texts if not test(t)]
        if len(texts) - len(broken) >= MATCH_SHARE * len(texts):
            examples = list(dict.fromkeys(shape(t) for t in broken))[:VIOLATION_EXAMPLES]
            return SemanticType(semantic_type, len(broken), len(texts), examples)
    return None


PERSON_TABLES = re.compile(
    r"^(customer|user|person|people|employee|member|patient|student|client|contact|account)s?$", re.I
)


def is_pii(name: str, semantic_type: str | None, table: str = "") -> bool:
    """Personal data by what the values are, what the column is called, or a `name` in a table of people."""
    if semantic_type in PII_TYPES or PII_NAMES.search(name):
        return True
    return name.lower() == "name" and PERSON_TABLES.match(table) is not None


def shape(text: str) -> str:
    """A value's shape without its content, to show how it breaks a type: `user96(at)example.com` ->
    `aaaa99(aa)aaaaaaa.aaa`. Letters become a, digits 9; punctuation and length stay."""
    return "".join("9" if ch.isdigit() else "a" if ch.isalpha() else ch for ch in text)


def mask(value: object) -> object:
    """Hide personal data but keep its shape: `j***@example.com`, `***-**42`, `J***`."""
    if value is None:
        return None
    text = str(value)
    if EMAIL.match(text):
        local, _, domain = text.partition("@")
        return f"{local[:1]}***@{domain}"
    digits = sum(ch.isdigit() for ch in text)
    if digits >= 7:
        return re.sub(r"\d(?=(?:\D*\d){2})", "*", text)
    return f"{text[:1]}***" if len(text) > 1 else "***"
