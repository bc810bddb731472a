"""The DuckDB route (no JVM): Spark's verdicts from a fixture table, and agreement on the shared corpus."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import yaml

from tests.spark.conftest import FIXTURES
from tools.catalog import load_catalog
from tools.sql import SqlValidator

CASES = yaml.safe_load((FIXTURES / "rules.yaml").read_text())


@pytest.fixture(scope="module")
def validator():
    validator = SqlValidator(load_catalog([str(FIXTURES / "schema.sql")], "spark"), "spark")
    yield validator
    validator.close()


@pytest.mark.parametrize("case", CASES, ids=[c["sql"][:60] for c in CASES])
def test_rules(validator: SqlValidator, case: dict) -> None:
    report = validator.validate(case["sql"])
    assert report.valid is case["valid"], report.to_dict()
    assert sorted(d.code for d in report.diagnostics) == sorted(case["codes"]), report.to_dict()


def test_unknown_function_is_placed_and_suggested(validator: SqlValidator) -> None:
    report = validator.validate("SELECT id,\n  datediff_days(ordered_at, ordered_at) FROM orders")
    (diagnostic,) = report.diagnostics
    assert (diagnostic.code, diagnostic.line, diagnostic.column) == ("DEA-SQL-UNKNOWN-FUNCTION", 2, 3)
    assert diagnostic.suggestion == "did you mean datediff?"


def test_sample_agrees_with_spark(spark_corpus: Path) -> None:
    total = agree = 0
    gold_false_alarms: list[str] = []
    for db in sorted(p for p in spark_corpus.iterdir() if p.is_dir()):
        validator = SqlValidator(load_catalog([str(db / "schema.spark.sql")], "spark"), "spark")
        for line in (db / "cases.spark.jsonl").read_text().splitlines()[::2]:
            case = json.loads(line)
            valid = validator.validate(case["sql"]).valid
            total += 1
            agree += valid == case["native_valid"]
            if case["source"] == "gold" and case["native_valid"] and not valid:
                gold_false_alarms.append(case["id"])
        validator.close()
    assert total > 700
    assert not gold_false_alarms
    assert agree / total >= 0.995, f"{agree}/{total}"
