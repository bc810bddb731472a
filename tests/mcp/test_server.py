"""`deassist mcp` end to end: the installed console script served over stdio and HTTP, driven by the SDK's own client."""

from __future__ import annotations

import asyncio
import json
import os
import socket
import subprocess
import time
from collections.abc import Iterator
from pathlib import Path

import mcp_types as types
import pytest
from mcp import Client
from mcp.client.stdio import StdioServerParameters

from tests.conftest import SHOP


def stdio(deassist_bin: str, workdir: Path, *flags: str, sources: tuple[str, ...] = (str(SHOP),)) -> StdioServerParameters:
    data = [arg for source in sources for arg in ("--data", source)]
    env = {"DEASSIST_HOME": str(workdir / "home"), "PATH": os.environ["PATH"]}
    return StdioServerParameters(command=deassist_bin, args=["mcp", *data, *flags], cwd=workdir, env=env)


def answering(approve: bool):  # type: ignore[no-untyped-def]
    """An elicitation callback that answers every approval question with `approve`, and records the questions."""
    asked: list[str] = []

    async def callback(context, params) -> types.ElicitResult:  # type: ignore[no-untyped-def]
        asked.append(params.message)
        return types.ElicitResult(action="accept", content={"approve": approve})

    callback.asked = asked  # type: ignore[attr-defined]
    return callback


def data(result: types.CallToolResult) -> dict:
    return json.loads(result.content[0].text)


async def test_read_only_tools_are_offered_and_run_and_write_tools_are_not(deassist_bin: str, tmp_path: Path):
    async with Client(stdio(deassist_bin, tmp_path)) as client:
        names = {tool.name for tool in (await client.list_tools()).tools}
        refused = await client.call_tool("run_sql", {"sql": "SELECT 1"})
        drafted = await client.call_tool("draft_dbt_project", {"out": "dbt"})
    assert {"inspect", "validate_sql", "transpile_sql", "describe_sql", "check_commit_message", "recall"} <= names
    assert not names & {"run_sql", "profile", "check_quality", "draft_dbt_project", "draft_pipeline", "remember"}
    assert refused.is_error and refused.content[0].text.startswith("DEA-MCP-NOT-ALLOWED: run_sql")
    assert drafted.is_error and "--allow-write" in drafted.content[0].text
    assert not (tmp_path / "dbt").exists()


async def test_bad_sql_gets_diagnostics_with_line_column_and_suggestion(deassist_bin: str, tmp_path: Path):
    async with Client(stdio(deassist_bin, tmp_path)) as client:
        result = await client.call_tool("validate_sql", {"sql": "SELECT customer_id,\n       nmae FROM customers"})
    [diagnostic] = data(result)["diagnostics"]
    assert result.is_error
    assert diagnostic["code"] == "DEA-SQL-UNKNOWN-COLUMN"
    assert (diagnostic["line"], diagnostic["column"]) == (2, 8) and "name" in diagnostic["suggestion"]


async def test_a_bad_argument_is_a_tool_error_and_the_server_keeps_serving(deassist_bin: str, tmp_path: Path):
    async with Client(stdio(deassist_bin, tmp_path)) as client:
        missing = await client.call_tool("validate_sql", {})
        unknown = await client.call_tool("no_such_tool", {"sql": "SELECT 1"})
        after = await client.call_tool("validate_sql", {"sql": "SELECT name FROM customers"})
    assert missing.is_error and "sql" in missing.content[0].text
    assert unknown.is_error and unknown.content[0].text.startswith("DEA-MCP-UNKNOWN")
    assert not after.is_error and data(after)["valid"] is True


async def test_run_sql_with_allow_run_masks_personal_data_and_asks_through_elicitation(deassist_bin: str, tmp_path: Path):
    yes = answering(True)
    async with Client(stdio(deassist_bin, tmp_path, "--allow-run"), elicitation_callback=yes) as client:
        result = await client.call_tool("run_sql", {"sql": "SELECT c.name AS who, email FROM customers c LIMIT 3"})
    rows = data(result)["rows"]
    assert not result.is_error and len(rows) == 3
    assert all(who.endswith("***") and "***@" in email for who, email in rows)
    assert len(yes.asked) == 1 and "customers.csv" in yes.asked[0]


@pytest.mark.parametrize("mode", ["auto", "legacy"])
async def test_a_declined_elicitation_runs_nothing(deassist_bin: str, tmp_path: Path, mode: str):
    no = answering(False)
    async with Client(stdio(deassist_bin, tmp_path, "--allow-run"), elicitation_callback=no, mode=mode) as client:
        result = await client.call_tool("run_sql", {"sql": "SELECT count(*) FROM orders"})
    assert result.is_error and result.content[0].text.startswith("DEA-MCP-DECLINED")
    assert len(no.asked) == 1


async def test_without_elicitation_the_flag_is_the_approval(deassist_bin: str, tmp_path: Path):
    async with Client(stdio(deassist_bin, tmp_path, "--allow-run")) as client:
        result = await client.call_tool("run_sql", {"sql": "SELECT count(*) AS n FROM orders"})
    assert not result.is_error and data(result)["rows"] == [[300]]


async def test_tables_are_resources_and_personas_are_prompts_in_every_language(deassist_bin: str, tmp_path: Path):
    async with Client(stdio(deassist_bin, tmp_path)) as client:
        uris = {str(r.uri) for r in (await client.list_resources()).resources}
        table = json.loads((await client.read_resource("deassist://tables/customers")).contents[0].text)
        prompts = {p.name for p in (await client.list_prompts()).prompts}
        zh = await client.get_prompt("data-engineer.zh-TW")
    assert {"deassist://tables/customers", "deassist://tables/orders", "deassist://memory"} <= uris
    assert [c["name"] for c in table["table"]["columns"]][:2] == ["customer_id", "name"]
    assert "--allow-run" in table["profile"]  # no data was read without the flag
    assert {"data-engineer", "data-engineer.zh-TW", "data-engineer.ko", "security-auditor"} <= prompts
    assert "資料工程師" in zh.messages[0].content.text


async def test_a_drafted_dbt_project_builds(deassist_bin: str, tmp_path: Path):
    async with Client(stdio(deassist_bin, tmp_path, "--allow-write")) as client:
        result = await client.call_tool("draft_dbt_project", {"out": "shop_dbt"})
    assert not result.is_error, result.content[0].text
    project = tmp_path / "shop_dbt"
    build = subprocess.run(
        [str(Path(deassist_bin).with_name("dbt")), "build", "--profiles-dir", "."],
        cwd=project, capture_output=True, text=True, timeout=300,
    )
    assert build.returncode == 0, build.stdout[-2000:]


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture
def http_server(deassist_bin: str, tmp_path: Path) -> Iterator[str]:
    port = _free_port()
    proc = subprocess.Popen(
        [deassist_bin, "mcp", "--data", str(SHOP), "--http", f"127.0.0.1:{port}"],
        cwd=tmp_path, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True,
        env={**os.environ, "DEASSIST_HOME": str(tmp_path / "home")},
    )
    deadline = time.monotonic() + 120  # only stops a hung start, not a speed check
    while True:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=1).close()
            break
        except OSError:
            if proc.poll() is not None or time.monotonic() > deadline:
                proc.kill()
                raise AssertionError(f"the HTTP server did not start: {proc.stderr.read() if proc.stderr else ''}")
            time.sleep(0.1)
    try:
        yield f"http://127.0.0.1:{port}/mcp"
    finally:
        proc.terminate()
        proc.wait(timeout=30)


async def test_eight_http_clients_at_once_get_their_own_answers(http_server: str):
    columns = ["name", "email", "nmae", "country", "emial", "customer_id", "created_at", "contry"]

    async def one(column: str) -> tuple[str, dict]:
        async with Client(http_server) as client:
            return column, data(await client.call_tool("validate_sql", {"sql": f"SELECT {column} FROM customers"}))

    answers = dict(await asyncio.gather(*(one(column) for column in columns)))
    known = {c: answers[c]["valid"] for c in columns}
    assert known == {c: c in {"name", "email", "country", "customer_id", "created_at"} for c in columns}
    for column in ("nmae", "emial", "contry"):
        assert f'"{column}"' in answers[column]["diagnostics"][0]["message"]
