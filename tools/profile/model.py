"""What the profiler finds: per column, per table and across tables."""

from __future__ import annotations

import datetime as dt
import decimal
import math
import uuid
from dataclasses import dataclass, field
from typing import Any

from tools.catalog.model import Table


@dataclass(frozen=True)
class TopValue:
    value: Any
    count: int | None  # None when only an approximate top-k ranking was affordable


@dataclass
class ColumnProfile:
    name: str
    type: str  # the engine type the data was read as (DuckDB's)
    count: int  # non-null values
    null_fraction: float
    distinct: int
    distinct_approximate: bool
    semantic_type: str | None = None
    # Sampled values that break the semantic type (None when there is no type), out of
    # `violations_checked` sampled values, with a few masked examples.
    violations: int | None = None
    violations_checked: int = 0
    violation_examples: list[str] = field(default_factory=list)
    pii: bool = False
    min: Any = None
    max: Any = None
    mean: float | None = None
    stddev: float | None = None
    min_length: int | None = None
    max_length: int | None = None
    mean_length: float | None = None
    top_values: list[TopValue] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "type": self.type,
            "count": self.count,
            "null_fraction": round(self.null_fraction, 6),
            "distinct": self.distinct,
            "distinct_approximate": self.distinct_approximate,
            "semantic_type": self.semantic_type,
            "violations": self.violations,
            "violations_checked": self.violations_checked,
            "violation_examples": list(self.violation_examples),
            "pii": self.pii,
            "min": jsonable(self.min),
            "max": jsonable(self.max),
            "mean": jsonable(self.mean),
            "stddev": jsonable(self.stddev),
            "min_length": self.min_length,
            "max_length": self.max_length,
            "mean_length": jsonable(self.mean_length),
            "top_values": [{"value": jsonable(t.value), "count": t.count} for t in self.top_values],
        }


@dataclass(frozen=True)
class ForeignKeyCandidate:
    columns: tuple[str, ...]
    ref_table: str
    ref_columns: tuple[str, ...]
    inclusion: float  # share of the distinct non-null child values found in the referenced column
    declared: bool  # already a declared foreign key in the source

    def to_dict(self) -> dict[str, Any]:
        return {
            "columns": list(self.columns),
            "references": {"table": self.ref_table, "columns": list(self.ref_columns)},
            "inclusion": round(self.inclusion, 6),
            "declared": self.declared,
        }


@dataclass
class TableProfile:
    table: Table
    row_count: int
    columns: list[ColumnProfile]
    primary_key_candidates: list[list[str]] = field(default_factory=list)
    duplicate_rows: int | None = None  # None when not computed (never needed when a column is unique)
    foreign_key_candidates: list[ForeignKeyCandidate] = field(default_factory=list)
    sample_rows: list[dict[str, Any]] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)

    @property
    def name(self) -> str:
        return self.table.name

    def column(self, name: str) -> ColumnProfile | None:
        return next((c for c in self.columns if c.name.lower() == name.lower()), None)

    def to_dict(self) -> dict[str, Any]:
        """The inspect shape of the table with a `profile` object added."""
        return self.table.to_dict() | {
            "row_count": self.row_count,
            "profile": {
                "columns": [c.to_dict() for c in self.columns],
                "primary_key_candidates": [list(c) for c in self.primary_key_candidates],
                "duplicate_rows": self.duplicate_rows,
                "foreign_key_candidates": [fk.to_dict() for fk in self.foreign_key_candidates],
                "sample_rows": [{k: jsonable(v) for k, v in row.items()} for row in self.sample_rows],
                "notes": list(self.notes),
            },
        }


def jsonable(value: Any) -> Any:
    """Engine values as JSON: dates as ISO text, decimals as numbers, NaN as null."""
    if isinstance(value, float):
        return None if math.isnan(value) or math.isinf(value) else value
    if isinstance(value, decimal.Decimal):
        return float(value)
    if isinstance(value, (dt.date, dt.datetime, dt.time)):
        return value.isoformat()
    if isinstance(value, (dt.timedelta, uuid.UUID)):
        return str(value)
    if isinstance(value, bytes):
        return value.hex()
    if isinstance(value, (list, tuple)):
        return [jsonable(v) for v in value]
    if isinstance(value, dict):
        return {str(k): jsonable(v) for k, v in value.items()}
    return value
