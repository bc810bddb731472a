"""Mask the personal data in a query's result before a model or a transcript sees it.

An output column is personal when its lineage reaches a personal-data column of the catalog (the
profiler's rule, `tools.profile.semantic.is_pii`, applied to the source column's name and table), or
when its own values look like emails, phone numbers or IP addresses. When the lineage cannot be
traced, every output column is masked as soon as the catalog holds any personal column: it could
carry one.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from tools.catalog.model import Catalog
from tools.privacy.lineage import OutputLineage, SourceColumn, trace_output_columns
from tools.profile.semantic import PII_TYPES, infer_semantic_type, is_pii, mask


@dataclass(frozen=True)
class MaskDecision:
    """Per output column (by position): masked or not, and why."""

    name: str
    masked: bool
    reason: str


def personal_columns(sql: str, columns: Sequence[str], catalog: Catalog, dialect: str) -> list[MaskDecision]:
    """Which of the result's `columns` (as the engine named them, in order) carry personal data by lineage."""
    lineage = trace_output_columns(sql, catalog, dialect)
    if lineage is not None and len(lineage) != len(columns):
        lineage = None
    could_carry = any(is_pii(c.name, None, t.name) for t in catalog.tables for c in t.columns)
    decisions = []
    for index, name in enumerate(columns):
        output: OutputLineage | None = lineage[index] if lineage is not None else None
        if output is None or output.sources is None:
            reason = "lineage undetermined and the sources hold personal data" if could_carry else ""
            decisions.append(MaskDecision(name, could_carry, reason))
            continue
        personal = sorted(f"{s.table}.{s.column}" for s in output.sources if _personal(s))
        decisions.append(MaskDecision(name, bool(personal), f"derived from {', '.join(personal)}" if personal else ""))
    return decisions


def mask_result(sql: str, columns: Sequence[str], rows: list[list[object]], catalog: Catalog, dialect: str) -> list[str]:
    """Mask, in place, every personal column of `rows`; the names of the masked columns."""
    masked = []
    for index, decision in enumerate(personal_columns(sql, columns, catalog, dialect)):
        texts = [row[index] for row in rows if isinstance(row[index], str)]
        looks_personal = bool(texts) and infer_semantic_type(decision.name, "VARCHAR", texts) in PII_TYPES
        if decision.masked or looks_personal:
            masked.append(decision.name)
            for row in rows:
                row[index] = mask(row[index])
    return masked


def _personal(source: SourceColumn) -> bool:
    return is_pii(source.column, None, source.table)
