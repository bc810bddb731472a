"""Drafted dbt projects build green with dbt-duckdb: on generated e-commerce data with nulls,
duplicates and late rows, and on a BIRD schema loaded with generated rows. One build per fixture."""

from __future__ import annotations

from pathlib import Path

import duckdb
import pytest

from tests.drafting.birddata import load_bird
from tests.drafting.conftest import dbt_build, deassist, git_repo
from tools.attribution.ledger import read_ledger


@pytest.fixture(scope="module")
def shop_project(shop_dir: Path, deassist_bin: str, tmp_path_factory: pytest.TempPathFactory):
    repo = git_repo(tmp_path_factory.mktemp("repo"))
    proc = deassist(
        deassist_bin, "draft", "dbt", str(shop_dir), "--out", "shop", "--grain", "orders", cwd=repo, home=repo / ".home"
    )
    assert proc.returncode == 0, proc.stderr
    project = repo / "shop"
    return repo, project, proc.stdout, dbt_build(project)


def test_shop_project_builds_green_with_every_kind_of_test(shop_project) -> None:
    _, project, _, results = shop_project
    assert {r["status"] for r in results} <= {"success", "pass"}
    names = {r["unique_id"].split(".")[2] for r in results}
    assert {"stg_orders", "stg_customers", "dim_customers", "dim_date", "fct_orders"} <= names
    kinds = {name.split("_stg_")[0].split("_fct_")[0] for name in names}
    assert {"unique", "not_null", "accepted_values", "relationships"} <= kinds
    assert any(n.endswith("__range") for n in names), "quality checks exported as singular tests"


def test_staging_deduplicates_to_the_latest_version(shop_project, shop_dir: Path) -> None:
    _, project, _, _ = shop_project
    raw = duckdb.connect()
    orders = raw.execute(f"SELECT count(DISTINCT order_id) FROM read_csv('{shop_dir / 'orders.csv'}')").fetchone()[0]
    latest = raw.execute(
        f"SELECT order_id, status FROM read_csv('{shop_dir / 'orders.csv'}') "
        "QUALIFY row_number() OVER (PARTITION BY order_id ORDER BY updated_at DESC) = 1"
    ).fetchall()
    with duckdb.connect(str(project / "warehouse.duckdb"), read_only=True) as built:
        assert built.execute("SELECT count(*) FROM fct_orders").fetchone()[0] == orders
        assert sorted(built.execute("SELECT order_id, status FROM stg_orders").fetchall()) == sorted(latest)
        items = built.execute("SELECT sum(order_items_count) FROM fct_orders").fetchone()[0]
        assert items == built.execute("SELECT count(*) FROM stg_order_items").fetchone()[0]
        first, last = built.execute("SELECT min(date_day), max(date_day), count(*) FROM dim_date").fetchone()[:2]
        assert built.execute("SELECT count(*) FROM dim_date").fetchone()[0] == (last - first).days + 1


def test_every_written_file_is_in_the_ledger(shop_project) -> None:
    repo, project, stdout, _ = shop_project
    written = {p.relative_to(repo).as_posix() for p in project.rglob("*") if p.is_file() and "target" not in p.parts}
    entries = read_ledger(repo)
    assert {e.agent for e in entries} == {"data-engineer"}
    drafted = {e.path for e in entries}
    assert {"shop/dbt_project.yml", "shop/models/staging/stg_orders.sql", "shop/models/marts/fct_orders.sql"} <= drafted
    assert drafted <= written
    assert "recorded for @data-engineer" in stdout


@pytest.fixture(scope="module")
def bird_project(bird: Path, deassist_bin: str, tmp_path_factory: pytest.TempPathFactory):
    work = tmp_path_factory.mktemp("bird")
    database = load_bird(bird / "student_club", work / "student_club.duckdb")
    proc = deassist(deassist_bin, "draft", "dbt", str(database), "--out", "club", cwd=work, home=work / ".home")
    assert proc.returncode == 0, proc.stderr
    return work / "club", dbt_build(work / "club")


def test_bird_schema_builds_green(bird_project) -> None:
    project, results = bird_project
    assert {r["status"] for r in results} <= {"success", "pass"}
    names = {r["unique_id"].split(".")[2] for r in results}
    # every table is staged, and the links the schema documents are tested
    assert {f"stg_{t}" for t in ("event", "member", "attendance", "budget", "expense", "income", "major", "zip_code")} <= names
    assert any(n.startswith("relationships_stg_attendance_link_to_member") for n in names)
    assert any(n.startswith("relationships_stg_member_link_to_major") for n in names)
    sources = (project / "models" / "staging" / "_sources.yml").read_text()
    assert "database: src1" in sources
