"""Run one read-only query on Spark (local or Spark Connect) with a pushed-down limit and a timeout.

Vetting is `tools.sql.run.vet` (only a query; writes, DDL, CACHE, ADD JAR, SET are not queries) plus
what only Spark can do: call into the JVM (`reflect`, `java_method`) or reveal file paths
(`input_file_name`, ...). Queries on files (`parquet.`/path``) are off in the session
(`spark.sql.runSQLOnFiles=false`). A timeout interrupts the Spark jobs the query started, by tag.
"""

from __future__ import annotations

import threading
import uuid
from typing import Any

from tools.catalog.model import Catalog
from tools.errors import FAILURE, DeassistError
from tools.sql.run import REFUSED, RUN_FAILED, TIMEOUT, QueryResult, vet

# Functions that reach the JVM or the filesystem, or leak the paths of the files read.
JVM_OR_FILE_FUNCTIONS = {
    "reflect": "calls a Java method",
    "java_method": "calls a Java method",
    "try_reflect": "calls a Java method",
    "input_file_name": "reveals the paths of the files read",
    "input_file_block_start": "reveals the layout of the files read",
    "input_file_block_length": "reveals the layout of the files read",
    "read_files": "reads files",
}
INTERRUPT_EVERY_S = 0.5
# Table functions in FROM that read files rather than tables.
FILE_FORMATS = {"parquet", "csv", "json", "orc", "text", "avro", "binaryfile", "delta", "xml"}


def vet_spark(sql: str, catalog: Catalog) -> str:
    """The one read-only Spark query in `sql`, or a refusal with the reason."""
    import sqlglot
    from sqlglot import exp

    statement = vet(sql, "spark", catalog)
    tree = sqlglot.parse_one(statement, read="spark")
    for call in tree.find_all(exp.Func):
        name = (call.name if isinstance(call, exp.Anonymous) else call.sql_name()).lower()
        if name in JVM_OR_FILE_FUNCTIONS:
            raise DeassistError(REFUSED, f"refused: {name} {JVM_OR_FILE_FUNCTIONS[name]}; run only reads tables")
    for table in tree.find_all(exp.Table):
        if table.db and table.db.lower() in FILE_FORMATS:
            raise DeassistError(REFUSED, f"refused: {table.db}.`{table.name}` reads files; run only reads tables")
    return statement


def run_spark(sql: str, catalog: Catalog, *, limit: int, timeout_s: float) -> QueryResult:
    """The first `limit` rows (the limit is part of Spark's plan); jobs past `timeout_s` are interrupted."""
    from tools.sql.spark_engine import LOCAL, session_for

    statement = vet_spark(sql, catalog)
    spec = catalog.tables[0].source.location
    session = session_for(spec)
    session.conf.set("spark.sql.runSQLOnFiles", "false")
    tag = f"deassist-{uuid.uuid4().hex[:12]}"
    done, timed_out = threading.Event(), threading.Event()

    def interrupt() -> None:
        # A job submitted after an interrupt escapes it (planning may outlast the timeout), so the
        # interrupt repeats until the query gives up.
        if done.wait(timeout_s):
            return
        timed_out.set()
        while not done.wait(INTERRUPT_EVERY_S):
            cancel()

    if spec == LOCAL:
        # The local Spark is this process's own and runs one query at a time: its jobs are ours.
        def cancel() -> None:
            session.sparkContext.cancelAllJobs()
    else:
        def cancel() -> None:
            session.interruptTag(tag)

    session.addTag(tag)
    timer = threading.Thread(target=interrupt, daemon=True)
    timer.start()
    try:
        frame = session.sql(statement)
        columns = list(frame.columns)
        rows = frame.limit(limit + 1).collect()
    except Exception as exc:  # noqa: BLE001 - py4j, gRPC and Spark raise many types
        if timed_out.is_set():
            raise DeassistError(
                TIMEOUT, f"the query ran longer than {timeout_s:g}s and its Spark job was cancelled", exit_code=FAILURE
            ) from None
        raise DeassistError(RUN_FAILED, _first_line(exc), exit_code=FAILURE) from None
    finally:
        done.set()
        session.removeTag(tag)
    return QueryResult(columns, [tuple(row) for row in rows[:limit]], len(rows) > limit)


def _first_line(exc: Any) -> str:
    text = str(exc).strip()
    return (text.splitlines()[0] if text else type(exc).__name__)[:300]


__all__ = ["run_spark", "vet_spark"]
