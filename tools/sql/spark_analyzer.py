"""Spark's own verdict on a statement: the schema as empty tables, then parse, analyse and plan.

Each analyzer gets its own session of the process's local Spark (its own current database and
settings) and a private database holding the catalog's tables, empty, as Parquet. A statement goes
through what `EXPLAIN` does: parse, analysis, optimisation and physical planning with commands
skipped (`CommandExecutionMode.SKIP`), so nothing is executed, written or read.
"""

from __future__ import annotations

import uuid
from typing import TYPE_CHECKING, Any

from tools.catalog.model import DEFAULT_DIALECT, SOURCE_DIALECT, Catalog, Table
from tools.sql.engine_errors import EngineError
from tools.sql.spark_errors import read_spark_error

if TYPE_CHECKING:
    from pyspark.sql import SparkSession


class SparkAnalyzer:
    """Checks statements with a local Spark's analyzer against one catalog; build once, reuse."""

    def __init__(self, catalog: Catalog, session: SparkSession | None = None) -> None:
        from tools.sql.spark_engine import PRIVATE_DATABASE_PREFIX, local_session

        base = session or local_session()
        self._session = base.newSession()
        self._session.conf.set("spark.sql.runSQLOnFiles", "false")  # no `parquet.`/path`` reads
        self._database = f"{PRIVATE_DATABASE_PREFIX}{uuid.uuid4().hex[:12]}"
        self._session.sql(f"CREATE DATABASE `{self._database}`")
        self._session.catalog.setCurrentDatabase(self._database)
        seen: set[str] = set()
        for table in catalog.tables:
            if table.name.lower() in seen:
                continue  # a second table of the same name (another schema): the first one wins
            seen.add(table.name.lower())
            self._create(table)
        jvm = self._session.sparkContext._jvm  # type: ignore[union-attr]
        self._skip = getattr(jvm.org.apache.spark.sql.execution, "CommandExecutionMode$").__getattr__("MODULE$").SKIP()
        self._state = self._session._jsparkSession.sessionState()

    def check(self, text: str) -> EngineError | None:
        """Spark's error for one statement, placed in `text`; None when Spark plans it."""
        from py4j.protocol import Py4JJavaError
        from pyspark.errors.exceptions.captured import CapturedException

        try:
            plan = self._state.sqlParser().parsePlan(text)
            self._state.executePlan(plan, self._skip).executedPlan()
            return None
        except CapturedException as exc:
            return _read(exc, text)
        except Py4JJavaError as exc:
            message = str(exc.java_exception.getMessage() or exc.java_exception.toString())
            return read_spark_error(None, message, {}, text)

    def close(self) -> None:
        self._session.sql(f"DROP DATABASE IF EXISTS `{self._database}` CASCADE")

    def _create(self, table: Table) -> None:
        from pyspark.errors.exceptions.captured import CapturedException

        dialect = "spark" if table.source.kind in {"ddl", "spark"} else SOURCE_DIALECT.get(table.source.kind, DEFAULT_DIALECT)
        columns = _unique(table)
        try:
            self._session.sql(_create_table(self._database, table.name, [(c, spark_type(t, dialect)) for c, t in columns]))
        except CapturedException:  # a type Spark does not take: the names still matter most
            self._session.sql(_create_table(self._database, table.name, [(c, "STRING") for c, _ in columns]))


def spark_type(type_sql: str, dialect: str) -> str:
    """A column type in Spark's spelling; STRING when it has none."""
    import sqlglot
    from sqlglot import exp

    if not type_sql or type_sql.upper() in {"ANY", "UNKNOWN"}:
        return "STRING"
    try:
        built = exp.DataType.build(type_sql, dialect=dialect)
    except (sqlglot.errors.ParseError, ValueError):
        return "STRING"
    if built.this in {exp.DataType.Type.UNKNOWN, exp.DataType.Type.USERDEFINED}:
        return "STRING"
    return built.sql("spark")


def _create_table(database: str, name: str, columns: list[tuple[str, str]]) -> str:
    from sqlglot import exp

    definitions = [
        exp.ColumnDef(this=exp.to_identifier(column, quoted=True), kind=exp.DataType.build(kind, dialect="spark"))
        for column, kind in columns
    ] or [exp.ColumnDef(this=exp.to_identifier("_", quoted=True), kind=exp.DataType.build("STRING"))]
    create = exp.Create(
        kind="TABLE",
        this=exp.Schema(this=exp.table_(name, db=database, quoted=True), expressions=definitions),
        properties=exp.Properties(expressions=[exp.FileFormatProperty(this=exp.Var(this="PARQUET"))]),
    )
    return create.sql("spark")


def _unique(table: Table) -> list[tuple[str, str]]:
    seen: set[str] = set()
    columns = []
    for column in table.columns:
        if column.name.lower() not in seen:
            seen.add(column.name.lower())
            columns.append((column.name, column.type))
    return columns


def _read(exc: Any, text: str) -> EngineError:
    """A captured Spark exception (class, parameters, query context) as an EngineError."""
    error_class = exc.getCondition() if hasattr(exc, "getCondition") else exc.getErrorClass()
    parameters = dict(exc.getMessageParameters() or {})
    start = None
    for context in exc.getQueryContext() or []:
        try:
            start = context.startIndex()
        except Exception:  # noqa: BLE001 - DataFrame contexts have no SQL offset
            continue
        if start is not None and start >= 0:
            break
        start = None
    return read_spark_error(error_class, str(exc.getMessage() if hasattr(exc, "getMessage") else exc), parameters, text, start)


__all__ = ["SparkAnalyzer", "spark_type"]
