"""Quality checks drafted from a profile: what they find in raw data, the JSON report, run history
for row-count change, PII masked in failing samples, and the export as dbt tests."""

from __future__ import annotations

import csv
import json
from pathlib import Path

from tests.drafting.shopdata import make_shop

KINDS = {
    "not_null", "completeness", "uniqueness", "range", "accepted_values", "referential_integrity", "freshness",
    "row_count_change", "email_format", "not_future",
}


def test_the_report_finds_the_duplicates_and_masks_personal_data(shop_dir: Path, run_cli) -> None:
    result = run_cli("quality", str(shop_dir), "--format", "json")
    assert result.code == 1
    assert result.err.startswith("error DEA-QUALITY-FAILED: ")
    report = json.loads(result.out)
    assert report["passed"] is False
    assert {c["kind"] for c in report["checks"]} == KINDS
    failed = {c["name"]: c for c in report["checks"] if c["status"] == "fail"}
    assert {"customers.customer_id.uniqueness", "orders.order_id.uniqueness"} <= set(failed)
    sample = failed["customers.customer_id.uniqueness"]["sample"]
    assert sample and all("***@" in row["email"] and row["first_name"].endswith("***") for row in sample)
    assert failed["orders.order_id.uniqueness"]["failing_rows"] > 0
    assert all(c["severity"] == "warn" for name, c in failed.items() if c["kind"] == "freshness")


def test_clean_data_passes_and_row_count_change_is_tracked(tmp_path: Path, run_cli) -> None:
    shop = make_shop(customers=30, products=12, orders=50)
    folder = tmp_path / "products"
    folder.mkdir()
    path = folder / "products.csv"

    def write(rows: list[dict]) -> None:
        with path.open("w", newline="") as out:
            writer = csv.DictWriter(out, fieldnames=list(rows[0]))
            writer.writeheader()
            writer.writerows(rows)

    write(shop.products)
    state = tmp_path / "state"
    first = run_cli("quality", str(path), "--format", "json", "--state", str(state))
    assert first.code == 0, first.err
    change = next(c for c in json.loads(first.out)["checks"] if c["kind"] == "row_count_change")
    assert change["observed"] == {"rows": 12, "previous": None}
    grown = [dict(p, product_id=p["product_id"] + 100 * k) for k in range(3) for p in shop.products]
    write(grown)
    second = run_cli("quality", str(path), "--state", str(state))
    assert second.code == 0  # a warning, not a failure
    assert "WARN  products: row_count_change failed (observed {'rows': 36, 'previous': 12}" in second.out
    assert second.out.splitlines()[-1].startswith("passed: 10 checks, 0 failed, ")
    assert len((state / "quality_history.jsonl").read_text().splitlines()) == 2


def test_checks_export_as_dbt_tests(shop_dir: Path, run_cli, tmp_path: Path) -> None:
    out = tmp_path / "tests-out"
    result = run_cli("quality", str(shop_dir), "--export-dbt", str(out))
    assert result.code == 1  # the report still fails on the raw duplicates
    written = sorted(p.name for p in (out / "tests" / "quality").iterdir())
    assert "orders__status__accepted_values.sql" in written and "orders__order_id__uniqueness.sql" in written
    sql = (out / "tests" / "quality" / "order_items__order_id__referential_integrity.sql").read_text()
    assert "{{ ref('stg_order_items') }}" in sql and "{{ ref('stg_orders') }}" in sql
