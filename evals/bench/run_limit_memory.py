"""Benchmark: peak memory of `deassist run --limit 1` over a ~500 MB PostgreSQL result.

Baseline, in the same run: a fresh process fetching the first row the way `run` did before it read
through a server-side cursor (psycopg's client-side cursor, which receives the whole result). Target:
the CLI's peak stays flat (well under the baseline) whatever the result's size.

    python evals/bench/run_limit_memory.py [--dsn postgresql://postgres@127.0.0.1:5432/postgres] [--mb 500]
"""

from __future__ import annotations

import argparse
import shutil
import subprocess
import sys
from pathlib import Path

CLIENT_SIDE = (
    "import psycopg, sys\n"
    "with psycopg.connect(sys.argv[1]) as c:\n"
    "    c.execute('SET TRANSACTION READ ONLY')\n"
    "    c.execute(sys.argv[2]).fetchmany(2)\n"
)


def peak_mb(command: list[str], stdin: str | None = None) -> float:
    """Peak resident memory of a fresh child process, in MB."""
    code = (
        "import resource, subprocess, sys\n"
        f"subprocess.run({command!r}, input={stdin!r}, text=True, check=True, capture_output=True)\n"
        "print(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024)\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    return float(out.stdout.strip())


def main() -> None:
    import uuid

    import psycopg
    from psycopg.conninfo import conninfo_to_dict, make_conninfo

    parser = argparse.ArgumentParser()
    parser.add_argument("--dsn", default="postgresql://postgres@127.0.0.1:5432/postgres")
    parser.add_argument("--mb", type=int, default=500)
    args = parser.parse_args()
    rows = args.mb * 1000
    sql = f"SELECT g, repeat('x', 1000) AS payload FROM generate_series(1, {rows}) g"
    deassist = shutil.which("deassist", path=str(Path(sys.executable).parent)) or "deassist"
    name = f"deassist_bench_{uuid.uuid4().hex[:10]}"  # a source needs a table for `run` to accept it
    with psycopg.connect(args.dsn, autocommit=True) as admin:
        admin.execute(f'CREATE DATABASE "{name}"')
    dsn = make_conninfo(**(conninfo_to_dict(args.dsn) | {"dbname": name}))
    try:
        with psycopg.connect(dsn, autocommit=True) as conn:
            conn.execute("CREATE TABLE t (n int)")
        command = [deassist, "run", "--source", dsn, "--limit", "1", "--allow-privileged-role", "--format", "csv"]
        ours = peak_mb(command, sql)
        baseline = peak_mb([sys.executable, "-c", CLIENT_SIDE, dsn, sql])
    finally:
        with psycopg.connect(args.dsn, autocommit=True) as admin:
            admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    print(f"result ~{args.mb} MB ({rows:,} rows)")
    print(f"client-side fetch (baseline): {baseline:8.1f} MB peak")
    print(f"deassist run --limit 1:       {ours:8.1f} MB peak   ratio {ours / baseline:.2f}")


if __name__ == "__main__":
    main()
