"""The whole graph end to end with the offline planner, on real CSV, DuckDB and SQLite data."""

from __future__ import annotations

import datetime
import sqlite3
from pathlib import Path

import duckdb
import pytest

from assistant import events as ev
from tests.agents.conftest import RecordingBackend, final
from tests.conftest import SHOP

README_QUESTION = "Who are the top 5 customers by total order value?"


def _top_customers(con) -> list[tuple]:  # noqa: ANN001
    return con.execute(
        "SELECT c.customer_id, c.name, SUM(o.amount) AS total FROM customers c JOIN orders o USING (customer_id)"
        " GROUP BY c.customer_id, c.name ORDER BY total DESC LIMIT 5"
    ).fetchall()


@pytest.fixture(scope="module")
def shop_rows() -> dict[str, list[tuple]]:
    con = duckdb.connect()
    for table in ("customers", "orders", "order_items", "products"):
        con.execute(f"CREATE TABLE {table} AS SELECT * FROM read_csv('{SHOP / (table + '.csv')}')")
    return {
        "top": _top_customers(con),
        "status": con.execute("SELECT status, count(*) FROM orders GROUP BY 1").fetchall(),
    }


@pytest.fixture
def shop_duckdb(tmp_path: Path) -> Path:
    """The shop example as a DuckDB file with declared keys, as a user's warehouse would have them."""
    path = tmp_path / "shop.duckdb"
    con = duckdb.connect(str(path))
    con.execute(
        "CREATE TABLE customers (customer_id INTEGER PRIMARY KEY, name VARCHAR, email VARCHAR, country VARCHAR, created_at DATE)"
    )
    con.execute(
        "CREATE TABLE orders (order_id INTEGER PRIMARY KEY, customer_id INTEGER REFERENCES customers(customer_id),"
        " ordered_at TIMESTAMP, status VARCHAR, amount DECIMAL(10,2))"
    )
    con.execute(f"INSERT INTO customers SELECT * FROM read_csv('{SHOP / 'customers.csv'}')")
    con.execute(f"INSERT INTO orders SELECT * FROM read_csv('{SHOP / 'orders.csv'}')")
    con.close()
    return path


@pytest.fixture
def shop_sqlite(tmp_path: Path) -> Path:
    path = tmp_path / "shop.sqlite"
    con = duckdb.connect()
    rows = {
        t: con.execute(f"SELECT * FROM read_csv('{SHOP / (t + '.csv')}')").fetchall() for t in ("customers", "orders")
    }
    db = sqlite3.connect(path)
    db.execute(
        "CREATE TABLE customers (customer_id INTEGER PRIMARY KEY, name TEXT, email TEXT, country TEXT, created_at TEXT)"
    )
    db.execute(
        "CREATE TABLE orders (order_id INTEGER PRIMARY KEY, customer_id INTEGER REFERENCES customers(customer_id),"
        " ordered_at TEXT, status TEXT, amount REAL)"
    )

    def sqlite_row(row: tuple) -> tuple:  # dates and timestamps as ISO text, the way SQLite keeps them
        return tuple(str(v) if isinstance(v, datetime.date) else v for v in row)

    db.executemany("INSERT INTO customers VALUES (?, ?, ?, ?, ?)", [sqlite_row(r) for r in rows["customers"]])
    db.executemany("INSERT INTO orders VALUES (?, ?, ?, ?, ?)", [sqlite_row(r) for r in rows["orders"]])
    db.commit()
    db.close()
    return path


def test_the_readme_question_is_answered_from_the_data(ask, shop_rows) -> None:
    events = ask(README_QUESTION, [SHOP], auto_approve=True)
    answer = final(events)
    assert answer.agents == ["data-engineer"]
    assert "offline planner" in answer.text.lower()
    for customer_id, name, total in shop_rows["top"]:
        assert f"| {customer_id} | {name[0]}*** | {total:,.2f} |" in answer.text
        assert name not in answer.text  # personal data is masked in the rows an agent sees
    assert "Personal data masked in these rows: name." in answer.text
    assert len(answer.validated_sql) == 1 and "SUM(orders.amount)" in answer.validated_sql[0]
    assert answer.outcome == "answered" and answer.reading.measures[0].column == "amount"
    kinds = [type(e).__name__ for e in events]
    assert kinds[0] == "AgentStarted" and kinds[-1] == "FinalAnswer"
    assert {"ToolCall", "ToolResult", "ValidationResult", "ApprovalRequest", "ApprovalDecision", "Usage"} <= set(kinds)
    calls = [e.name for e in events if isinstance(e, ev.ToolCall)]
    assert calls == ["route", "validate_sql", "run_sql"]  # the schema comes in the typed brief


def test_a_count_per_value_on_a_duckdb_file_with_declared_keys(ask, shop_duckdb, shop_rows) -> None:
    answer = final(ask("How many orders per status?", [shop_duckdb], auto_approve=True))
    for status, count in shop_rows["status"]:
        assert f"| {status} | {count} |" in answer.text


def test_a_filter_on_a_value_found_in_the_sqlite_data(ask, shop_sqlite) -> None:
    db = sqlite3.connect(shop_sqlite)
    expected = db.execute(
        "SELECT c.country, round(avg(o.amount), 2) FROM orders o JOIN customers c USING (customer_id)"
        " WHERE o.status = 'completed' GROUP BY 1 ORDER BY 2 DESC"
    ).fetchall()
    db.close()
    events = ask(
        "What is the average amount of completed orders per customer country?", [shop_sqlite], auto_approve=True
    )
    answer = final(events)
    assert "status = 'completed'" in answer.validated_sql[0]
    lead_calls = [e.name for e in events if isinstance(e, ev.ToolCall) and e.agent == "data-engineer"]
    assert lead_calls == ["profile", "validate_sql", "run_sql"]  # 'completed' is placed once the data is profiled
    country, average = expected[0]
    assert f"| {country} | {average:,.2f} |" in answer.text


def test_a_large_catalog_never_goes_whole_into_a_prompt(ask, tmp_path: Path) -> None:
    path = tmp_path / "big.duckdb"
    con = duckdb.connect(str(path))
    for i in range(1000):
        con.execute(f"CREATE TABLE metric_{i:04d} (id INTEGER PRIMARY KEY, reading_{i:04d} DOUBLE, taken_at TIMESTAMP)")
    con.execute("CREATE TABLE customers (customer_id INTEGER PRIMARY KEY, name VARCHAR, country VARCHAR)")
    con.execute("INSERT INTO customers VALUES (1, 'Ada', 'FR'), (2, 'Linus', 'FI'), (3, 'Grace', 'FR')")
    con.close()
    backend = RecordingBackend()
    answer = final(ask("How many customers per country?", [path], backend=backend, auto_approve=True))
    assert "| FR | 2 |" in answer.text
    for request in backend.requests:
        told = request.system + "".join(
            getattr(b, "text", "") + getattr(b, "content", "") for m in request.messages for b in m.content
        )
        assert told.count("metric_") < 50, "the prompt carried most of the 1,000 tables"
    lead_brief = backend.requests[1].messages[0].content[0].text
    assert "more tables" in lead_brief and "table customers" in lead_brief


def test_a_misspelt_column_is_repaired_from_the_did_you_mean(ask) -> None:
    events = ask("Validate this query: SELECT nmae, country FROM customers WHERE country = 'FR'", [SHOP])
    answer = final(events)
    checks = [e for e in events if isinstance(e, ev.ValidationResult)]
    assert not checks[0].valid and checks[0].diagnostics[0]["code"] == "DEA-SQL-UNKNOWN-COLUMN"
    assert checks[1].valid
    assert "SELECT name, country FROM customers" in answer.text
    assert answer.validated_sql[0].startswith("SELECT name, country")


def test_sql_that_cannot_be_repaired_is_reported_plainly(ask) -> None:
    answer = final(ask("Is this valid? SELECT total_spend FROM customers", [SHOP]))
    assert "does not pass validation" in answer.text
    assert "total_spend" in answer.text
    assert answer.validated_sql == []


def test_transpile_reports_the_target_dialect(ask) -> None:
    answer = final(ask("Transpile to postgres: SELECT IFNULL(name, 'n/a') FROM customers LIMIT 3", [SHOP]))
    assert "COALESCE(name, 'n/a')" in answer.text
    assert "```postgres" in answer.text


def test_explain_describes_the_parsed_parts(ask) -> None:
    sql = (SHOP.parent / "top_customers.sql").read_text()
    answer = final(ask(f"Explain this SQL:\n```sql\n{sql}\n```", [SHOP]))
    assert "`o.status = 'completed'`" in answer.text
    assert "at most 5 rows" in answer.text
    assert "validates against the schema" in answer.text


def test_inspect_and_profile_report_the_sources(ask) -> None:
    inspected = final(ask("What tables are in this data?", [SHOP]))
    assert "**order_items**" in inspected.text and "unit_price" in inspected.text
    profiled = final(ask("Profile the customers data", [SHOP], auto_approve=True))
    assert "personal data (PII)" in profiled.text and "email" in profiled.text
    assert "@example.com" not in profiled.text.replace("***@example.com", "")


def test_answer_headings_follow_the_users_language(ask) -> None:
    zh = final(ask("請設計一個從 Kafka 到 BigQuery 的即時資料管線", [SHOP], auto_approve=True))
    assert "## 需求" in zh.text and "## 架構" in zh.text and "離線規劃器" in zh.text
    ko = final(ask("Kafka에서 BigQuery로 가는 실시간 파이프라인을 설계해 주세요", [SHOP], auto_approve=True))
    assert "## 요구 사항" in ko.text and "오프라인 플래너" in ko.text


def test_what_the_planner_cannot_do_it_says_with_how_to_enable_a_model(ask) -> None:
    answer = final(ask("Write me a haiku about autumn leaves"))
    assert "cannot answer this request" in answer.text
    assert "ANTHROPIC_API_KEY" in answer.text


def test_a_product_of_columns_is_summed_along_the_joins(ask, shop_rows) -> None:
    con = duckdb.connect()
    expected = con.execute(
        f"SELECT p.category, round(sum(oi.quantity * oi.unit_price), 2) FROM read_csv('{SHOP / 'order_items.csv'}') oi"
        f" JOIN read_csv('{SHOP / 'products.csv'}') p USING (product_id)"
        f" JOIN read_csv('{SHOP / 'orders.csv'}') o USING (order_id)"
        " WHERE o.status = 'completed' GROUP BY 1 ORDER BY 2 DESC"
    ).fetchall()
    events = ask(
        "Revenue per product category from completed orders, as quantity times unit price", [SHOP], auto_approve=True
    )
    answer = final(events)
    assert "SUM(order_items.quantity * order_items.unit_price)" in answer.validated_sql[0]
    for category, revenue in expected:
        assert f"| {category} | {revenue:,.2f} |" in answer.text


def test_counts_per_calendar_month_in_a_year(ask, tmp_path: Path) -> None:
    path = tmp_path / "events.sqlite"
    db = sqlite3.connect(path)
    db.execute("CREATE TABLE signups (signup_id INTEGER PRIMARY KEY, signed_up_at TIMESTAMP, plan TEXT)")
    days = ["2024-12-30 10:00:00", "2025-01-05 09:00:00", "2025-01-20 12:00:00", "2025-03-02 08:30:00"]
    db.executemany("INSERT INTO signups (signed_up_at, plan) VALUES (?, 'free')", [(d,) for d in days])
    db.commit()
    db.close()
    answer = final(ask("How many signups per month in 2025?", [path], auto_approve=True))
    assert "STRFTIME('%Y-%m', signups.signed_up_at)" in answer.validated_sql[0]  # a month keeps its year
    assert "| 2025-01 | 2 |" in answer.text and "| 2025-03 | 1 |" in answer.text and "2024-12" not in answer.text
    folded = final(ask("How many signups per month of year?", [path], auto_approve=True))
    assert "| 12 | 1 |" in folded.text and "| 1 | 2 |" in folded.text


def test_rows_with_no_match_in_another_table(ask, shop_duckdb) -> None:
    con = duckdb.connect(str(shop_duckdb), read_only=True)
    expected = con.execute(
        "SELECT count(*) FROM customers WHERE customer_id NOT IN (SELECT customer_id FROM orders)"
    ).fetchone()[0]
    con.close()
    answer = final(ask("How many customers have never placed an order?", [shop_duckdb], auto_approve=True))
    assert "NOT customers.customer_id IN ( SELECT orders.customer_id FROM orders" in " ".join(answer.validated_sql[0].split())
    assert f"customer_count = {expected}" in answer.text
