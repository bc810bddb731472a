"""The drafted medallion pipeline, run for real on a DuckDB warehouse: idempotent re-runs, SCD2
history after a change, late rows in their own day's partition, and a failing check that stops
the run and keeps nothing."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import duckdb
import pytest

from tests.drafting.conftest import deassist
from tests.drafting.shopdata import Shop, make_shop
from tools.drafting import draft_pipeline_project, run_pipeline
from tools.errors import DeassistError

LAYERS = ["bronze.orders", "silver.orders", "silver.customers", "silver.customers_history", "gold.orders_daily"]


@pytest.fixture
def shop() -> Shop:
    return make_shop(customers=40, products=10, orders=200)


@pytest.fixture
def pipeline(shop: Shop, tmp_path: Path) -> Path:
    raw = shop.write(tmp_path / "raw")
    out = tmp_path / "pipeline"
    draft_pipeline_project([str(raw)], out, grain="orders")
    return out


def snapshot(pipeline: Path) -> dict[str, list[tuple]]:
    with duckdb.connect(str(pipeline / "warehouse.duckdb"), read_only=True) as conn:
        return {
            table: sorted(conn.execute(f"SELECT * EXCLUDE (_loaded_at) FROM {table}").fetchall(), key=repr)
            if table.startswith("bronze")
            else sorted(conn.execute(f"SELECT * FROM {table}").fetchall(), key=repr)
            for table in LAYERS
        }


def query(pipeline: Path, sql: str) -> list[tuple]:
    with duckdb.connect(str(pipeline / "warehouse.duckdb"), read_only=True) as conn:
        return conn.execute(sql).fetchall()


def test_rerunning_on_the_same_input_changes_nothing(pipeline: Path, shop: Shop) -> None:
    first = run_pipeline(pipeline)
    assert first.changed > 0
    distinct_orders = len({o["order_id"] for o in shop.orders})
    assert query(pipeline, "SELECT count(*) FROM silver.orders") == [(distinct_orders,)]
    assert query(pipeline, "SELECT sum(row_count) FROM gold.orders_daily") == [(distinct_orders,)]
    before = snapshot(pipeline)
    second = run_pipeline(pipeline)
    assert second.changed == 0
    assert all(step.rows == 0 for step in second.steps)
    assert snapshot(pipeline) == before


def test_silver_keeps_the_latest_version_of_each_row(pipeline: Path, shop: Shop) -> None:
    run_pipeline(pipeline)
    latest: dict[int, dict] = {}
    for order in shop.orders:
        if order["order_id"] not in latest or order["updated_at"] > latest[order["order_id"]]["updated_at"]:
            latest[order["order_id"]] = order
    rows = dict(query(pipeline, "SELECT order_id, status FROM silver.orders"))
    assert rows == {k: v["status"] for k, v in latest.items()}


def test_a_changed_dimension_row_gets_a_new_scd2_version(pipeline: Path, shop: Shop) -> None:
    run_pipeline(pipeline)
    customer = dict(shop.customers[0])
    changed_at = dt.datetime(2025, 4, 15, 12, 0, 0)
    shop.customers.append(dict(customer, country="BR", updated_at=changed_at.strftime("%Y-%m-%d %H:%M:%S")))
    shop.write(pipeline.parent / "raw")
    run = run_pipeline(pipeline)
    assert {s.name: s.rows for s in run.steps}["scd2_customers"] == 2  # one version closed, one opened
    history = query(
        pipeline,
        "SELECT country, valid_from, valid_to, is_current FROM silver.customers_history "
        f"WHERE customer_id = {customer['customer_id']} ORDER BY valid_from",
    )
    assert len(history) == 2
    (old_country, _, old_to, old_current), (new_country, new_from, new_to, new_current) = history
    assert (old_current, new_current) == (False, True)
    assert old_to == new_from == changed_at and new_to is None
    assert new_country == "BR" and old_country != "BR"
    assert query(pipeline, "SELECT count(*) FROM silver.customers_history WHERE is_current") == [
        (len({c["customer_id"] for c in shop.customers}),)
    ]
    assert run_pipeline(pipeline).changed == 0


def test_late_and_out_of_order_rows_land_in_their_own_day(pipeline: Path, shop: Shop) -> None:
    run_pipeline(pipeline)
    days_before = dict(query(pipeline, "SELECT date_day, row_count FROM gold.orders_daily"))
    watermark = query(pipeline, "SELECT max(updated_at) FROM bronze.orders")[0][0]
    late_day = dt.date(2025, 3, 3)
    base = {"customer_id": 1, "status": "placed", "amount": 10.0, "discount": ""}
    shop.orders += [
        # placed on March 3rd, delivered late: after the watermark
        dict(base, order_id=9001, ordered_at="2025-03-03 10:00:00", updated_at=str(watermark + dt.timedelta(hours=1))),
        # arrives out of order: older than the watermark, inside the lookback window
        dict(base, order_id=9002, ordered_at="2025-03-03 11:00:00", updated_at=str(watermark - dt.timedelta(days=1))),
    ]
    # an older version of the newest order, arriving after it (inside the lookback window), must not win
    newest, status, updated = query(pipeline, "SELECT order_id, status, updated_at FROM silver.orders ORDER BY updated_at DESC LIMIT 1")[0]
    stale = next(o for o in shop.orders if o["order_id"] == newest)
    other = "cancelled" if status != "cancelled" else "placed"
    shop.orders.append(dict(stale, status=other, updated_at=str(updated - dt.timedelta(hours=1))))
    shop.write(pipeline.parent / "raw")
    run_pipeline(pipeline)
    days_after = dict(query(pipeline, "SELECT date_day, row_count FROM gold.orders_daily"))
    assert days_after[late_day] == days_before.get(late_day, 0) + 2
    assert {d: n for d, n in days_after.items() if d != late_day} == {d: n for d, n in days_before.items() if d != late_day}
    assert query(pipeline, f"SELECT status FROM silver.orders WHERE order_id = {newest}") == [(status,)]
    assert query(pipeline, "SELECT sum(row_count) FROM gold.orders_daily") == query(pipeline, "SELECT count(*) FROM silver.orders")


def test_a_failing_check_stops_the_run_and_keeps_nothing(pipeline: Path, shop: Shop, deassist_bin: str) -> None:
    run_pipeline(pipeline)
    before = snapshot(pipeline)
    shop.orders.append(dict(shop.orders[0], order_id=9100, status="teleported", updated_at="2025-04-30 00:00:00"))
    shop.write(pipeline.parent / "raw")
    proc = deassist(deassist_bin, "pipeline", "run", str(pipeline), cwd=pipeline, home=pipeline / ".home")
    assert proc.returncode == 1
    assert proc.stderr.count("\n") == 1 and "Traceback" not in proc.stderr
    assert proc.stderr.startswith("error DEA-PIPELINE-CHECK: step silver_orders: orders.status: accepted_values failed")
    assert "rolled back" in proc.stderr
    assert snapshot(pipeline) == before
    with pytest.raises(DeassistError) as raised:
        run_pipeline(pipeline)
    assert raised.value.code == "DEA-PIPELINE-CHECK"


def test_steps_run_one_at_a_time_as_the_dag_runs_them(pipeline: Path) -> None:
    from tools.drafting.runner import load_spec

    spec = load_spec(pipeline)
    for step in spec.steps:
        run_pipeline(pipeline, steps=[step.name])
    whole = snapshot(pipeline)
    assert whole["gold.orders_daily"] and whole["silver.customers_history"]
    assert run_pipeline(pipeline).changed == 0


def test_a_step_reading_outside_the_pipeline_and_its_sources_is_refused(pipeline: Path, deassist_bin: str) -> None:
    from tools.drafting.runner import load_spec

    first = load_spec(pipeline).steps[0]
    outside = pipeline.parent / "secret.csv"
    outside.write_text("token\nhunter2\n", encoding="utf-8")
    for path in ("/etc/passwd", str(outside)):
        (pipeline / first.sql).write_text(f"CREATE TEMP TABLE leak AS SELECT * FROM read_csv('{path}');\n", encoding="utf-8")
        proc = deassist(deassist_bin, "pipeline", "run", str(pipeline), cwd=pipeline, home=pipeline / ".home")
        assert proc.returncode == 1 and proc.stderr.count("\n") == 1 and "Traceback" not in proc.stderr
        assert proc.stderr.startswith(f"error DEA-PIPELINE-OUTSIDE: step {first.name} reads outside the pipeline folder")
        assert "root:" not in proc.stdout + proc.stderr and "hunter2" not in proc.stdout + proc.stderr
