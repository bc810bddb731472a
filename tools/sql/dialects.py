"""Dialect names: what a user may type, and the sqlglot dialect it means."""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass

from tools.errors import DeassistError

ALIASES = {"postgresql": "postgres", "pg": "postgres", "psql": "postgres", "sqlserver": "tsql", "mssql": "tsql"}


def resolve_dialect(name: str | None) -> str:
    """The sqlglot dialect for `name`; an unknown name is a usage error naming the known ones."""
    from sqlglot.dialects.dialect import Dialect, Dialects

    wanted = (name or "duckdb").strip().lower()
    wanted = ALIASES.get(wanted, wanted)
    known = sorted(d.value for d in Dialects if d.value)
    if wanted not in known:
        raise DeassistError("DEA-SQL-DIALECT", f"unknown dialect {name!r}; known: {', '.join(known)}")
    Dialect.get_or_raise(wanted)
    return wanted


class SqlglotWarnings(logging.Handler):
    """Collects what sqlglot logs while parsing (e.g. "Unsupported TO_NUMBER function") so it is
    reported as a diagnostic instead of leaking onto stderr."""

    def __init__(self) -> None:
        super().__init__(logging.WARNING)
        self.messages: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.messages.append(record.getMessage())

    def __enter__(self) -> SqlglotWarnings:
        logger = logging.getLogger("sqlglot")
        logger.addHandler(self)
        self._propagate, logger.propagate = logger.propagate, False
        return self

    def __exit__(self, *exc: object) -> None:
        logger = logging.getLogger("sqlglot")
        logger.removeHandler(self)
        logger.propagate = self._propagate


@dataclass(frozen=True)
class SyntaxProblem:
    """A sqlglot parse error in words a user reads: no token reprs, no class paths.
    `line`/`column` (1-based, in the parsed text) point at the start of the offending token."""

    message: str
    line: int | None = None
    column: int | None = None
    near: str | None = None


def syntax_problem(exc: Exception) -> SyntaxProblem:
    """Read a sqlglot ParseError/TokenError into a `SyntaxProblem`."""
    errors = getattr(exc, "errors", None) or []
    if not errors:  # a TokenError: an unterminated string, quoted name or comment
        return SyntaxProblem("unterminated string, quoted name or comment")
    first = errors[0]
    near = first.get("highlight") or None
    text = str(first.get("description") or str(exc).splitlines()[0])
    text = re.sub(r"<Token token_type: TokenType\.\w+, text: (.*?), line: \d+.*?>", r"'\1'", text)
    text = re.sub(r"<class '(?:\w+\.)*(\w+)'>", r"\1", text)
    text = re.sub(r"^Required keyword: '\w+' missing for (\w+)$", r"incomplete \1", text)
    if text == "Invalid expression / Unexpected token":
        text = "unexpected token"
    text = text[:1].lower() + text[1:]
    if near and f"'{near}'" not in text:
        text += f" at '{near}'"
    line, column = first.get("line"), first.get("col")
    if column and near:
        column = max(1, column - len(near) + 1)  # sqlglot points at the token's end
    return SyntaxProblem(text, line, column, near)


__all__ = ["SqlglotWarnings", "SyntaxProblem", "resolve_dialect", "syntax_problem"]
