"""Awkward sources and unsafe targets: no key candidate, names SQL reserves, an existing output
directory, paths leaving the target, sources drafting cannot read. Clear behaviour, nothing lost."""

from __future__ import annotations

import csv
import hashlib
import sqlite3
from pathlib import Path

import pytest

from tests.drafting.conftest import dbt_build, deassist
from tools.drafting import draft_pipeline_project, run_pipeline, write_files
from tools.errors import DeassistError


@pytest.fixture(scope="module")
def awkward(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """`order.csv` whose columns are SQL keywords, and `events.csv` with no key candidate at all."""
    folder = tmp_path_factory.mktemp("awkward") / "raw"
    folder.mkdir()
    with (folder / "order.csv").open("w", newline="") as out:
        writer = csv.writer(out)
        writer.writerow(["Order ID", "group", "select", "from", "Order Date"])
        for i in range(1, 41):
            writer.writerow([i, f"g{i % 3}", i * 1.5, "web" if i % 2 else "shop", f"2025-05-{1 + i % 20:02d}"])
    with (folder / "events.csv").open("w", newline="") as out:
        writer = csv.writer(out)
        writer.writerow(["kind", "level"])
        for i in range(30):
            writer.writerow([["click", "view", "buy"][i % 3], i % 4])  # every pair repeats: no key
    return folder


@pytest.fixture(scope="module")
def awkward_project(awkward: Path, deassist_bin: str, tmp_path_factory: pytest.TempPathFactory):
    work = tmp_path_factory.mktemp("awkward-dbt")
    proc = deassist(deassist_bin, "draft", "dbt", str(awkward), "--out", "proj", cwd=work, home=work / ".home")
    assert proc.returncode == 0, proc.stderr
    return work / "proj", proc.stdout, dbt_build(work / "proj")


def test_keyword_names_are_renamed_and_the_project_builds(awkward_project) -> None:
    project, _, results = awkward_project
    assert {r["status"] for r in results} <= {"success", "pass"}
    staged = (project / "models" / "staging" / "stg_order.sql").read_text()
    assert 'cast("group" as VARCHAR) as "order_group"' in staged
    assert 'as "order_select"' in staged and 'as "order_from"' in staged and 'as "order_id"' in staged
    assert 'as "order_date"' in staged


def test_a_table_without_key_candidates_is_deduplicated_as_whole_rows(awkward_project) -> None:
    project, stdout, results = awkward_project
    assert "note: events: no key candidate" in stdout
    staged = (project / "models" / "staging" / "stg_events.sql").read_text()
    assert "select distinct * from typed" in staged
    assert not any(r["unique_id"].startswith("test.proj.unique_stg_events") for r in results)


def test_a_keyless_table_loads_idempotently_in_the_pipeline(awkward: Path, tmp_path: Path) -> None:
    out = tmp_path / "pipe"
    draft_pipeline_project([str(awkward)], out)
    assert run_pipeline(out).changed > 0
    assert run_pipeline(out).changed == 0
    with pytest.raises(DeassistError) as raised:
        run_pipeline(out, steps=["silver_nothing"])
    assert raised.value.code == "DEA-PIPELINE-STEP" and "silver_events" in raised.value.message


def test_a_target_that_is_a_file_is_refused(tmp_path: Path) -> None:
    target = tmp_path / "out"
    target.write_text("not a directory\n")
    with pytest.raises(DeassistError) as raised:
        write_files(target, {"a.sql": "select 1"}, force=True)
    assert raised.value.code == "DEA-DRAFT-TARGET"
    assert target.read_text() == "not a directory\n"


def _digest(folder: Path) -> dict[str, str]:
    return {str(p.relative_to(folder)): hashlib.sha256(p.read_bytes()).hexdigest() for p in folder.rglob("*") if p.is_file()}


def test_an_existing_output_directory_is_left_alone_without_force(awkward: Path, run_cli, tmp_path: Path) -> None:
    out = tmp_path / "proj"
    out.mkdir()
    (out / "dbt_project.yml").write_text("name: mine\n")
    (out / "notes.md").write_text("keep me\n")
    before = _digest(out)
    result = run_cli("draft", "dbt", str(awkward), "--out", str(out))
    assert result.code == 2
    assert result.err.strip().startswith("error DEA-DRAFT-EXISTS:") and result.err.count("\n") == 1
    assert _digest(out) == before
    forced = run_cli("draft", "dbt", str(awkward), "--out", str(out), "--force")
    assert forced.code == 0, forced.err
    assert (out / "notes.md").read_text() == "keep me\n"
    assert "name: mine" not in (out / "dbt_project.yml").read_text()


@pytest.mark.parametrize("path", ["../escape.sql", "/tmp/absolute.sql", "models/../../escape.sql"])
def test_paths_outside_the_target_are_refused_before_anything_is_written(tmp_path: Path, path: str) -> None:
    out = tmp_path / "out"
    with pytest.raises(DeassistError) as raised:
        write_files(out, {"models/ok.sql": "select 1", path: "select 2"})
    assert raised.value.code == "DEA-DRAFT-OUTSIDE"
    assert not out.exists() and not (tmp_path / "escape.sql").exists()


def test_a_symlink_out_of_the_target_is_refused(tmp_path: Path) -> None:
    out = tmp_path / "out"
    out.mkdir()
    (out / "link").symlink_to(tmp_path)
    with pytest.raises(DeassistError) as raised:
        write_files(out, {"link/escape.sql": "select 1"}, force=True)
    assert raised.value.code == "DEA-DRAFT-OUTSIDE"


def test_sources_drafting_cannot_read_and_unknown_grains_are_usage_errors(awkward: Path, run_cli, tmp_path: Path) -> None:
    db = tmp_path / "club.sqlite"
    with sqlite3.connect(db) as conn:
        conn.execute("CREATE TABLE member (member_id TEXT, name TEXT)")
        conn.execute("INSERT INTO member VALUES ('m1', 'Ada')")
    result = run_cli("draft", "pipeline", str(db), "--out", str(tmp_path / "p"))
    assert (result.code, result.err.split(":")[0]) == (2, "error DEA-DRAFT-SOURCE")
    result = run_cli("draft", "dbt", str(awkward), "--out", str(tmp_path / "d"), "--grain", "invoices")
    assert (result.code, result.err.split(":")[0]) == (2, "error DEA-DRAFT-GRAIN")
    assert not (tmp_path / "d").exists() and not (tmp_path / "p").exists()
    result = run_cli("pipeline", "run", str(tmp_path))
    assert (result.code, result.err.split(":")[0]) == (2, "error DEA-PIPELINE-MISSING")
    result = run_cli("draft", "dbt", str(awkward))
    assert result.code == 2 and "--out" in result.err
