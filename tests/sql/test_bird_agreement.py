"""A sample of the BIRD corpus: the verdict agrees with SQLite 3 / PostgreSQL 15, and gold is never flagged.

The full corpus is measured by `python -m evals.bench.sql_validation`; this samples every 8th case
(about 210 per dialect) so the test stays fast.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tools.catalog import load_catalog
from tools.sql import SqlValidator

DIALECTS = [("sqlite", "sqlite", True), ("pg", "postgres", False)]


@pytest.mark.parametrize(("suffix", "dialect", "single"), DIALECTS, ids=[d for _, d, _ in DIALECTS])
def test_sample_agrees_with_the_real_engine(bird: Path, suffix: str, dialect: str, single: bool) -> None:
    total = agree = 0
    gold_false_alarms: list[str] = []
    for db in sorted(p for p in bird.iterdir() if p.is_dir()):
        validator = SqlValidator(load_catalog([str(db / f"schema.{suffix}.sql")], dialect), dialect)
        lines = (db / f"cases.{suffix}.jsonl").read_text().splitlines()
        for line in lines[::8]:
            case = json.loads(line)
            valid = validator.validate(case["sql"], single_statement=single).valid
            total += 1
            agree += valid == case["native_valid"]
            if case["source"] == "gold" and case["native_valid"] and not valid:
                gold_false_alarms.append(case["id"])
        validator.close()
    assert total > 150
    assert not gold_false_alarms
    assert agree / total >= 0.99, f"{agree}/{total}"
