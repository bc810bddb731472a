"""Benchmark: the drafted medallion pipeline against a hand-written equivalent in plain DuckDB SQL.

Both load the same generated source (10 million order rows with duplicates and updated versions,
plus 200,000 customers) into a fresh DuckDB warehouse in the same run: bronze with load metadata
and row hashes, silver typed and deduplicated to the latest version, the customers' SCD2 history,
gold daily aggregates, and the same quality checks. The hand-written one uses CREATE TABLE AS
(what one writes for a one-off full load); the drafted one is incremental (watermark, MERGE,
affected partitions), so the ratio is the price of incrementality on a first load. Target <= 1.2.

    python evals/bench/pipeline_speed.py [--rows 10000000] [--repeat 1]
"""

from __future__ import annotations

import argparse
import json
import tempfile
import time
from pathlib import Path

HAND_WRITTEN = """
CREATE SCHEMA bronze; CREATE SCHEMA silver; CREATE SCHEMA gold;
CREATE TABLE bronze.orders AS
SELECT *, hash(order_id, customer_id, ordered_at, status, amount, discount, updated_at) AS _row_hash,
       1 AS _batch_id, now()::TIMESTAMP AS _loaded_at, 'orders.parquet' AS _source
FROM read_parquet('{orders}');
CREATE TABLE bronze.customers AS
SELECT *, hash(customer_id, email, country, updated_at) AS _row_hash,
       1 AS _batch_id, now()::TIMESTAMP AS _loaded_at, 'customers.parquet' AS _source
FROM read_parquet('{customers}');
CREATE TABLE silver.orders AS
SELECT *, hash(order_id, customer_id, ordered_at, status, amount, discount, updated_at) AS _row_hash FROM (
    SELECT order_id::BIGINT AS order_id, customer_id::BIGINT AS customer_id, ordered_at::TIMESTAMP AS ordered_at,
           status::VARCHAR AS status, amount::DOUBLE AS amount, discount::DOUBLE AS discount,
           updated_at::TIMESTAMP AS updated_at
    FROM bronze.orders WHERE order_id IS NOT NULL
    QUALIFY row_number() OVER (PARTITION BY order_id ORDER BY updated_at DESC NULLS LAST) = 1
);
CREATE TABLE silver.customers AS
SELECT *, hash(customer_id, email, country, updated_at) AS _row_hash FROM (
    SELECT customer_id::BIGINT AS customer_id, email::VARCHAR AS email, country::VARCHAR AS country,
           updated_at::TIMESTAMP AS updated_at
    FROM bronze.customers WHERE customer_id IS NOT NULL
    QUALIFY row_number() OVER (PARTITION BY customer_id ORDER BY updated_at DESC NULLS LAST) = 1
);
CREATE TABLE silver.customers_history AS
SELECT * EXCLUDE (_row_hash), updated_at AS valid_from, NULL::TIMESTAMP AS valid_to, true AS is_current, _row_hash
FROM silver.customers;
CREATE TABLE gold.orders_daily AS
SELECT cast(ordered_at AS DATE) AS date_day, count(*) AS row_count, sum(amount) AS amount_sum, sum(discount) AS discount_sum
FROM silver.orders GROUP BY ALL;
"""

# The checks the drafted pipeline runs, written by hand: one aggregate per table, one anti-join.
HAND_CHECKS = """
SELECT count(*), count(order_id) - count(DISTINCT order_id), count_if(order_id IS NULL), count_if(customer_id IS NULL),
       count_if(ordered_at IS NULL), count_if(status IS NULL), count_if(status NOT IN ('cancelled', 'delivered', 'placed', 'shipped')),
       count_if(amount IS NULL), count_if(amount < 0), count_if(discount IS NULL), count_if(discount < 0 OR discount > 1),
       count_if(updated_at IS NULL), max(updated_at)
FROM silver.orders;
SELECT count(*), count(customer_id) - count(DISTINCT customer_id), count_if(customer_id IS NULL), count_if(email IS NULL),
       count_if(country IS NULL), count_if(country NOT IN ('BR', 'DE', 'FR', 'JP', 'US')), count_if(updated_at IS NULL), max(updated_at)
FROM silver.customers;
SELECT count(*) FROM silver.orders o WHERE o.customer_id IS NOT NULL
  AND NOT EXISTS (SELECT 1 FROM silver.customers c WHERE c.customer_id = o.customer_id);
"""


def generate(folder: Path, rows: int) -> None:
    """Orders with 2% exact duplicates and 3% later versions; customers with a few updates."""
    import duckdb

    folder.mkdir()
    customers = 200_000
    base = int(rows / 1.05)
    with duckdb.connect() as conn:
        conn.execute(
            f"""COPY (
                WITH o AS (
                    SELECT range AS order_id, (range * 7919) % {customers} AS customer_id,
                           TIMESTAMP '2025-01-01' + INTERVAL (range % 86400) MINUTE AS ordered_at,
                           ['placed', 'shipped', 'delivered', 'cancelled'][1 + range % 4] AS status,
                           round(random() * 500, 2) AS amount,
                           CASE WHEN range % 3 = 0 THEN NULL ELSE round(random() * 0.3, 2) END AS discount
                    FROM range({base})
                )
                SELECT *, ordered_at + INTERVAL 30 MINUTE AS updated_at FROM o
                UNION ALL SELECT *, ordered_at + INTERVAL 30 MINUTE FROM o WHERE order_id % 50 = 0
                UNION ALL SELECT * REPLACE ('delivered' AS status), ordered_at + INTERVAL 2 DAY FROM o WHERE order_id % 33 = 1
            ) TO '{folder / "orders.parquet"}' (FORMAT parquet)"""
        )
        conn.execute(
            f"""COPY (
                SELECT range AS customer_id, 'user' || range || '@example.com' AS email,
                       ['DE', 'FR', 'JP', 'US', 'BR'][1 + range % 5] AS country,
                       TIMESTAMP '2024-12-01' + INTERVAL (range % 1000) MINUTE AS updated_at
                FROM range({customers})
                UNION ALL SELECT range, 'user' || range || '@example.com', 'JP', TIMESTAMP '2024-12-20'
                FROM range(0, {customers}, 97)
            ) TO '{folder / "customers.parquet"}' (FORMAT parquet)"""
        )


def hand_written(source: Path, warehouse: Path) -> float:
    import duckdb

    started = time.perf_counter()
    with duckdb.connect(str(warehouse)) as conn:
        conn.execute("BEGIN TRANSACTION")
        script = HAND_WRITTEN.format(orders=source / "orders.parquet", customers=source / "customers.parquet")
        for statement in conn.extract_statements(script):
            conn.execute(statement)
        for statement in conn.extract_statements(HAND_CHECKS):
            conn.execute(statement).fetchall()
        conn.execute("COMMIT")
    return time.perf_counter() - started


def main() -> None:
    from tools.drafting import draft_pipeline_project, run_pipeline

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=10_000_000)
    parser.add_argument("--repeat", type=int, default=1)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="deassist-bench-") as tmp:
        source = Path(tmp) / "raw"
        started = time.perf_counter()
        generate(source, args.rows)
        print(f"generated {args.rows:,} order rows in {time.perf_counter() - started:.1f}s")
        started = time.perf_counter()
        pipeline = Path(tmp) / "drafted"
        draft_pipeline_project([str(source)], pipeline, grain="orders")
        print(f"drafted the pipeline (profile, plan, rehearsal) in {time.perf_counter() - started:.1f}s")
        drafted_times, hand_times, rerun_times = [], [], []
        for attempt in range(args.repeat):
            (pipeline / "warehouse.duckdb").unlink(missing_ok=True)
            for state in (pipeline / "state").glob("*"):
                state.unlink()
            started = time.perf_counter()
            first = run_pipeline(pipeline)
            drafted_times.append(time.perf_counter() - started)
            started = time.perf_counter()
            again = run_pipeline(pipeline)
            rerun_times.append(time.perf_counter() - started)
            assert again.changed == 0, "a re-run on the same input changed rows"
            warehouse = Path(tmp) / f"hand{attempt}.duckdb"
            hand_times.append(hand_written(source, warehouse))
            _same_outputs(pipeline / "warehouse.duckdb", warehouse)
        drafted, hand = min(drafted_times), min(hand_times)
        result = {
            "rows": args.rows,
            "drafted_s": round(drafted, 2),
            "hand_written_s": round(hand, 2),
            "ratio": round(drafted / hand, 3),
            "rerun_no_change_s": round(min(rerun_times), 2),
            "changed_rows_first_run": first.changed,
            "target": 1.2,
        }
        print(json.dumps(result))
        print(f"ratio drafted/hand-written: {result['ratio']:.2f} (target <= 1.2)")


def _same_outputs(drafted: Path, hand: Path) -> None:
    """Both pipelines must produce the same silver and gold, or the timing compares different work."""
    import duckdb

    with duckdb.connect(str(drafted), read_only=True) as conn:
        conn.execute(f"ATTACH '{hand}' AS hand (READ_ONLY)")
        for table, columns in (
            ("silver.orders", "order_id, status, amount, updated_at"),
            ("silver.customers", "customer_id, country"),
            ("gold.orders_daily", "date_day, row_count, round(amount_sum, 2)"),
        ):
            diff = conn.execute(
                f"SELECT count(*) FROM ((SELECT {columns} FROM {table} EXCEPT ALL SELECT {columns} FROM hand.{table}) "
                f"UNION ALL (SELECT {columns} FROM hand.{table} EXCEPT ALL SELECT {columns} FROM {table}))"
            ).fetchone()[0]
            assert diff == 0, f"{table} differs between the drafted and the hand-written pipeline ({diff} rows)"


if __name__ == "__main__":
    main()
