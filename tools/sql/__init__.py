"""SQL capabilities: split, validate, transpile and run SQL in the dialect it is written in.

Names are exported lazily so that importing `tools.sql` costs nothing until one is used.
"""

from __future__ import annotations

from importlib import import_module
from typing import TYPE_CHECKING, Any

_EXPORTS = {
    "Diagnostic": "tools.sql.diagnostics",
    "ValidationReport": "tools.sql.diagnostics",
    "SqlValidator": "tools.sql.validate",
    "validate_sql": "tools.sql.validate",
    "split_statements": "tools.sql.statements",
    "TranspileResult": "tools.sql.transpile",
    "transpile_sql": "tools.sql.transpile",
    "QueryResult": "tools.sql.run",
    "run_query": "tools.sql.run",
}

if TYPE_CHECKING:
    from tools.sql.diagnostics import Diagnostic, ValidationReport
    from tools.sql.run import QueryResult, run_query
    from tools.sql.statements import split_statements
    from tools.sql.transpile import TranspileResult, transpile_sql
    from tools.sql.validate import SqlValidator, validate_sql


def __getattr__(name: str) -> Any:
    if name in _EXPORTS:
        return getattr(import_module(_EXPORTS[name]), name)
    raise AttributeError(f"module 'tools.sql' has no attribute {name!r}")


__all__ = [
    "Diagnostic",
    "QueryResult",
    "SqlValidator",
    "TranspileResult",
    "ValidationReport",
    "run_query",
    "split_statements",
    "transpile_sql",
    "validate_sql",
]
