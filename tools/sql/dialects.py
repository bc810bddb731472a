"""Dialect names: what a user may type, and the sqlglot dialect it means."""

from __future__ import annotations

import logging

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


__all__ = ["SqlglotWarnings", "resolve_dialect"]
