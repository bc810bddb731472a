"""Dialect names: what a user may type, and the sqlglot dialect it means."""

from __future__ import annotations

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


__all__ = ["resolve_dialect"]
