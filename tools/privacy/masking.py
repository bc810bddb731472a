"""Mask the personal data in a query's result before a model or a transcript sees it.

An output column is personal when its lineage reaches a personal-data column of the catalog, or when
its own values look like emails, phone numbers or IP addresses. A source column is personal by the
profiler's rule (`tools.profile.semantic.is_pii`): by its name and table, or by what a sample of its
values holds (one sandboxed query per source table, only for the columns the result carries). When
the lineage cannot be traced, every output column is masked as soon as the catalog holds any
personal column: it could carry one.
"""

from __future__ import annotations

from collections.abc import Sequence

from tools.catalog.model import Catalog
from tools.privacy.lineage import SourceColumn, trace_output_columns
from tools.profile.semantic import PII_TYPES, infer_semantic_type, is_pii, mask
from tools.sql.policy import SqlPolicy

# Values sampled from a carried source column to tell whether it holds personal data.
SAMPLE_ROWS = 200


def personal_columns(
    sql: str, columns: Sequence[str], catalog: Catalog, dialect: str, policy: SqlPolicy | None = None
) -> list[bool]:
    """Per column of the result (as the engine named them, in order): does it carry personal data by lineage?"""
    lineage = trace_output_columns(sql, catalog, dialect)
    if lineage is not None and len(lineage) != len(columns):
        lineage = None
    could_carry = any(is_pii(c.name, None, t.name) for t in catalog.tables for c in t.columns)
    if lineage is None:
        return [could_carry] * len(columns)
    carried = {source for output in lineage for source in output.sources or ()}
    personal = {s for s in carried if is_pii(s.column, None, s.table)}
    personal |= _personal_by_values(carried - personal, catalog, policy)
    return [could_carry if o.sources is None else bool(o.sources & personal) for o in lineage]


def mask_result(
    sql: str,
    columns: Sequence[str],
    rows: list[list[object]],
    catalog: Catalog,
    dialect: str,
    policy: SqlPolicy | None = None,
) -> list[str]:
    """Mask, in place, every personal column of `rows`; the names of the masked columns.

    `policy` is the one the query ran under: the sample of source values is read under it too."""
    masked = []
    decided = personal_columns(sql, columns, catalog, dialect, policy)
    for index, (name, personal) in enumerate(zip(columns, decided, strict=True)):
        texts = [row[index] for row in rows if isinstance(row[index], str)]
        looks_personal = bool(texts) and infer_semantic_type(name, "VARCHAR", texts) in PII_TYPES
        if personal or looks_personal:
            masked.append(name)
            for row in rows:
                row[index] = mask(row[index])
    return masked


def _personal_by_values(sources: set[SourceColumn], catalog: Catalog, policy: SqlPolicy | None) -> set[SourceColumn]:
    """The source columns whose sampled values the profiler would call personal (emails, phones, IPs)."""
    from sqlglot import exp

    from tools.errors import DeassistError
    from tools.catalog.model import DEFAULT_DIALECT, SOURCE_DIALECT
    from tools.sql.run import run_query

    found = set()
    for table in sorted({s.table for s in sources}):
        columns = sorted(s.column for s in sources if s.table == table)
        source = catalog.table(table)
        if source is None:
            continue
        dialect = SOURCE_DIALECT.get(source.source.kind, DEFAULT_DIALECT)
        query = exp.select(*(exp.column(c, quoted=True) for c in columns)).from_(
            exp.table_(table, db=source.schema, quoted=True)
        )
        try:
            rows = run_query(query.limit(SAMPLE_ROWS).sql(dialect), catalog, limit=SAMPLE_ROWS, policy=policy).rows
        except DeassistError:
            found |= {s for s in sources if s.table == table}  # unreadable: it could carry personal data
            continue
        for index, column in enumerate(columns):
            texts = [row[index] for row in rows if isinstance(row[index], str)]
            if texts and infer_semantic_type(column, "VARCHAR", texts) in PII_TYPES:
                found.add(SourceColumn(table, column))
    return found
