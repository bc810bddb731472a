"""Profiles as text, JSON or Markdown."""

from __future__ import annotations

import json
from collections.abc import Sequence

from tools.catalog.render import grid, table_summary
from tools.profile.model import ColumnProfile, TableProfile, jsonable

HEADERS = (
    "column",
    "type",
    "nulls",
    "distinct",
    "min",
    "max",
    "mean",
    "stddev",
    "length",
    "semantic",
    "pii",
    "top values",
)


def render_profiles(profiles: Sequence[TableProfile], fmt: str) -> str:
    if fmt == "json":
        return json.dumps({"tables": [p.to_dict() for p in profiles]}, indent=2)
    if fmt == "markdown":
        return "\n".join(_markdown(p) for p in profiles)
    return "\n".join(_text(p) for p in profiles)


def _cell(value: object, width: int = 24) -> str:
    if value is None:
        return ""
    value = jsonable(value)
    text = f"{value:.4g}" if isinstance(value, float) else str(value)
    text = text.replace("\n", " ")
    return text if len(text) <= width else text[: width - 1] + "…"


def _cells(c: ColumnProfile) -> tuple[str, ...]:
    distinct = f"{'~' if c.distinct_approximate else ''}{c.distinct:,}"
    lengths = f"{c.min_length}-{c.max_length}" if c.min_length is not None else ""
    top = ", ".join(
        f"{_cell(t.value, 16)}" + (f" ({t.count:,})" if t.count is not None else "") for t in c.top_values[:3]
    )
    return (
        c.name,
        c.type,
        f"{c.null_fraction:.1%}",
        distinct,
        _cell(c.min),
        _cell(c.max),
        _cell(c.mean),
        _cell(c.stddev),
        lengths,
        c.semantic_type or "",
        "PII" if c.pii else "",
        top,
    )


def _facts(profile: TableProfile) -> list[str]:
    facts = []
    candidates = "; ".join(f"({', '.join(c)})" for c in profile.primary_key_candidates) or "none"
    facts.append(f"primary-key candidates: {candidates}")
    if profile.duplicate_rows is not None:
        facts.append(f"duplicate rows: {profile.duplicate_rows:,}")
    for fk in profile.foreign_key_candidates:
        declared = ", declared" if fk.declared else ""
        facts.append(
            f"foreign-key candidate: ({', '.join(fk.columns)}) -> {fk.ref_table} ({', '.join(fk.ref_columns)}) "
            f"[{fk.inclusion:.1%} of values found{declared}]"
        )
    facts.extend(profile.notes)
    return facts


def _text(profile: TableProfile) -> str:
    summary = table_summary(profile.table).rsplit("  (", 1)[0]
    lines = [f"{summary}  ({profile.table.source.display}, {profile.row_count:,} rows)"]
    lines += grid([HEADERS, *(_cells(c) for c in profile.columns)])
    lines += [f"  {fact}" for fact in _facts(profile)]
    if profile.sample_rows:
        names = list(profile.sample_rows[0])
        lines.append("  sample rows:")
        lines += grid([names, *([_cell(row[n], 20) for n in names] for row in profile.sample_rows)], indent="    ")
    return "\n".join([*lines, ""])


def _markdown(profile: TableProfile) -> str:
    def row(cells: Sequence[str]) -> str:
        return "| " + " | ".join(cell.replace("|", "\\|") for cell in cells) + " |"

    lines = [f"## {profile.name} ({profile.table.source.display}, {profile.row_count:,} rows)", ""]
    lines += [row(HEADERS), row(["---"] * len(HEADERS))]
    lines += [row(_cells(c)) for c in profile.columns]
    lines += ["", *(f"- {fact}" for fact in _facts(profile))]
    if profile.sample_rows:
        names = list(profile.sample_rows[0])
        lines += ["", "Sample rows:", "", row(names), row(["---"] * len(names))]
        lines += [row([_cell(r[n], 40) for n in names]) for r in profile.sample_rows]
    return "\n".join([*lines, ""])
