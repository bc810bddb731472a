"""Does a transpile with no warnings run in the target engine? Judged by the real engines.

Corpus: BIRD mini-dev (`shared/data/bird-mini-dev`): every query the source engine accepts is
transpiled sqlite -> postgres and postgres -> sqlite, and the output is `EXPLAIN`ed by the real
target: PostgreSQL (a scratch database per BIRD database, dropped afterwards) and sqlite3 (in memory),
each holding the target's published schema. Printed per direction, for deassist (`Transpiler` given
the target's schema) and for plain `sqlglot.transpile` (whatever it logs counts as its warning):

- silent failures: no warning, yet the engine rejects the output (the target is 0);
- translated and accepted: the share of queries whose output the engine accepts;
- flagged but accepted: warnings on output the engine accepts (caution that cost nothing but noise).

    python -m evals.bench.transpile_honesty [--corpus DIR] [--limit N] [--show]
        [--dsn postgresql://postgres@127.0.0.1:5432/postgres]
"""

from __future__ import annotations

import argparse
import json
import logging
import os
import sqlite3
import sys
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

if __package__ in {None, ""}:  # run as a script: make the repository importable
    sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from evals.bench.sql_validation import default_corpus
from tools.catalog import load_catalog
from tools.errors import DeassistError
from tools.sql import split_statements
from tools.sql.dialects import SqlglotWarnings
from tools.sql.transpile import Transpiler

DIRECTIONS = [("sqlite", "postgres"), ("postgres", "sqlite")]
SUFFIX = {"sqlite": "sqlite", "postgres": "pg"}
Judge = Callable[[str], bool]


@dataclass
class Tally:
    total: int = 0
    accepted: int = 0
    silent: int = 0
    noisy: int = 0
    silent_ids: list[str] = field(default_factory=list)

    def add(self, ident: str, warned: bool, accepted: bool) -> None:
        self.total += 1
        self.accepted += accepted
        self.noisy += warned and accepted
        if not warned and not accepted:
            self.silent += 1
            self.silent_ids.append(ident)

    def line(self, label: str) -> str:
        share = 100 * self.accepted / self.total if self.total else 0.0
        return (
            f"  {label:<9} silent failures {self.silent:4d}   translated and accepted {share:6.2f}%   "
            f"flagged but accepted {self.noisy:4d}"
        )


def ours(transpiler: Transpiler, sql: str) -> tuple[str | None, bool]:
    """(output or None when it could not be translated, whether deassist warned)."""
    try:
        result = transpiler.transpile(sql)
    except DeassistError:
        return None, True
    return result.sql, bool(result.warnings)


def plain(sql: str, read: str, write: str) -> tuple[str | None, bool]:
    import sqlglot
    from sqlglot.errors import SqlglotError

    try:
        with SqlglotWarnings() as logged:
            output = ";\n".join(sqlglot.transpile(sql, read=read, write=write))
    except SqlglotError:
        return None, True
    return output, bool(logged.messages)


@contextmanager
def postgres_judge(dsn: str, schema_sql: str) -> Iterator[Judge]:
    """A scratch database holding `schema_sql`; the judge EXPLAINs every statement of a query there."""
    import psycopg
    from psycopg import sql as pgsql

    name = f"dea_transpile_{os.getpid()}_{time.monotonic_ns() % 10**9}"
    admin = psycopg.connect(dsn, autocommit=True)
    admin.execute(pgsql.SQL("CREATE DATABASE {}").format(pgsql.Identifier(name)))
    try:
        conn = psycopg.connect(dsn, dbname=name, autocommit=True)
        conn.execute(schema_sql)
        conn.execute("SET statement_timeout = '5s'")

        def judge(output: str) -> bool:
            try:
                for statement in split_statements(output, "postgres"):
                    conn.execute("EXPLAIN " + statement)
            except psycopg.Error:
                return False
            return True

        try:
            yield judge
        finally:
            conn.close()
    finally:
        admin.execute(pgsql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(pgsql.Identifier(name)))
        admin.close()


@contextmanager
def sqlite_judge(schema_sql: str) -> Iterator[Judge]:
    conn = sqlite3.connect(":memory:")
    conn.executescript(schema_sql)

    def judge(output: str) -> bool:
        try:
            for statement in split_statements(output, "sqlite"):
                conn.execute("EXPLAIN " + statement)
        except (sqlite3.Error, sqlite3.Warning):
            return False
        return True

    try:
        yield judge
    finally:
        conn.close()


def bench(corpus: Path, read: str, write: str, dsn: str, limit: int | None) -> tuple[Tally, Tally, float]:
    mine, theirs = Tally(), Tally()
    seconds = 0.0
    for db in sorted(p for p in corpus.iterdir() if p.is_dir()):
        cases = [json.loads(line) for line in (db / f"cases.{SUFFIX[read]}.jsonl").read_text().splitlines() if line]
        cases = [c for c in cases if c["native_valid"]][:limit]
        target_schema = db / f"schema.{SUFFIX[write]}.sql"
        start = time.perf_counter()
        transpiler = Transpiler(read, write, load_catalog([str(target_schema)], write))
        mine_out = [ours(transpiler, c["sql"]) for c in cases]
        transpiler.close()
        seconds += time.perf_counter() - start
        plain_out = [plain(c["sql"], read, write) for c in cases]
        judged = (
            postgres_judge(dsn, target_schema.read_text())
            if write == "postgres"
            else sqlite_judge(target_schema.read_text())
        )
        with judged as judge:
            for case, (output, warned), (plain_output, plain_warned) in zip(cases, mine_out, plain_out, strict=True):
                ident = f"{db.name}/{case['id']}"
                mine.add(ident, warned, output is not None and judge(output))
                theirs.add(ident, plain_warned, plain_output is not None and judge(plain_output))
    return mine, theirs, seconds


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--corpus", type=Path, default=default_corpus())
    parser.add_argument("--limit", type=int, default=None, help="valid cases per database (default: all)")
    parser.add_argument("--dsn", default="postgresql://postgres@127.0.0.1:5432/postgres")
    parser.add_argument("--show", action="store_true", help="list deassist's silent failures")
    args = parser.parse_args(argv)
    logging.getLogger("sqlglot").setLevel(logging.ERROR)
    if not args.corpus.is_dir():
        print(f"no corpus at {args.corpus}", file=sys.stderr)
        return 2
    for read, write in DIRECTIONS:
        mine, theirs, seconds = bench(args.corpus, read, write, args.dsn, args.limit)
        print(f"{read} -> {write} ({mine.total} queries the source engine accepts)")
        print(mine.line("deassist"))
        print(theirs.line("sqlglot"))
        print(f"  deassist: {mine.total / seconds if seconds else 0:.1f} queries/s translated and checked")
        if args.show and mine.silent_ids:
            print("  silent failures: " + " ".join(mine.silent_ids))
    return 0


if __name__ == "__main__":
    sys.exit(main())
