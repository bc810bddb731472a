"""Shared fixtures: the installed console script, the shared SQL corpus, and the PostgreSQL server."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
SHARED_DATA = next(
    (parent / "shared" / "data" for parent in ROOT.parents if (parent / "shared" / "data").is_dir()),
    ROOT.parent / "shared" / "data",
)
BIRD = SHARED_DATA / "bird-mini-dev"
SPARK_CORPUS = SHARED_DATA / "spark-mini-dev"
# `--dialect spark` starts a JVM where one exists; only tests marked `spark` (tests/spark) opt into it.
os.environ.setdefault("DEASSIST_SPARK_VALIDATE", "duckdb")
SHOP = ROOT / "assistant" / "examples" / "shop"
PG_DSN = os.environ.get("DEASSIST_TEST_PG", "postgresql://postgres@127.0.0.1:5432/postgres")


@dataclass
class Completed:
    code: int
    out: str
    err: str


def _console_script() -> str:
    candidate = Path(sys.executable).with_name("deassist")
    if candidate.exists():
        return str(candidate)
    found = shutil.which("deassist")
    if not found:
        raise RuntimeError("the deassist console script is not installed (pip install -e '.[test]')")
    return found


@pytest.fixture(scope="session")
def deassist_bin() -> str:
    return _console_script()


@pytest.fixture
def run_cli(deassist_bin: str, tmp_path: Path):
    """Run the installed `deassist` console script in a subprocess, as a user would."""

    def run(
        *args: str, input: str | None = None, cwd: Path | None = None, env: dict[str, str] | None = None,
        timeout: float = 300,
    ) -> Completed:
        full_env = {**os.environ, "NO_COLOR": "1", "DEASSIST_HOME": str(tmp_path / "home")}
        full_env.pop("ANTHROPIC_API_KEY", None)
        full_env.update(env or {})
        proc = subprocess.run(
            [deassist_bin, *args],
            input=input,
            capture_output=True,
            text=True,
            cwd=cwd or tmp_path,
            env=full_env,
            timeout=timeout,
        )
        return Completed(proc.returncode, proc.stdout, proc.stderr)

    return run


@pytest.fixture(scope="session")
def bird() -> Path:
    if not BIRD.exists():
        pytest.skip(f"the shared corpus is not at {BIRD}")
    return BIRD


@pytest.fixture(scope="session")
def pg_dsn() -> str:
    """The local PostgreSQL server; outside CI an unreachable server skips, in CI it fails."""
    import psycopg

    try:
        with psycopg.connect(PG_DSN, connect_timeout=3) as conn:
            conn.execute("SELECT 1")
    except psycopg.OperationalError as exc:
        if os.environ.get("CI") == "true":
            raise
        pytest.skip(f"no PostgreSQL server at {PG_DSN}: {str(exc).splitlines()[0]}")
    return PG_DSN


@contextmanager
def read_only_role(dsn: str) -> Iterator[str]:
    """`dsn` as a fresh login role holding only pg_read_all_data: the role docs/security.md tells users
    to create (the test server's `postgres` is a superuser, which `run` refuses). Dropped afterwards."""
    import uuid

    import psycopg
    from psycopg import sql
    from psycopg.conninfo import conninfo_to_dict, make_conninfo

    role = f"deassist_reader_{uuid.uuid4().hex[:10]}"
    with psycopg.connect(dsn, autocommit=True) as admin:
        admin.execute(sql.SQL("CREATE ROLE {} LOGIN").format(sql.Identifier(role)))
        admin.execute(sql.SQL("GRANT pg_read_all_data TO {}").format(sql.Identifier(role)))
    try:
        yield make_conninfo(**(conninfo_to_dict(dsn) | {"user": role}))
    finally:
        with psycopg.connect(dsn, autocommit=True) as admin:
            admin.execute(
                "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE usename = %s", [role]
            )
            admin.execute(sql.SQL("DROP ROLE IF EXISTS {}").format(sql.Identifier(role)))
