"""How often deassist's SQL verdict agrees with the real engine, beside the naive approach.

Corpus: BIRD mini-dev (`shared/data/bird-mini-dev`), 1,700 cases per dialect, each with the verdict of
SQLite 3 or PostgreSQL 15 (`EXPLAIN` against the empty schema). For each dialect this prints
agreement, false alarms (valid queries rejected; on gold queries, and in all), misses (invalid
queries accepted) and queries per second, for deassist (`SqlValidator`, one per database, reused)
and for the naive approach computed in the same run: transpile with sqlglot to DuckDB and `EXPLAIN`
against schema-only tables (loaded once per database, like deassist's).

It then measures whole-process throughput, start-up included: one `deassist validate --batch` process
per database against one process per database of the naive script (`NAIVE_SCRIPT`), both fed the
same JSONL of queries.

The SQLite harness runs one statement per call (Python's sqlite3 refuses several), PostgreSQL's simple
query protocol runs them all: so `single_statement` is True for SQLite and False for PostgreSQL.

    python -m evals.bench.sql_validation [--corpus DIR] [--limit N] [--show]
"""

from __future__ import annotations

import argparse
import json
import logging
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

if __package__ in {None, ""}:  # run as a script: make the repository importable
    sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from tools.catalog import load_catalog
from tools.sql import SqlValidator

if TYPE_CHECKING:
    import duckdb

DIALECTS = {"sqlite": ("sqlite", True), "pg": ("postgres", False)}


def default_corpus() -> Path:
    here = Path(__file__).resolve()
    for parent in here.parents:
        candidate = parent / "shared" / "data" / "bird-mini-dev"
        if candidate.is_dir():
            return candidate
    return here.parents[3] / "shared" / "data" / "bird-mini-dev"


@dataclass
class Tally:
    agree: int = 0
    total: int = 0
    false_alarms: int = 0
    gold_false_alarms: int = 0
    misses: int = 0
    seconds: float = 0.0
    disagreements: list[str] = field(default_factory=list)

    def add(self, case: dict, verdict: bool) -> None:
        self.total += 1
        if verdict == case["native_valid"]:
            self.agree += 1
            return
        self.disagreements.append(case["id"])
        if case["native_valid"]:
            self.false_alarms += 1
            self.gold_false_alarms += case["source"] == "gold"
        else:
            self.misses += 1

    def line(self, label: str) -> str:
        rate = self.total / self.seconds if self.seconds else 0.0
        return (
            f"  {label:<9} agreement {100 * self.agree / self.total:6.2f}%  "
            f"false alarms {self.false_alarms:3d} (gold {self.gold_false_alarms})  "
            f"misses {self.misses:3d}  {rate:8.1f} queries/s"
        )


def naive_verdict(sql: str, conn: duckdb.DuckDBPyConnection, dialect: str) -> bool:
    """The naive approach: transpile to DuckDB with sqlglot, then EXPLAIN against schema-only tables."""
    import sqlglot

    try:
        for statement in sqlglot.transpile(sql, read=dialect, write="duckdb"):
            conn.execute("EXPLAIN " + statement)
        return True
    except Exception:  # noqa: BLE001 - any failure (parse, transpile, bind) is the naive verdict "invalid"
        return False


# The naive approach as a process of its own: read the schema and the queries, verdict per line.
NAIVE_SCRIPT = """
import json, sys
import duckdb, sqlglot
schema, cases, dialect = sys.argv[1:4]
conn = duckdb.connect(":memory:")
for statement in sqlglot.transpile(open(schema).read(), read=dialect, write="duckdb"):
    conn.execute(statement)
for line in open(cases):
    item = json.loads(line)
    try:
        for statement in sqlglot.transpile(item["sql"], read=dialect, write="duckdb"):
            conn.execute("EXPLAIN " + statement)
        valid = True
    except Exception:
        valid = False
    print(json.dumps({"id": item["id"], "valid": valid}))
"""


@dataclass
class ProcessTimes:
    """Wall-clock and CPU seconds (user + system) of the child processes; on a shared machine the CPU
    figure is the steadier one."""

    wall: float = 0.0
    cpu: float = 0.0

    def run(self, command: list[str]) -> None:
        before = _children_cpu()
        start = time.perf_counter()
        subprocess.run(command, capture_output=True, check=False)
        self.wall += time.perf_counter() - start
        self.cpu += _children_cpu() - before


def _children_cpu() -> float:
    import resource

    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def process_bench(corpus: Path, suffix: str, limit: int | None) -> tuple[int, ProcessTimes, ProcessTimes]:
    """(queries, deassist's times, the naive script's times): one process per database."""
    dialect, single = DIALECTS[suffix]
    deassist = Path(sys.executable).with_name("deassist")
    total, ours, naive = 0, ProcessTimes(), ProcessTimes()
    with tempfile.TemporaryDirectory() as tmp:
        for db in sorted(p for p in corpus.iterdir() if p.is_dir()):
            lines = [line for line in (db / f"cases.{suffix}.jsonl").read_text().splitlines() if line.strip()]
            lines = lines[:limit] if limit else lines
            cases = Path(tmp) / f"{db.name}.{suffix}.jsonl"
            cases.write_text("\n".join(json.dumps({"id": json.loads(x)["id"], "sql": json.loads(x)["sql"]}) for x in lines))
            schema = db / f"schema.{suffix}.sql"
            command = [str(deassist), "validate", "--batch", str(cases), "--schema", str(schema), "--dialect", dialect]
            ours.run([*command, *(["--single"] if single else [])])
            naive.run([sys.executable, "-c", NAIVE_SCRIPT, str(schema), str(cases), dialect])
            total += len(lines)
    return total, ours, naive


def bench(corpus: Path, suffix: str, limit: int | None) -> tuple[Tally, Tally]:
    import duckdb
    import sqlglot

    dialect, single = DIALECTS[suffix]
    ours, naive = Tally(), Tally()
    for db in sorted(p for p in corpus.iterdir() if p.is_dir()):
        schema = db / f"schema.{suffix}.sql"
        cases = [json.loads(line) for line in (db / f"cases.{suffix}.jsonl").read_text().splitlines() if line.strip()]
        if limit:
            cases = cases[:limit]
        ddl = sqlglot.transpile(schema.read_text(), read=dialect, write="duckdb")

        start = time.perf_counter()
        validator = SqlValidator(load_catalog([str(schema)], dialect), dialect)
        verdicts = [validator.validate(case["sql"], single_statement=single).valid for case in cases]
        validator.close()
        ours.seconds += time.perf_counter() - start
        for case, verdict in zip(cases, verdicts):
            ours.add(case, verdict)

        start = time.perf_counter()
        conn = duckdb.connect(":memory:")  # the naive approach gets the same advantage: schema loaded once
        for statement in ddl:
            conn.execute(statement)
        verdicts = [naive_verdict(case["sql"], conn, dialect) for case in cases]
        conn.close()
        naive.seconds += time.perf_counter() - start
        for case, verdict in zip(cases, verdicts):
            naive.add(case, verdict)
    return ours, naive


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--corpus", type=Path, default=default_corpus())
    parser.add_argument("--limit", type=int, default=None, help="cases per database (default: all)")
    parser.add_argument("--show", action="store_true", help="list the ids deassist disagrees on")
    args = parser.parse_args(argv)
    logging.getLogger("sqlglot").setLevel(logging.ERROR)  # the naive run's sqlglot chatter
    if not args.corpus.is_dir():
        print(f"no corpus at {args.corpus}", file=sys.stderr)
        return 2
    for suffix, (dialect, _) in DIALECTS.items():
        ours, naive = bench(args.corpus, suffix, args.limit)
        print(f"{dialect} ({ours.total} cases)")
        print(ours.line("deassist"))
        print(naive.line("naive"))
        ratio = (ours.total / ours.seconds) / (naive.total / naive.seconds) if naive.seconds and ours.seconds else 0.0
        print(f"  throughput deassist/naive, in-process: {ratio:.2f}x")
        total, ours_t, naive_t = process_bench(args.corpus, suffix, args.limit)
        print(
            f"  one process per database (start-up included): deassist {total / ours_t.wall:7.1f} queries/s wall, "
            f"{total / ours_t.cpu:7.1f} per CPU-second; naive {total / naive_t.wall:7.1f} wall, "
            f"{total / naive_t.cpu:7.1f} per CPU-second; deassist/naive {naive_t.wall / ours_t.wall:.2f}x wall, "
            f"{naive_t.cpu / ours_t.cpu:.2f}x CPU"
        )
        if args.show and ours.disagreements:
            print("  disagreements: " + " ".join(ours.disagreements))
    return 0


if __name__ == "__main__":
    sys.exit(main())
