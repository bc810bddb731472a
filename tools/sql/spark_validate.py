"""`--dialect spark`: whose verdict counts, Spark's analyzer or DuckDB under Spark's rules.

With a JVM and pyspark at hand, Spark's own analyzer decides (`tools.sql.spark_analyzer`); without
them, DuckDB binds the transpiled statement and `tools.sql.spark_rules` supplies what Spark decides
differently. `DEASSIST_SPARK_VALIDATE=analyzer|duckdb` forces a route (default: `auto`).
"""

from __future__ import annotations

import os
from typing import TYPE_CHECKING, Protocol

from tools.catalog.model import Catalog
from tools.errors import DeassistError
from tools.sql import diagnostics as codes
from tools.sql.engine_errors import EXTERNAL_ACCESS, EngineError
from tools.sql.spark_rules import is_duckdb_limit, spark_findings

if TYPE_CHECKING:
    from tools.sql.validate import SqlValidator

ROUTE_ENV = "DEASSIST_SPARK_VALIDATE"
ROUTES = ("auto", "analyzer", "duckdb")

Finding = tuple[EngineError, str]


class SparkRoute(Protocol):
    name: str

    def check(self, text: str) -> list[Finding]: ...

    def close(self) -> None: ...


class AnalyzerRoute:
    """Spark's analyzer on a warm local session: its verdict, its error class, its position."""

    name = "analyzer"

    def __init__(self, catalog: Catalog) -> None:
        from tools.sql.spark_analyzer import SparkAnalyzer

        self._analyzer = SparkAnalyzer(catalog)

    def check(self, text: str) -> list[Finding]:
        error = self._analyzer.check(text)
        return [(error, _severity(error))] if error else []

    def close(self) -> None:
        self._analyzer.close()


class DuckdbRoute:
    """DuckDB binds the statement transpiled from Spark SQL; Spark's rules add and forgive the rest."""

    name = "duckdb"

    def __init__(self, validator: SqlValidator) -> None:
        self._validator = validator

    def check(self, text: str) -> list[Finding]:
        validator = self._validator
        rules: list[EngineError] = []
        transpiled, warnings, query = validator._to_duckdb(
            text, rewrite=lambda tree: rules.extend(spark_findings(tree, validator.catalog))
        )
        found: list[Finding] = [(w, "warning" if w.code == codes.UNSUPPORTED_CONSTRUCT else "error") for w in warnings]
        found.extend((rule, "error") for rule in rules)
        bound = validator._bind(transpiled, query=query) if transpiled is not None else None
        if bound is None or bound.code in {r.code for r in rules}:
            return found
        if bound.code == codes.UNKNOWN_FUNCTION or is_duckdb_limit(bound):
            # Which functions exist was Spark's catalog's call above; DuckDB's gaps are not Spark's.
            note = EngineError(codes.UNSUPPORTED_CONSTRUCT, f"not checked by DuckDB: {bound.message}", bound.name)
            found.append((note, "warning"))
        else:
            found.append((validator._suggest(bound), _severity(bound)))
        return found

    def close(self) -> None:
        return None


def spark_route(catalog: Catalog, validator: SqlValidator) -> SparkRoute:
    """The analyzer when a local Spark can run here (or is asked for), else the DuckDB route."""
    from tools.sql.spark_engine import local_engine_available

    choice = os.environ.get(ROUTE_ENV, "auto").strip().lower() or "auto"
    if choice not in ROUTES:
        raise DeassistError("DEA-USAGE", f"{ROUTE_ENV}={choice!r}; expected one of {', '.join(ROUTES)}")
    if choice == "analyzer" or (choice == "auto" and local_engine_available()):
        return AnalyzerRoute(catalog)
    return DuckdbRoute(validator)


def _severity(error: EngineError) -> str:
    return "warning" if error.code in {codes.UNSUPPORTED_CONSTRUCT, EXTERNAL_ACCESS} else "error"


__all__ = ["ROUTE_ENV", "AnalyzerRoute", "DuckdbRoute", "SparkRoute", "spark_route"]
