"""Expectations from meaning on a domain with planted faults (evals/bench/trip_domain.py): every fault
is caught on files, DuckDB, SQLite and PostgreSQL; a check the data violates stays strict, and the
draft reports the violations (count and masked examples) instead of loosening it."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest

from evals.bench.trip_domain import PLANTED, make_trips
from tools.drafting import check_quality
from tools.drafting.draft import prepare_dbt_project, prepare_pipeline_project

KIND = {"non_negative": "range"}  # the planted fault -> the check kind that catches it


@pytest.fixture(scope="module")
def trips_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return make_trips().write(tmp_path_factory.mktemp("trips") / "raw")


@pytest.fixture(scope="module")
def trips_pg(pg_dsn: str) -> Iterator[str]:
    import psycopg
    from psycopg.conninfo import conninfo_to_dict, make_conninfo

    name = f"deassist_drafting_{uuid.uuid4().hex[:10]}"
    with psycopg.connect(pg_dsn, autocommit=True) as admin:
        admin.execute(f'CREATE DATABASE "{name}"')
    dsn = make_conninfo(**(conninfo_to_dict(pg_dsn) | {"dbname": name}))
    try:
        make_trips().write_postgres(dsn)
        yield dsn
    finally:
        with psycopg.connect(pg_dsn, autocommit=True) as admin:
            admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def _caught(sources: list[str]) -> dict[str, int]:
    report = check_quality(sources)
    failed = {(r.check.kind, r.check.table, r.check.column): r.failing_rows or 0 for r in report.results if not r.passed}
    caught = {}
    for fault, (table, column, _) in PLANTED.items():
        caught[fault] = failed.get((KIND.get(fault, fault), table, column), 0)
    fare = next(r.check for r in report.results if r.check.name == "trips.fare.range")
    assert fare.params == {"min": 0} and fare.severity == "error"  # as it should be, not read off the data
    return caught


def _assert_all_caught(caught: dict[str, int]) -> None:
    for fault, (_, _, planted) in PLANTED.items():
        assert caught[fault] >= planted, (fault, caught)


def test_every_planted_fault_is_caught_in_files(trips_dir: Path) -> None:
    _assert_all_caught(_caught([str(trips_dir)]))


def test_every_planted_fault_is_caught_in_duckdb_and_sqlite(trips_dir: Path, tmp_path: Path) -> None:
    import duckdb

    db = tmp_path / "trips.duckdb"
    with duckdb.connect(str(db)) as conn:
        for name in ("riders", "trips", "payments"):
            conn.execute(f"CREATE TABLE {name} AS SELECT * FROM read_csv_auto('{trips_dir / (name + '.csv')}')")
    _assert_all_caught(_caught([str(db)]))
    _assert_all_caught(_caught([str(make_trips().write_sqlite(tmp_path / "trips.sqlite"))]))


@pytest.mark.postgres
def test_every_planted_fault_is_caught_in_postgresql_read_only(trips_pg: str) -> None:
    import psycopg

    from tests.conftest import read_only_role

    with read_only_role(trips_pg) as reader:  # the role docs/security.md asks for; a superuser is refused
        _assert_all_caught(_caught([reader]))
    with psycopg.connect(trips_pg) as conn:
        assert conn.execute("SELECT count(*) FROM trips").fetchone()[0] == len(make_trips().trips)


def test_a_draft_reports_the_violations_and_keeps_the_checks_strict(trips_dir: Path, tmp_path: Path) -> None:
    prepared = prepare_dbt_project([str(trips_dir)], tmp_path / "dbt")
    notes = "\n".join(prepared.notes)
    assert "trips.fare.range: 30 rows already violate it (e.g. " in notes
    email = next(n for n in prepared.notes if n.startswith("riders.email.email_format: 21 rows"))
    assert "@example.com" not in email and "***" in email  # examples masked
    fare = prepared.files["tests/quality/trips__fare__range.sql"]
    assert "severity='warn'" in fare and '"fare" < 0' in fare
    staging = prepared.files["models/staging/_staging.yml"]
    assert "- compleetd" not in staging and "- completed" in staging  # the clean majority's values only
    pipeline = prepare_pipeline_project([str(trips_dir)], tmp_path / "pipe", tables=["trips", "riders"])
    assert any(n.startswith("trips.rider_id.referential_integrity: 10 rows") for n in pipeline.notes)
    assert prepared.tables == ["payments", "riders", "trips"] and pipeline.tables == ["riders", "trips"]
