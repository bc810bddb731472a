"""Benchmark: `deassist profile` on a 10-million-row Parquet file against DuckDB's own SUMMARIZE.

Both run as fresh processes on the same file in the same run (best of --repeat). Targets: ratio
<= 1.5 (the profiler computes more than SUMMARIZE, so it must share scans) and peak memory < 2 GB.

    python evals/bench/profile_speed.py [--rows 10000000] [--repeat 2]
"""

from __future__ import annotations

import argparse
import os
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

SUMMARIZE = "import duckdb, sys; duckdb.connect().execute(f\"SUMMARIZE SELECT * FROM read_parquet('{sys.argv[1]}')\").fetchall()"


def generate(path: Path, rows: int) -> None:
    import duckdb

    with duckdb.connect() as conn:
        conn.execute(
            f"""COPY (
                SELECT range AS order_id,
                       (range * 7919) % 250000 AS customer_id,
                       round(random() * 500, 2)::DECIMAL(10, 2) AS amount,
                       random() * 100 AS score,
                       'user' || (range % 200000) || '@example.com' AS email,
                       ['new', 'paid', 'shipped', 'returned'][1 + range % 4] AS status,
                       DATE '2020-01-01' + (range % 1500)::INTEGER AS order_date,
                       CASE WHEN range % 10 = 0 THEN NULL ELSE 'note ' || (range % 977) END AS note,
                       uuid()::VARCHAR AS request_id,
                       range % 3 = 0 AS gift
                FROM range({rows})
            ) TO '{path}' (FORMAT parquet)"""
        )


def timed(command: list[str]) -> float:
    started = time.perf_counter()
    subprocess.run(command, check=True, stdout=subprocess.DEVNULL)
    return time.perf_counter() - started


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=10_000_000)
    parser.add_argument("--repeat", type=int, default=2)
    args = parser.parse_args()
    deassist = shutil.which("deassist", path=str(Path(sys.executable).parent)) or "deassist"
    with tempfile.TemporaryDirectory(prefix="deassist-bench-") as tmp:
        path = Path(tmp) / "orders.parquet"
        started = time.perf_counter()
        generate(path, args.rows)
        print(
            f"generated {args.rows:,} rows ({path.stat().st_size / 1e6:.0f} MB) in {time.perf_counter() - started:.1f}s"
        )
        env_home = Path(tmp) / "home"
        os.environ["DEASSIST_HOME"] = str(env_home)
        profile_times = [timed([deassist, "profile", str(path), "--format", "json"]) for _ in range(args.repeat)]
        peak_mb = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
        summarize_times = [timed([sys.executable, "-c", SUMMARIZE, str(path)]) for _ in range(args.repeat)]
    profile_s, summarize_s = min(profile_times), min(summarize_times)
    ratio = profile_s / summarize_s
    print(f"deassist profile: {profile_s:.2f}s (runs: {', '.join(f'{t:.2f}' for t in profile_times)})")
    print(f"duckdb SUMMARIZE: {summarize_s:.2f}s (runs: {', '.join(f'{t:.2f}' for t in summarize_times)})")
    print(f"ratio: {ratio:.2f} (target <= 1.5) {'OK' if ratio <= 1.5 else 'OVER'}")
    print(f"peak memory of deassist profile: {peak_mb:.0f} MB (target < 2048 MB) {'OK' if peak_mb < 2048 else 'OVER'}")


if __name__ == "__main__":
    main()
