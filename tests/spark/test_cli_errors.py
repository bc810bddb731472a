"""Spark's bad input through the installed CLI, without starting a JVM: one line `error CODE: message`."""

from __future__ import annotations

import socket
from pathlib import Path

from tests.spark.conftest import FIXTURES

SCHEMA = str(FIXTURES / "schema.sql")


def test_no_jvm_is_one_line_when_the_analyzer_is_asked_for(run_cli, tmp_path: Path) -> None:
    empty = tmp_path / "no-java"
    empty.mkdir()
    result = run_cli(
        "validate", "--schema", SCHEMA, "--dialect", "spark", "-",
        input="SELECT id FROM orders",
        env={"JAVA_HOME": str(empty), "DEASSIST_SPARK_VALIDATE": "analyzer"},
    )
    assert result.code == 2
    assert result.err.startswith("error DEA-SPARK-NO-JVM: no Java runtime found"), result.err
    assert len(result.err.strip().splitlines()) == 1


def test_without_a_jvm_auto_validates_by_the_duckdb_route(run_cli, tmp_path: Path) -> None:
    empty = tmp_path / "no-java"
    empty.mkdir()
    result = run_cli(
        "validate", "--schema", SCHEMA, "--dialect", "spark", "--format", "json", "-",
        input="SELECT sum(status = 'paid') FROM orders",
        env={"JAVA_HOME": str(empty), "DEASSIST_SPARK_VALIDATE": "auto"},
    )
    assert result.code == 1, result.err
    assert '"code": "DEA-SQL-TYPE"' in result.out


def test_an_unreachable_connect_server_is_one_line_without_its_token(run_cli) -> None:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]  # closed once the probe is: nothing listens there
    result = run_cli("inspect", f"sc://127.0.0.1:{port}/;token=hunter2-secret")
    assert result.code == 2
    assert result.err.startswith(f"error DEA-SPARK-UNREACHABLE: sc://127.0.0.1:{port}: cannot reach"), result.err
    assert "hunter2" not in result.err + result.out
    assert len(result.err.strip().splitlines()) == 1


def test_an_unknown_validation_route_is_a_usage_error(run_cli) -> None:
    result = run_cli(
        "validate", "--schema", SCHEMA, "--dialect", "spark", "-",
        input="SELECT 1", env={"DEASSIST_SPARK_VALIDATE": "fast"},
    )
    assert (result.code, result.err.strip()) == (
        2, "error DEA-USAGE: DEASSIST_SPARK_VALIDATE='fast'; expected one of auto, analyzer, duckdb"
    )
