"""Spark fixtures: one local Spark per test process, shared by every test that needs it."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.conftest import SPARK_CORPUS

FIXTURES = Path(__file__).with_name("fixtures")


@pytest.fixture(scope="session")
def spark_session():
    """The process's local Spark (started once, stopped at exit); skips where no JVM is found."""
    from tools.sql.spark_engine import local_engine_available, local_session

    if not local_engine_available():
        pytest.skip("no Java runtime or pyspark here: the local Spark cannot start")
    return local_session()


@pytest.fixture(scope="session")
def spark_corpus() -> Path:
    if not SPARK_CORPUS.exists():
        pytest.skip(f"the shared Spark corpus is not at {SPARK_CORPUS}")
    return SPARK_CORPUS
