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
    summary, _ = tools["draft_pipeline"].describe(context, {"out": "pipe", "grain": "orders"})
    assert summary.startswith("write a medallion pipeline to") and summary.endswith(" new")
    planned = tools["draft_pipeline"].changes(context, {"out": "pipe", "grain": "orders"})
    assert {c.action for c in planned} == {"create"} and "pipe/sql/setup.sql" in {c.path for c in planned}
    assert all(c.added > 0 and c.removed == 0 and c.diff.startswith("--- /dev/null") for c in planned)
    output = call_tool(tools["draft_pipeline"], context, {"out": "pipe", "grain": "orders"})
    assert not output.is_error, output.content
    assert "pipe/pipeline.json" in context.written
    assert {e.path for e in read_ledger(repo)} >= {"pipe/pipeline.json", "pipe/sql/setup.sql"}
    assert {c.path for c in planned} == set(context.written)
    assert tools["draft_pipeline"].describe(context, {"out": "pipe", "grain": "orders"})[0].endswith("no file changes")
    ran = call_tool(tools["run_pipeline"], context, {"directory": "pipe"})
    assert not ran.is_error and ran.data["changed"] > 0
    assert "inside the work directory" in tools["draft_dbt_project"].describe(context, {"out": "../elsewhere"})[0]
    outside = call_tool(tools["draft_dbt_project"], context, {"out": "../elsewhere"})
    assert outside.is_error and "inside the work directory" in outside.content
    assert not (tmp_path / "elsewhere").exists()


def test_a_redraft_keeps_the_users_edit_and_writes_the_new_version_beside_it(shop_dir: Path, tmp_path: Path) -> None:
    repo = git_repo(tmp_path / "repo")
    tools = toolbox()
    context = ToolContext(load_catalog([str(shop_dir)]), repo)
    assert not call_tool(tools["draft_dbt_project"], context, {"out": "dbt", "grain": "orders"}).is_error
    edited = repo / "dbt" / "models" / "staging" / "stg_orders.sql"
    mine = edited.read_text() + "-- reviewed by hand\n"
    edited.write_text(mine)
    (repo / "dbt" / "models" / "marts" / "fct_customers.sql").write_text("select 1 as mine\n")  # not deassist's
    arguments = {"out": "dbt", "grain": "customers"}
    planned = {c.path: c for c in tools["draft_dbt_project"].changes(context, arguments)}
    kept = planned["dbt/models/staging/stg_orders.sql.deassist-new"]
    assert (kept.action, kept.added, kept.removed, kept.note) == ("beside", 0, 1, "changed since deassist wrote it")
    assert "-- reviewed by hand" in kept.diff
    assert planned["dbt/models/marts/fct_customers.sql.deassist-new"].note == "deassist did not write it"
    assert planned["dbt/models/marts/_marts.yml"].action == "update"  # deassist's own, unchanged since: replaced
    assert "dbt/models/staging/stg_customers.sql" not in planned  # the same text again: not a change
    output = call_tool(tools["draft_dbt_project"], context, arguments)
    assert not output.is_error, output.content
    assert edited.read_text() == mine
    assert (repo / "dbt" / "models" / "marts" / "fct_customers.sql").read_text() == "select 1 as mine\n"
    assert "-- reviewed by hand" not in (repo / "dbt/models/staging/stg_orders.sql.deassist-new").read_text()
    assert {k["file"] for k in output.data["kept"]} == {"dbt/models/staging/stg_orders.sql", "dbt/models/marts/fct_customers.sql"}
    assert set(output.data["files"]) == set(planned)
    assert "customers" in (repo / "dbt/models/marts/_marts.yml").read_text()
