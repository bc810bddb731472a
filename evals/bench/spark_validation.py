"""How often `--dialect spark` agrees with Apache Spark, by route, beside the naive approach.

Corpus: `shared/data/spark-mini-dev` (1,547 BIRD queries in Spark SQL, each judged by Spark 4.0.1
planning it against the empty schema). Prints agreement, false alarms (on gold queries and in all),
misses and queries per second for: the analyzer route (a warm local Spark's analyzer; skipped
without a JVM), the DuckDB route (no JVM: DuckDB under Spark's rules), and the naive approach in the
same run (sqlglot to DuckDB, then EXPLAIN against schema-only tables loaded once per database).
The analyzer's one-off session start is reported apart from its throughput.

    python -m evals.bench.spark_validation [--corpus DIR] [--limit N] [--show]
"""

from __future__ import annotations

import argparse
import json
import logging
import os
import sys
import time
from pathlib import Path

if __package__ in {None, ""}:  # run as a script: make the repository importable
    sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from evals.bench.sql_validation import Tally, naive_verdict
from tools.catalog import load_catalog
from tools.sql import SqlValidator
from tools.sql.spark_validate import ROUTE_ENV


def default_corpus() -> Path:
    here = Path(__file__).resolve()
    for parent in here.parents:
        candidate = parent / "shared" / "data" / "spark-mini-dev"
        if candidate.is_dir():
            return candidate
    return here.parents[3] / "shared" / "data" / "spark-mini-dev"


def databases(corpus: Path, limit: int | None) -> list[tuple[Path, list[dict]]]:
    found = []
    for db in sorted(p for p in corpus.iterdir() if p.is_dir()):
        lines = (db / "cases.spark.jsonl").read_text().splitlines()
        cases = [json.loads(line) for line in lines if line.strip()]
        found.append((db / "schema.spark.sql", cases[:limit] if limit else cases))
    return found


def bench_route(route: str, corpus: list[tuple[Path, list[dict]]]) -> Tally:
    os.environ[ROUTE_ENV] = route
    tally = Tally()
    for schema, cases in corpus:
        start = time.perf_counter()
        validator = SqlValidator(load_catalog([str(schema)], "spark"), "spark")
        verdicts = [validator.validate(case["sql"]).valid for case in cases]
        validator.close()
        tally.seconds += time.perf_counter() - start
        for case, verdict in zip(cases, verdicts):
            tally.add(case, verdict)
    return tally


def bench_naive(corpus: list[tuple[Path, list[dict]]]) -> Tally:
    import duckdb
    import sqlglot

    tally = Tally()
    for schema, cases in corpus:
        start = time.perf_counter()
        conn = duckdb.connect(":memory:")
        for statement in sqlglot.transpile(schema.read_text(), read="spark", write="duckdb"):
            conn.execute(statement)
        verdicts = [naive_verdict(case["sql"], conn, "spark") for case in cases]
        conn.close()
        tally.seconds += time.perf_counter() - start
        for case, verdict in zip(cases, verdicts):
            tally.add(case, verdict)
    return tally


def main(argv: list[str] | None = None) -> int:
    from tools.sql.spark_engine import local_engine_available, local_session

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--corpus", type=Path, default=default_corpus())
    parser.add_argument("--limit", type=int, default=None, help="cases per database (default: all)")
    parser.add_argument("--show", action="store_true", help="list the ids each route disagrees on")
    args = parser.parse_args(argv)
    logging.getLogger("sqlglot").setLevel(logging.ERROR)
    if not args.corpus.is_dir():
        print(f"no corpus at {args.corpus}", file=sys.stderr)
        return 2
    corpus = databases(args.corpus, args.limit)
    results: list[tuple[str, Tally]] = []
    if local_engine_available():
        start = time.perf_counter()
        local_session()
        print(f"local Spark started in {time.perf_counter() - start:.1f}s (once per process, not counted below)")
        results.append(("analyzer", bench_route("analyzer", corpus)))
    else:
        print("no JVM here: the analyzer route is skipped")
    results.append(("duckdb", bench_route("duckdb", corpus)))
    naive = bench_naive(corpus)
    print(f"spark ({naive.total} cases)")
    for label, tally in [*results, ("naive", naive)]:
        print(tally.line(label))
    for label, tally in results:
        ratio = (tally.total / tally.seconds) / (naive.total / naive.seconds) if tally.seconds and naive.seconds else 0.0
        print(f"  throughput {label}/naive: {ratio:.2f}x")
        if args.show and tally.disagreements:
            print(f"  {label} disagreements: " + " ".join(tally.disagreements))
    return 0


if __name__ == "__main__":
    sys.exit(main())
