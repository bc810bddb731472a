"""Spark's own analyzer through one local Spark shared by this module (marked `spark`)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import yaml

from tests.spark.conftest import FIXTURES
from tools.catalog import load_catalog
from tools.sql import SqlValidator

pytestmark = pytest.mark.spark
CASES = yaml.safe_load((FIXTURES / "rules.yaml").read_text())


@pytest.fixture(scope="module")
def analyzer(spark_session, monkeypatch_module) -> SqlValidator:
    validator = SqlValidator(load_catalog([str(FIXTURES / "schema.sql")], "spark"), "spark")
    assert validator._spark is not None and validator._spark.name == "analyzer"
    yield validator
    validator.close()


@pytest.fixture(scope="module")
def monkeypatch_module():
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("DEASSIST_SPARK_VALIDATE", "analyzer")
        yield patch


@pytest.mark.parametrize("case", CASES, ids=[c["sql"][:60] for c in CASES])
def test_analyzer_reaches_the_same_verdicts(analyzer: SqlValidator, case: dict) -> None:
    report = analyzer.validate(case["sql"])
    assert report.valid is case["valid"], report.to_dict()
    assert sorted(d.code for d in report.diagnostics) == sorted(case["codes"]), report.to_dict()


def test_spark_error_class_is_placed_with_its_suggestion(analyzer: SqlValidator) -> None:
    report = analyzer.validate("SELECT id,\n       nme\nFROM customers")
    (diagnostic,) = report.diagnostics
    assert diagnostic.code == "DEA-SQL-UNKNOWN-COLUMN"
    assert diagnostic.message.startswith("[UNRESOLVED_COLUMN.WITH_SUGGESTION]")
    assert (diagnostic.line, diagnostic.column, diagnostic.suggestion) == (2, 8, "did you mean name?")


def test_statements_are_planned_never_run(analyzer: SqlValidator, spark_session) -> None:
    report = analyzer.validate("DROP TABLE orders; CREATE TABLE made_here (x INT) USING parquet")
    assert report.valid, report.to_dict()
    assert analyzer.validate("SELECT count(*) FROM orders").valid  # still there
    assert not [t for t in spark_session.catalog.listTables() if t.name == "made_here"]


def test_corpus_sample_agrees_with_spark(spark_session, spark_corpus: Path, monkeypatch_module) -> None:
    total = agree = 0
    for db in sorted(p for p in spark_corpus.iterdir() if p.is_dir()):
        validator = SqlValidator(load_catalog([str(db / "schema.spark.sql")], "spark"), "spark")
        for line in (db / "cases.spark.jsonl").read_text().splitlines()[::25]:
            case = json.loads(line)
            total += 1
            agree += validator.validate(case["sql"]).valid == case["native_valid"]
        validator.close()
    assert total > 50
    assert agree / total >= 0.995, f"{agree}/{total}"


# -- sources: spark:local and Spark Connect, both served by this module's local Spark ----------------


@pytest.fixture(scope="module")
def sales(spark_session) -> str:
    """A partitioned Parquet table with statistics, in the local Spark's catalog."""
    spark_session.sql("CREATE TABLE sales (id INT, amount DOUBLE, region STRING) USING parquet PARTITIONED BY (region)")
    spark_session.sql("INSERT INTO sales VALUES (1, 2.5, 'eu'), (2, 3.5, 'us'), (3, 1.0, 'eu')")
    spark_session.sql("ANALYZE TABLE sales COMPUTE STATISTICS")
    yield "spark:local"
    spark_session.sql("DROP TABLE sales")


@pytest.fixture(scope="module")
def connect_url(spark_session, sales: str) -> str:
    """A Spark Connect server started inside the local Spark (same catalog), with a token in its URL;
    it lives as long as that Spark does."""
    import socket

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    context = spark_session.sparkContext
    context._jsc.sc().conf().set("spark.connect.grpc.binding.port", str(port))
    context._jvm.org.apache.spark.sql.connect.service.SparkConnectService.start(context._jsc.sc())
    return f"sc://localhost:{port}/;token=hunter2-secret"  # localhost: a token without TLS


def test_inspect_lists_spark_types_partitions_format_and_row_counts(sales: str, spark_session) -> None:
    from tools.catalog import load_catalog

    spark_session.sql("CREATE VIEW big_sales AS SELECT * FROM sales WHERE amount > 2")
    try:
        catalog = load_catalog([sales])
    finally:
        spark_session.sql("DROP VIEW big_sales")
    # The analyzer's private databases (this module's validators hold one) are not the user's tables.
    assert sorted(t.name for t in catalog.tables) == ["big_sales", "sales"]
    table, view = catalog.table("sales"), catalog.table("big_sales")
    assert [(c.name, c.type) for c in table.columns] == [("id", "int"), ("amount", "double"), ("region", "string")]
    assert (table.partition_columns, table.storage_format, table.row_count) == (["region"], "parquet", 3)
    assert view.kind == "view"


def test_inspect_ddl_is_spark_ddl(sales: str) -> None:
    from tools.catalog import load_catalog
    from tools.catalog.render import render_catalog

    assert "CREATE TABLE sales (\n  id INT,\n  amount DOUBLE,\n  region STRING\n)" in render_catalog(
        load_catalog([sales]), "ddl", dialect="spark"
    )


def test_run_pushes_the_limit_and_refuses_what_is_not_a_read(sales: str) -> None:
    from tools.catalog import load_catalog
    from tools.errors import DeassistError
    from tools.sql.run import run_query

    catalog = load_catalog([sales])
    result = run_query("SELECT id, amount FROM sales ORDER BY id", catalog, limit=2)
    assert (result.columns, result.rows, result.truncated) == (["id", "amount"], [(1, 2.5), (2, 3.5)], True)
    for sql in [
        "SELECT reflect('java.lang.System', 'exit', 1)",
        "SELECT input_file_name() FROM sales",
        "SELECT * FROM parquet.`/etc`",
        "CACHE TABLE sales",
        "SET spark.sql.ansi.enabled = false",
        "INSERT INTO sales VALUES (4, 1.0, 'eu')",
    ]:
        with pytest.raises(DeassistError) as refused:
            run_query(sql, catalog)
        assert refused.value.code == "DEA-SQL-REFUSED", sql
    assert run_query("SELECT count(*) FROM sales", catalog).rows == [(3,)]


def test_a_query_past_its_timeout_has_its_job_cancelled(sales: str) -> None:
    from tools.catalog import load_catalog
    from tools.errors import DeassistError
    from tools.sql.run import run_query

    catalog = load_catalog([sales])
    with pytest.raises(DeassistError) as stopped:
        run_query("SELECT sum(id % 7) FROM range(0, 100000000000000)", catalog, timeout_s=2)
    assert stopped.value.code == "DEA-SQL-TIMEOUT"
    assert run_query("SELECT count(*) FROM sales", catalog).rows == [(3,)]  # the session still serves


def test_spark_connect_inspects_and_runs_without_showing_the_token(connect_url: str) -> None:
    from tools.catalog import load_catalog
    from tools.catalog.render import render_catalog
    from tools.sql.run import run_query

    catalog = load_catalog([connect_url])
    shown = render_catalog(catalog, "json")
    assert "sales" in shown and "hunter2" not in shown
    result = run_query("SELECT region, sum(amount) FROM sales GROUP BY region ORDER BY region", catalog)
    assert result.rows == [("eu", 3.5), ("us", 3.5)]


def test_profile_reads_a_spark_table_into_the_same_json(sales: str) -> None:
    from tools.catalog import load_catalog
    from tools.profile import profile_catalog

    (profile,) = profile_catalog(load_catalog([sales]), tables=["sales"], sample=2)
    shown = profile.to_dict()
    assert (shown["name"], shown["row_count"], shown["partition_columns"]) == ("sales", 3, ["region"])
    amount = next(c for c in shown["profile"]["columns"] if c["name"] == "amount")
    assert (amount["null_fraction"], amount["min"], amount["max"]) == (0, 1.0, 3.5)
    assert len(shown["profile"]["sample_rows"]) == 2


def test_the_agents_inspect_validate_and_run_through_spark(sales: str, tmp_path: Path) -> None:
    from assistant import events as ev
    from assistant.backends.offline import OfflineBackend
    from assistant.session import Session, SessionConfig

    config = SessionConfig(sources=[sales], home=tmp_path / "home", workdir=tmp_path, auto_approve=True)
    session = Session(config, backend=OfflineBackend())
    try:
        events = list(session.ask("What is the total amount per region in sales?", approve=lambda _request: True))
    finally:
        session.close()
    checked = [e for e in events if isinstance(e, ev.ValidationResult)]
    assert checked and all(e.dialect == "spark" and e.valid for e in checked)
    ran = next(e for e in events if isinstance(e, ev.ToolResult) and e.name == "run_sql")
    assert not ran.is_error and sorted(ran.output["rows"]) == [["eu", 3.5], ["us", 3.5]]
