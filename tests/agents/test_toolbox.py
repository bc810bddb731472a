"""The agents' tools over real sources: what they return, and errors an agent can read and repair."""

from __future__ import annotations

from pathlib import Path

import duckdb
import pytest

from assistant.toolbox import ToolContext, call_tool, toolbox
from tests.conftest import SHOP
from tools.catalog import load_catalog


@pytest.fixture(scope="module")
def context() -> ToolContext:
    ctx = ToolContext(load_catalog([str(SHOP)]), Path.cwd(), agents=["data-engineer"])
    yield ctx
    ctx.close()


def call(context: ToolContext, name: str, **arguments):  # noqa: ANN003, ANN201
    return call_tool(toolbox()[name], context, arguments)


def test_every_tool_has_a_spec_and_only_tools_that_read_data_or_write_files_need_approval() -> None:
    tools = toolbox()
    assert {name for name, tool in tools.items() if tool.approval} == {
        "profile",
        "run_sql",
        "draft_dbt_project",
        "draft_pipeline",
        "run_pipeline",
        "check_quality",
        "remember",  # writes the project's memory file
    }
    for tool in tools.values():
        assert tool.spec.input_schema["type"] == "object" and tool.spec.description
        assert (tool.describe is not None) == (tool.approval is not None)


def test_inspect_lists_then_describes(context: ToolContext) -> None:
    listed = call(context, "inspect").data
    assert listed["total"] == 4 and {t["name"] for t in listed["tables"]} == {
        "customers",
        "orders",
        "order_items",
        "products",
    }
    described = call(context, "inspect", tables=["orders"]).data["tables"][0]
    assert [c["name"] for c in described["columns"]] == ["order_id", "customer_id", "ordered_at", "status", "amount"]


def test_an_unknown_table_is_an_error_with_the_closest_names(context: ToolContext) -> None:
    output = call(context, "inspect", tables=["order"])
    assert output.is_error and "did you mean orders" in output.data


def test_validate_reports_diagnostics_and_run_refuses_invalid_sql(context: ToolContext) -> None:
    report = call(context, "validate_sql", sql="SELECT nmae FROM customers")
    assert report.is_error and report.data["diagnostics"][0]["suggestion"] == "did you mean name?"
    refused = call(context, "run_sql", sql="SELECT nmae FROM customers")
    assert refused.is_error and refused.data["ran"] is False
    ran = call(context, "run_sql", sql="SELECT count(*) AS n FROM orders")
    assert ran.data["rows"] == [[300]]


def test_run_refuses_writes_with_the_reason(context: ToolContext) -> None:
    output = call(context, "run_sql", sql="DELETE FROM orders")
    assert output.is_error and output.data.startswith("DEA-SQL-REFUSED:") and "DELETE" in output.data


def test_search_finds_columns_by_name(context: ToolContext) -> None:
    matches = call(context, "search_catalog", query="unit price").data["matches"]
    assert {m["table"] for m in matches} == {"order_items", "products"}
    assert all(m["columns"] == ["unit_price"] for m in matches)


def test_describe_sql_reads_the_parts(context: ToolContext) -> None:
    parts = call(context, "describe_sql", sql=(SHOP.parent / "top_customers.sql").read_text()).data["statements"][0]
    assert parts["tables"] == ["customers", "orders"] and parts["limit"] == "5"
    assert parts["group_by"] == ["c.name", "c.country"] and parts["aggregates"] == ["COUNT(*)", "SUM(o.amount)"]


def test_describe_sql_reads_deep_nesting_and_refuses_what_duckdb_would() -> None:
    from tools.catalog.model import Catalog
    from tools.sql.depth import MAX_NESTING

    ctx = ToolContext(Catalog(), Path.cwd())
    deep = call(ctx, "describe_sql", sql="SELECT " + "(" * 300 + "1" + ")" * 300 + " AS x")
    assert not deep.is_error and deep.data["statements"][0]["columns"] == ["(" * 300 + "1" + ")" * 300 + " AS x"]
    levels = MAX_NESTING + 1
    refused = call(ctx, "describe_sql", sql="SELECT " + "(" * levels + "1" + ")" * levels)
    assert refused.is_error and refused.data.startswith(f"DEA-SQL-TOO-DEEP: the SQL is nested {levels} levels deep")
    ctx.close()


def test_without_sources_only_syntax_is_judged(tmp_path: Path) -> None:
    from tools.catalog.model import Catalog

    empty = ToolContext(Catalog(), tmp_path)
    assert call(empty, "validate_sql", sql="SELECT a FROM somewhere").data["valid"]
    assert not call(empty, "validate_sql", sql="SELECT FROM WHERE (").data["valid"]
    empty.close()


def test_a_thousand_tables_list_in_pages(tmp_path: Path) -> None:
    path = tmp_path / "big.duckdb"
    con = duckdb.connect(str(path))
    for i in range(1000):
        con.execute(f"CREATE TABLE t{i:04d} (id INTEGER)")
    con.close()
    ctx = ToolContext(load_catalog([str(path)]), tmp_path)
    listed = call(ctx, "inspect").data
    assert listed["total"] == 1000 and len(listed["tables"]) == 100 and "900 more" in listed["note"]
    ctx.close()


def test_a_wide_tables_brief_shows_its_keys_and_the_columns_the_request_names(tmp_path: Path) -> None:
    from tools.catalog.relevance import schema_brief

    path = tmp_path / "wide.duckdb"
    con = duckdb.connect(str(path))
    columns = ", ".join(f"attr_{i:03d} INTEGER" for i in range(200))
    con.execute(f"CREATE TABLE readings ({columns}, sensor_id INTEGER PRIMARY KEY, humidity DOUBLE)")
    con.close()
    catalog = load_catalog([str(path)])
    brief = schema_brief(catalog, catalog.tables, "average humidity per sensor")
    listed = brief.splitlines()[1]
    assert listed.startswith("  columns: sensor_id INTEGER, humidity DOUBLE, attr_000")
    assert "attr_030" not in brief and "178 more columns" in brief
