"""Masking by lineage, fixture-driven: real queries run on the shop example in DuckDB, then masked."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from tests.conftest import SHOP
from tools.catalog.readers import load_catalog
from tools.privacy.masking import mask_result
from tools.profile.semantic import mask
from tools.sql.run import run_query

CASES = yaml.safe_load((Path(__file__).parent / "masking.yaml").read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def shop():
    return load_catalog([str(SHOP)])


@pytest.mark.parametrize("case", CASES, ids=[c["sql"][:60] for c in CASES])
def test_masked_output_columns(case: dict, shop) -> None:
    result = run_query(case["sql"], shop, limit=20)
    rows = [list(r) for r in result.rows]
    original = [list(r) for r in result.rows]
    masked = mask_result(case["sql"], result.columns, rows, shop, "duckdb")
    assert masked == case["masked"]
    for index, name in enumerate(result.columns):
        expected = [mask(r[index]) for r in original] if name in masked else [r[index] for r in original]
        assert [r[index] for r in rows] == expected


def test_a_query_that_does_not_parse_masks_every_column(shop) -> None:
    rows = [["Ada Lovelace", 3]]
    assert mask_result("SELECT name, (((", ["name", "n"], rows, shop, "duckdb") == ["name", "n"]
    assert rows == [["A***", "***"]]


def test_values_that_look_like_emails_are_masked_whatever_their_lineage(shop) -> None:
    rows = [["ada@example.com"], ["grace@example.org"]]
    assert mask_result("SELECT 'x' AS note", ["note"], rows, shop, "duckdb") == ["note"]


def test_untraceable_lineage_stays_visible_when_no_source_holds_personal_data() -> None:
    catalog = load_catalog([str(SHOP / "orders.csv")])
    rows = [[1, 2]]
    assert mask_result("SELECT * FROM range(1) r, orders", ["r", "order_id"], rows, catalog, "duckdb") == []
    assert rows == [[1, 2]]


def test_a_source_column_holding_emails_under_another_name_is_traced_by_its_values(tmp_path: Path) -> None:
    path = tmp_path / "vendors.csv"
    path.write_text("ref,contact,city\n1,ada@example.com,Paris\n2,grace@example.org,Oslo\n", encoding="utf-8")
    catalog = load_catalog([str(path)])
    sql = "SELECT replace(contact, '@', ' at ') AS reach, upper(city) AS town, count(contact) OVER () AS n FROM vendors"
    result = run_query(sql, catalog)
    rows = [list(r) for r in result.rows]
    assert mask_result(sql, result.columns, rows, catalog, "duckdb") == ["reach"]
    assert rows[0] == ["a***", "PARIS", 2]
