"""Spark by `spark:local` or a Spark Connect URL: databases, tables, views and columns with Spark types.

Read through Spark's catalog API and `DESCRIBE TABLE EXTENDED` only (metadata, never data): the
partition columns, the table format (provider) and the row count when the catalog holds statistics.
The URL (which may carry a token) stays in `Source.location`; `Source.display` is redacted.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

from tools.catalog.model import Catalog, Column, Source, Table
from tools.errors import DeassistError

SYSTEM_DATABASES = {"information_schema", "sys", "system"}


def read_spark(spec: str) -> Catalog:
    from tools.sql.spark_engine import redact_spark_url, session_for

    session = session_for(spec)
    source = Source("spark", spec, redact_spark_url(spec))
    try:
        return Catalog(list(_tables(session, source)))
    except DeassistError:
        raise
    except Exception as exc:  # noqa: BLE001 - gRPC/py4j failures surface as many types
        first = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
        raise DeassistError(
            "DEA-SPARK-CATALOG", f"{source.display}: cannot read the catalog ({first[:200]})"
        ) from None


def _tables(session: Any, source: Source):
    from tools.sql.spark_engine import PRIVATE_DATABASE_PREFIX

    current = session.catalog.currentDatabase()
    for database in sorted(d.name for d in session.catalog.listDatabases()):
        if database.lower() in SYSTEM_DATABASES or database.startswith(PRIVATE_DATABASE_PREFIX):
            continue
        for entry in sorted(session.catalog.listTables(database), key=lambda t: t.name):
            if entry.isTemporary:
                continue
            qualified = f"`{database}`.`{entry.name}`"
            columns = session.catalog.listColumns(qualified)
            details = _describe(session, qualified) if entry.tableType != "VIEW" else {}
            yield Table(
                name=entry.name,
                source=source,
                columns=[Column(c.name, c.dataType, c.nullable, c.description or None) for c in columns],
                row_count=_row_count(details.get("Statistics")),
                schema=None if database == current else database,
                kind="view" if entry.tableType == "VIEW" else "table",
                comment=entry.description or None,
                partition_columns=[c.name for c in columns if c.isPartition],
                storage_format=details.get("Provider"),
            )


def spark_rows(table: Table, limit: int) -> Iterator[tuple]:
    """The first `limit` rows of a Spark table, streamed a partition at a time (for profiling)."""
    from tools.sql.spark_engine import session_for

    session = session_for(table.source.location)
    name = f"`{table.schema}`.`{table.name}`" if table.schema else f"`{table.name}`"
    try:
        for row in session.table(name).limit(limit).toLocalIterator():
            yield tuple(row)
    except Exception as exc:  # noqa: BLE001 - py4j/gRPC failures surface as many types
        first = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
        raise DeassistError("DEA-PROFILE-READ", f"{table.source.display}: {table.name}: {first[:200]}") from None


def _describe(session: Any, qualified: str) -> dict[str, str]:
    """The `# Detailed Table Information` rows of DESCRIBE TABLE EXTENDED, by name."""
    rows = session.sql(f"DESCRIBE TABLE EXTENDED {qualified}").collect()
    details: dict[str, str] = {}
    detailed = False
    for row in rows:
        name, value = (row[0] or "").strip(), (row[1] or "").strip()
        if name.startswith("# Detailed Table Information"):
            detailed = True
        elif detailed and name:
            details[name] = value
    return details


def _row_count(statistics: str | None) -> int | None:
    """"1234 bytes, 10 rows" -> 10; None when the catalog has no row statistic."""
    match = re.search(r"(\d+) rows", statistics or "")
    return int(match.group(1)) if match else None


__all__ = ["read_spark", "spark_rows"]
