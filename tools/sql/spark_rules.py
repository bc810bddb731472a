"""Spark's rules where DuckDB decides differently, for validating Spark SQL without a JVM.

DuckDB binds the transpiled statement; these rules make its verdict Spark's:
- which functions exist is Spark's catalog's call (`data/spark_functions.json`, dumped from a real
  Spark by `tools.sql.data.spark_functions`), names matched case-insensitively as Spark does;
- Spark casts to and from strings implicitly (LIKE on a date, a string BETWEEN two integers):
  DuckDB's `old_implicit_casting` does the same;
- Spark is stricter elsewhere: SUM/AVG of a boolean, ranking and offset window functions without
  ORDER BY are errors;
- GROUP BY a select alias means the alias, as in Spark (DuckDB may read it as a table's row).
"""

from __future__ import annotations

import json
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING

from tools.catalog.model import Catalog
from tools.sql import diagnostics as codes
from tools.sql.engine_errors import EngineError

if TYPE_CHECKING:
    from sqlglot import exp

FUNCTIONS = Path(__file__).with_name("data") / "spark_functions.json"
DUCKDB_SETTINGS = {"old_implicit_casting": True}
# DuckDB limits that are not Spark's: reported as "not checked" warnings, never as errors.
DUCKDB_LIMITS = ("referenced in a SELECT clause - but the expression has a subquery",)


@cache
def spark_functions() -> frozenset[str]:
    """Every built-in function name of the Spark the data was dumped from, lower-cased."""
    return frozenset(json.loads(FUNCTIONS.read_text())["functions"])


def spark_findings(expression: exp.Expression, catalog: Catalog) -> list[EngineError]:
    """Errors Spark's analyzer raises on `expression` that DuckDB would not; rewrites GROUP BY aliases in place."""
    from sqlglot import exp

    found: list[EngineError] = []
    known = spark_functions()
    for call in expression.find_all(exp.Anonymous):
        if call.name.lower() not in known:
            found.append(
                EngineError(
                    codes.UNKNOWN_FUNCTION,
                    f"Spark has no function named {call.name}",
                    call.name,
                    _closest_function(call.name),
                )
            )
    for aggregate in expression.find_all(exp.Sum, exp.Avg):
        if isinstance(aggregate.this, (exp.Predicate, exp.Connector, exp.Not, exp.Boolean)):
            name = aggregate.sql_name()
            found.append(
                EngineError(
                    codes.TYPE,
                    f"{name} needs a numeric argument; Spark does not add booleans",
                    name,
                    f"count the rows instead: {name}(CASE WHEN ... THEN 1 ELSE 0 END) or COUNT_IF(...)",
                )
            )
    ordered = _ordered_window_functions()
    for window in expression.find_all(exp.Window):
        function = window.this
        if isinstance(function, ordered) and not window.args.get("order"):
            name = function.sql_name()
            found.append(
                EngineError(
                    codes.GROUP_BY,
                    f"window function {name} requires the window to be ordered",
                    name,
                    "add ORDER BY inside OVER (...)",
                )
            )
    _group_by_aliases(expression, catalog)
    return found


def _ordered_window_functions() -> tuple[type, ...]:
    from sqlglot import exp

    return (exp.RowNumber, exp.Rank, exp.DenseRank, exp.PercentRank, exp.CumeDist, exp.Ntile, exp.Lag, exp.Lead)


def _closest_function(name: str) -> str | None:
    from tools.sql.engine_errors import did_you_mean

    return did_you_mean(name, sorted(spark_functions()))


def _group_by_aliases(expression: exp.Expression, catalog: Catalog) -> None:
    """GROUP BY name -> the aliased expression when `name` is a select alias and no table's column."""
    from sqlglot import exp

    columns = {c.name.lower() for t in catalog.tables for c in t.columns}
    for select in expression.find_all(exp.Select):
        group = select.args.get("group")
        if not group:
            continue
        aliases = {a.alias.lower(): a.this for a in select.expressions if isinstance(a, exp.Alias)}
        for item in list(group.expressions):
            if (
                isinstance(item, exp.Column)
                and not item.table
                and item.name.lower() in aliases
                and item.name.lower() not in columns
            ):
                item.replace(aliases[item.name.lower()].copy())


def is_duckdb_limit(error: EngineError) -> bool:
    return any(limit in error.message for limit in DUCKDB_LIMITS)


__all__ = ["DUCKDB_SETTINGS", "is_duckdb_limit", "spark_findings", "spark_functions"]
