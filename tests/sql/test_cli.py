"""`deassist validate`, `transpile` and `run` through the installed console script."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.conftest import ROOT, SHOP


def test_validate_text_puts_a_caret_under_the_column(run_cli, schema_sql: str) -> None:
    result = run_cli("validate", "--schema", schema_sql, input="SELECT id,\n       nmae FROM customers\n")
    assert result.code == 1
    lines = result.out.splitlines()
    assert lines[0] == "<stdin>:2:8: error DEA-SQL-UNKNOWN-COLUMN: " + lines[0].split(": ", 2)[2]
    source, caret = lines[1], lines[2]
    assert source.endswith("       nmae FROM customers")
    assert caret.index("^") == source.index("nmae")
    assert "hint: did you mean name?" in result.out


def test_validate_the_shipped_example_is_valid(run_cli) -> None:
    result = run_cli("validate", str(ROOT / "assistant/examples/top_customers.sql"), "--schema", str(SHOP))
    assert (result.code, result.err) == (0, "")
    assert result.out.startswith("valid")


def test_validate_json_shape(run_cli, schema_sql: str) -> None:
    result = run_cli(
        "validate",
        "-",
        "--schema",
        schema_sql,
        "--dialect",
        "postgres",
        "--format",
        "json",
        input="SELECT YEAR(signup) FROM customers",
    )
    assert result.code == 1
    payload = json.loads(result.out)
    assert payload["dialect"] == "postgres" and payload["valid"] is False
    assert payload["statements"] == ["SELECT YEAR(signup) FROM customers"]
    [diagnostic] = payload["diagnostics"]
    assert set(diagnostic) == {"severity", "code", "message", "line", "column", "suggestion"}
    assert (diagnostic["code"], diagnostic["line"], diagnostic["column"]) == ("DEA-SQL-UNKNOWN-FUNCTION", 1, 8)


def test_validate_batch_goes_on_after_a_bad_line(run_cli, schema_sql: str, tmp_path: Path) -> None:
    batch = tmp_path / "batch.jsonl"
    batch.write_text(
        "\n".join(
            [
                json.dumps({"id": "ok", "sql": "SELECT name, count(*) FROM customers"}),
                "{not json",
                json.dumps({"id": "empty", "sql": "   "}),
                json.dumps({"id": "bad", "sql": "SELECT nme FROM customers"}),
            ]
        )
    )
    result = run_cli("validate", "--batch", str(batch), "--schema", schema_sql, "--dialect", "sqlite")
    assert result.code == 1
    rows = [json.loads(line) for line in result.out.splitlines()]
    assert [(r["id"], r["valid"]) for r in rows] == [("ok", True), (None, False), ("empty", False), ("bad", False)]
    assert rows[1]["diagnostics"][0]["code"] == "DEA-INPUT-JSON"
    assert rows[2]["diagnostics"][0]["code"] == "DEA-SQL-EMPTY"
    assert rows[3]["diagnostics"][0]["code"] == "DEA-SQL-UNKNOWN-COLUMN"


@pytest.mark.parametrize(
    ("args", "stdin", "code"),
    [
        (["validate", "missing.sql"], None, "DEA-INPUT-MISSING"),
        (["validate", "-", "--dialect", "klingon"], "SELECT 1", "DEA-SQL-DIALECT"),
        (["validate", "-"], "  \n", "DEA-SQL-EMPTY"),
        (["validate", "binary.bin"], None, "DEA-INPUT-BINARY"),
    ],
    ids=["missing", "dialect", "empty", "binary"],
)
def test_bad_input_is_one_line_and_exit_2(
    run_cli, schema_sql: str, tmp_path: Path, args: list[str], stdin: str | None, code: str
) -> None:
    (tmp_path / "binary.bin").write_bytes(b"\x00\x01SELECT\x00")
    result = run_cli(*args, "--schema", schema_sql, input=stdin)
    assert result.code == 2
    assert result.err.startswith(f"error {code}: ") and result.err.count("\n") == 1
    assert "Traceback" not in result.err + result.out


def test_unparsable_schema_is_one_line_and_exit_2(run_cli, tmp_path: Path) -> None:
    ddl = tmp_path / "broken.sql"
    ddl.write_text("CREATE TABLE (((")
    result = run_cli("validate", "-", "--schema", str(ddl), input="SELECT 1")
    assert result.code == 2
    assert result.err.startswith("error DEA-SCHEMA-") and result.err.count("\n") == 1


def test_transpile_reports_what_does_not_carry_over(run_cli) -> None:
    result = run_cli("transpile", "--from", "snowflake", "--to", "duckdb", input="SELECT TO_VARCHAR(d, 'YYYY') FROM t")
    assert result.code == 0
    assert result.out.strip() == "SELECT CAST(d AS TEXT) FROM t"
    assert "warning DEA-SQL-UNSUPPORTED-CONSTRUCT" in result.err and "format" in result.err


def test_transpile_output_the_target_rejects_exits_1_with_a_caret_in_the_output(run_cli, schema_sql: str) -> None:
    sql = "SELECT status, amount FROM orders GROUP BY status"
    result = run_cli("transpile", "--from", "sqlite", "--to", "postgres", "--schema", schema_sql, input=sql)
    assert result.code == 1
    assert "<output>:1:" in result.err and "error DEA-SQL-TARGET-REJECTS" in result.err and "^" in result.err
    assert "checked: validated in postgres against the schema" in result.err


def test_transpile_json(run_cli) -> None:
    result = run_cli(
        "transpile",
        "--from",
        "tsql",
        "--to",
        "postgres",
        "--format",
        "json",
        input="SELECT TOP 3 IIF(a > 1, 1, 0) FROM t",
    )
    payload = json.loads(result.out)
    assert payload == {
        "from": "tsql",
        "to": "postgres",
        "sql": "SELECT CASE WHEN a > 1 THEN 1 ELSE 0 END FROM t LIMIT 3",
        "warnings": [],
        "rewrites": [],
        "checked": "validated in postgres for syntax and functions (no schema given: names and types not checked)",
    }


def test_run_limits_rows_and_says_so(run_cli, data_dir: Path) -> None:
    result = run_cli(
        "run",
        "--source",
        str(data_dir),
        "--limit",
        "5",
        "--format",
        "json",
        input="SELECT id, amount FROM orders ORDER BY id",
    )
    assert result.code == 0
    payload = json.loads(result.out)
    assert payload["columns"] == ["id", "amount"] and payload["truncated"] is True
    assert [row[0] for row in payload["rows"]] == [1, 2, 3, 4, 5]
    assert "first 5 rows" in result.err


def test_run_csv_from_sqlite(run_cli, sqlite_db: Path) -> None:
    result = run_cli(
        "run",
        "--source",
        str(sqlite_db),
        "--format",
        "csv",
        input="SELECT count(*) AS n, sum(amount) AS total FROM orders",
    )
    assert (result.code, result.out) == (0, "n,total\n10,110.0\n")


def test_run_table_joins_files(run_cli, data_dir: Path) -> None:
    result = run_cli(
        "run",
        "--source",
        str(data_dir),
        input="SELECT c.name, count(*) AS n FROM orders o JOIN customers c ON c.id = o.customer_id GROUP BY 1 ORDER BY 1",
    )
    assert result.code == 0
    assert "Ada" in result.out and "Linus" in result.out


def test_run_stops_at_the_timeout(run_cli, data_dir: Path) -> None:
    result = run_cli(
        "run", "--source", str(data_dir), "--timeout", "0.5", input="SELECT count(*) FROM range(10000000000) a, orders"
    )
    assert result.code == 1
    assert result.err.startswith("error DEA-SQL-TIMEOUT:")


@pytest.mark.parametrize(
    ("sql", "reason"),
    [
        ("INSERT INTO orders VALUES (1, 1, 1, 'x')", "INSERT"),
        ("ATTACH 'other.db'", "ATTACH"),
        ("INSTALL httpfs", "INSTALL"),
        ("LOAD httpfs", "LOAD"),
        ("COPY orders TO 'out.csv'", "COPY"),
        ("SET threads = 1", "SET"),
        ("SELECT * FROM read_csv('/etc/passwd')", "/etc/passwd"),
        ("SELECT * FROM '/etc/passwd'", "/etc/passwd"),
    ],
    ids=["insert", "attach", "install", "load", "copy", "set", "read-function", "file-as-table"],
)
def test_run_refuses_and_says_why(run_cli, data_dir: Path, sql: str, reason: str) -> None:
    result = run_cli("run", "--source", str(data_dir), input=sql)
    assert result.code == 2
    assert result.err.startswith("error DEA-SQL-REFUSED:") and reason in result.err
    assert not (data_dir.parent / "out.csv").exists()
