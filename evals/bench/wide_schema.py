"""Wide schemas: a DuckDB file of 1,000 tables x 20 columns, validated and asked about.

Prints, for that catalog: reading it; building the validator (tables created when a statement first
names them) beside the baseline of creating every table up front (`duckdb_schema`); validating one
query in-process; and the wall time of whole `deassist validate` and `deassist ask` processes.
Targets: build <= 0.5 s, validate process <= 1 s, ask process <= 2 s.

    python -m evals.bench.wide_schema [--tables N] [--columns N]
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path

if __package__ in {None, ""}:  # run as a script: make the repository importable
    sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from evals.bench.sql_validation import ProcessTimes
from tools.catalog import load_catalog
from tools.sql.sandbox import duckdb_schema
from tools.sql.validate import SqlValidator

TYPES = ["INTEGER", "VARCHAR", "DOUBLE", "DATE", "TIMESTAMP", "DECIMAL(10,2)", "BIGINT", "BOOLEAN"]
QUERY = "SELECT t5.c1_5, count(*) FROM t5 JOIN t6 ON t6.id = t5.id WHERE t5.c0_5 > 3 GROUP BY 1"


def build_database(path: Path, tables: int, columns: int) -> None:
    import duckdb

    with duckdb.connect(str(path)) as conn:
        conn.execute("BEGIN")
        for t in range(tables):
            cols = ", ".join(f"c{j}_{t} {TYPES[j % len(TYPES)]}" for j in range(columns - 1))
            conn.execute(f"CREATE TABLE t{t} (id INTEGER PRIMARY KEY, {cols})")
        conn.execute("COMMIT")


def timed(label: str, seconds: float, target: float | None = None) -> None:
    goal = f"  (target <= {target:g} s)" if target else ""
    print(f"  {label:<44} {seconds:7.3f} s{goal}")


def process_seconds(label: str, command: list[str], target: float) -> None:
    """Wall time against the target, and CPU time (steadier on a shared machine)."""
    times = ProcessTimes()
    times.run(command)
    timed(label, times.wall, target)
    timed(f"  CPU time of {label.split(' (')[0]}", times.cpu)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--tables", type=int, default=1000)
    parser.add_argument("--columns", type=int, default=20)
    args = parser.parse_args(argv)
    deassist = str(Path(sys.executable).with_name("deassist"))
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "wide.duckdb"
        build_database(path, args.tables, args.columns)
        print(f"{args.tables} tables x {args.columns} columns")
        start = time.perf_counter()
        catalog = load_catalog([str(path)])
        timed("read the catalog", time.perf_counter() - start)

        start = time.perf_counter()
        eager = duckdb_schema(catalog, "duckdb")
        baseline = time.perf_counter() - start
        eager.close()
        timed("baseline: every table created up front", baseline)
        start = time.perf_counter()
        validator = SqlValidator(catalog, "duckdb")
        built = time.perf_counter() - start
        timed("build the validator", built, 0.5)
        start = time.perf_counter()
        valid = validator.validate(QUERY).valid
        timed(f"validate one query in-process ({'valid' if valid else 'INVALID'})", time.perf_counter() - start)
        validator.close()
        print(f"  build vs baseline: {baseline / max(built, 1e-9):.0f}x faster")

        query = Path(tmp) / "q.sql"
        query.write_text(QUERY)
        process_seconds("deassist validate (whole process)", [deassist, "validate", str(query), "--schema", str(path)], 1)
        ask = [deassist, "ask", "how many rows are in t5?", "--data", str(path)]
        process_seconds("deassist ask (whole process, offline)", ask, 2)
    return 0


if __name__ == "__main__":
    sys.exit(main())
