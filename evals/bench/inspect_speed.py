"""Benchmark: `deassist inspect` on a 1,000-table database against the engine's own information_schema query.

For DuckDB (a file in a temp dir) and, when reachable, PostgreSQL (a temporary database, dropped
after), both measured side by side in the same run: in this process (warm imports, best of
--repeat) and as fresh processes (the console script against `python -c` running the query).
Target: inspect within 2x of the information_schema query.

    python evals/bench/inspect_speed.py [--tables 1000] [--repeat 5] [--pg postgresql://postgres@127.0.0.1:5432/postgres]
"""

from __future__ import annotations

import argparse
import shutil
import subprocess
import sys
import tempfile
import time
import uuid
from collections.abc import Callable
from pathlib import Path

# What an engineer would run to get the same picture: every column, plus primary and foreign keys.
INFO_SCHEMA_COLUMNS = (
    "SELECT table_schema, table_name, column_name, data_type, is_nullable, ordinal_position "
    "FROM information_schema.columns WHERE table_schema NOT IN ('information_schema', 'pg_catalog') "
    "ORDER BY 1, 2, 6"
)
INFO_SCHEMA_KEYS = (
    "SELECT tc.table_schema, tc.table_name, tc.constraint_type, kcu.column_name, kcu.ordinal_position "
    "FROM information_schema.table_constraints tc JOIN information_schema.key_column_usage kcu "
    "ON tc.constraint_name = kcu.constraint_name AND tc.table_schema = kcu.table_schema "
    "AND tc.table_name = kcu.table_name WHERE tc.constraint_type IN ('PRIMARY KEY', 'FOREIGN KEY')"
)
DUCKDB_BASELINE = (
    "import duckdb, sys; c = duckdb.connect(sys.argv[1], read_only=True); "
    f"c.execute({INFO_SCHEMA_COLUMNS!r}).fetchall(); c.execute({INFO_SCHEMA_KEYS!r}).fetchall()"
)
PG_BASELINE = (
    "import psycopg, sys; c = psycopg.connect(sys.argv[1]); "
    f"c.execute({INFO_SCHEMA_COLUMNS!r}).fetchall(); c.execute({INFO_SCHEMA_KEYS!r}).fetchall()"
)


def schema_sql(tables: int) -> list[str]:
    """`tables` tables of eight columns; every table after the first references the one before it."""
    statements = []
    for i in range(tables):
        parent = f", parent_id INTEGER REFERENCES t{i - 1:04d} (id)" if i else ", parent_id INTEGER"
        statements.append(
            f"CREATE TABLE t{i:04d} (id INTEGER PRIMARY KEY{parent}, name VARCHAR(100) NOT NULL, amount DECIMAL(12, 2), "
            "created_at TIMESTAMP, active BOOLEAN, note TEXT, score DOUBLE PRECISION)"
        )
    return statements


def best(fn: Callable[[], object], repeat: int) -> float:
    times = []
    for _ in range(repeat):
        started = time.perf_counter()
        fn()
        times.append(time.perf_counter() - started)
    return min(times)


def report(label: str, inspect_s: float, baseline_s: float) -> None:
    ratio = inspect_s / baseline_s
    verdict = "OK" if ratio <= 2 else "OVER"
    print(
        f"{label}: inspect {inspect_s * 1000:.0f} ms, information_schema {baseline_s * 1000:.0f} ms, "
        f"ratio {ratio:.2f} (target <= 2) {verdict}"
    )


def bench(
    name: str, source: str, baseline_in_process: Callable[[], object], baseline_cmd: list[str], repeat: int
) -> None:
    from tools.catalog import load_catalog

    tables = len(load_catalog([source]).tables)
    print(f"{name}: {tables} tables")
    report(f"  {name} in process", best(lambda: load_catalog([source]), repeat), best(baseline_in_process, repeat))
    deassist = shutil.which("deassist", path=str(Path(sys.executable).parent)) or "deassist"
    run = lambda cmd: subprocess.run(cmd, check=True, stdout=subprocess.DEVNULL)  # noqa: E731
    report(
        f"  {name} fresh process",
        best(lambda: run([deassist, "inspect", source, "--format", "json"]), repeat),
        best(lambda: run(baseline_cmd), repeat),
    )


def bench_duckdb(tables: int, repeat: int) -> None:
    import duckdb

    with tempfile.TemporaryDirectory(prefix="deassist-bench-") as tmp:
        path = str(Path(tmp) / "wide.duckdb")
        with duckdb.connect(path) as conn:
            for statement in schema_sql(tables):
                conn.execute(statement)

        def baseline() -> None:
            with duckdb.connect(path, read_only=True) as conn:
                conn.execute(INFO_SCHEMA_COLUMNS).fetchall()
                conn.execute(INFO_SCHEMA_KEYS).fetchall()

        bench("duckdb", path, baseline, [sys.executable, "-c", DUCKDB_BASELINE, path], repeat)


def bench_postgres(admin_dsn: str, tables: int, repeat: int) -> None:
    import psycopg
    from psycopg.conninfo import conninfo_to_dict, make_conninfo

    try:
        admin = psycopg.connect(admin_dsn, autocommit=True, connect_timeout=3)
    except psycopg.OperationalError as exc:
        print(f"postgres: skipped, no server at {admin_dsn} ({str(exc).splitlines()[0]})")
        return
    name = f"deassist_bench_{uuid.uuid4().hex[:8]}"
    admin.execute(f'CREATE DATABASE "{name}"')
    dsn = make_conninfo(**(conninfo_to_dict(admin_dsn) | {"dbname": name}))
    try:
        with psycopg.connect(dsn, autocommit=True) as conn:
            conn.execute(";".join(schema_sql(tables)))
            conn.execute("ANALYZE")

        def baseline() -> None:
            with psycopg.connect(dsn) as conn:
                conn.execute(INFO_SCHEMA_COLUMNS).fetchall()
                conn.execute(INFO_SCHEMA_KEYS).fetchall()

        bench("postgres", dsn, baseline, [sys.executable, "-c", PG_BASELINE, dsn], repeat)
    finally:
        admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        admin.close()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--tables", type=int, default=1000)
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--pg", default="postgresql://postgres@127.0.0.1:5432/postgres")
    args = parser.parse_args()
    bench_duckdb(args.tables, args.repeat)
    bench_postgres(args.pg, args.tables, args.repeat)


if __name__ == "__main__":
    main()
