"""Question -> reading, from the fixture file of one-liners (tests/agents/fixtures/planner_readings.yaml).

Each line is a question over a schema and the reading the offline planner must take, or the decline
it must give. The shop is the example data shipped with deassist; fleet and clinic are generated
here from DDL, with the values a profile would have found.
"""

from __future__ import annotations

from functools import cache
from pathlib import Path

import pytest
import yaml

from assistant.backends.offline.lexicon import lexicon
from assistant.backends.offline.schema import SchemaIndex
from assistant.backends.offline.understand import Decline, read
from assistant.reading import Reading
from tools.catalog import read_source
from tools.catalog.ddl import read_ddl
from tools.catalog.model import Source

FIXTURES = yaml.safe_load((Path(__file__).parent / "fixtures" / "planner_readings.yaml").read_text(encoding="utf-8"))
SHOP = Path(__file__).parents[2] / "assistant" / "examples" / "shop"
SHOP_VALUES = {
    "orders.status": ["completed", "cancelled", "pending", "refunded"],
    "products.category": ["Books", "Courses", "Hardware"],
    "customers.country": ["DE", "JP", "US", "TW", "KR"],
    "order_items.quantity": ["1", "2", "3", "5"],  # numbers seen in the data are never matched as values
}


@cache
def schema(name: str) -> SchemaIndex:
    if name == "shop":
        index = SchemaIndex.of(read_source(str(SHOP)))
        values = SHOP_VALUES
    else:
        spec = FIXTURES["schemas"][name]
        index = SchemaIndex.of(read_ddl(spec["ddl"], "duckdb", Source("ddl", name, name)))
        values = spec["values"]
    for key, seen in values.items():
        table, column = key.split(".")
        index.values[(table, column)] = seen
    return index


def short(found: Reading | Decline) -> str:
    """The reading in the fixture file's short notation."""
    if isinstance(found, Decline):
        return "decline: " + "; ".join([*(f"'{w}'" for w in found.unplaced), *found.unsupported, found.reason])
    def measure(m):  # noqa: ANN001, ANN202
        column = f"{m.table}.{m.column.replace(' * ', '*')}" if m.column else m.table
        return f"{m.function}({column})"
    parts = [", ".join(measure(m) for m in found.measures)] if found.measures else []
    if found.dimensions:
        parts.append("by " + ", ".join(f"{d.table}.{d.column}" + (f"/{d.grain}" if d.grain else "") for d in found.dimensions))
    if found.filters:
        parts.append("where " + ", ".join(
            f"year({f.table}.{f.column})={f.value}" if f.op == "year"
            else f"{f.table}.{f.column} {f.op}" + (f" {f.value}" if f.value is not None else "") if f.op in {"not_in", "is_null"}
            else f"{f.table}.{f.column}{f.op}{f.value}"
            for f in found.filters))
    for h in found.having:
        parts.append(f"having {h.op}{int(float(str(h.value)))}")
    if found.order:
        parts.append(found.order)
    if found.limit:
        parts.append(f"limit {found.limit}")
    if found.count_groups:
        parts.append("groups")
    if found.joins:
        parts.append("join " + ", ".join(f"{j.left}.{j.left_column}>{j.right}.{j.right_column}" for j in found.joins))
    return " ".join(parts)


CASES = [
    pytest.param(name, *(side.strip() for side in line.split("=>")), id=f"{name}: {line.split('=>')[0].strip()}")
    for name, lines in FIXTURES["readings"].items()
    for line in lines.splitlines()
    if line.strip()
]


@pytest.mark.parametrize(("schema_name", "question", "expected"), CASES)
def test_the_question_reads_as_the_fixture_says(schema_name: str, question: str, expected: str) -> None:
    """`shop@ko` lines are Korean questions over the shop: the schema, then the question's language."""
    name, _, language = schema_name.partition("@")
    got = short(read(question, lexicon(language or "en"), schema(name)))
    if expected.startswith("decline:"):
        assert got.startswith("decline:") and expected.removeprefix("decline:").strip() in got, got
    else:
        assert got == expected
