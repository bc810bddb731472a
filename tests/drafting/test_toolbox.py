"""The agents' drafting tools call the same functions as the CLI: approval-gated writes inside the
work directory, recorded in the ledger and in the session's list of written files."""

from __future__ import annotations

from pathlib import Path

from assistant.toolbox import ToolContext, call_tool, toolbox
from tests.drafting.conftest import git_repo
from tools.attribution.ledger import read_ledger
from tools.catalog import load_catalog


def test_drafting_tools_write_inside_the_workdir_after_approval(shop_dir: Path, tmp_path: Path) -> None:
    repo = git_repo(tmp_path / "repo")
    tools = toolbox()
    assert {tools[n].approval for n in ("draft_dbt_project", "draft_pipeline")} == {"write_file"}
    assert tools["check_quality"].approval == "run_sql"
    context = ToolContext(load_catalog([str(shop_dir)]), repo)
    summary, _ = tools["draft_pipeline"].describe(context, {"out": "pipe"})
    assert summary.startswith("write a medallion pipeline to") and "replaced" not in summary
    output = call_tool(tools["draft_pipeline"], context, {"out": "pipe", "grain": "orders"})
    assert not output.is_error, output.content
    assert "pipe/pipeline.json" in context.written
    assert {e.path for e in read_ledger(repo)} >= {"pipe/pipeline.json", "pipe/sql/setup.sql"}
    assert "replaced" in tools["draft_pipeline"].describe(context, {"out": "pipe"})[0]
    ran = call_tool(tools["run_pipeline"], context, {"directory": "pipe"})
    assert not ran.is_error and ran.data["changed"] > 0
    assert "inside the work directory" in tools["draft_dbt_project"].describe(context, {"out": "../elsewhere"})[0]
    outside = call_tool(tools["draft_dbt_project"], context, {"out": "../elsewhere"})
    assert outside.is_error and "inside the work directory" in outside.content
    assert not (tmp_path / "elsewhere").exists()
