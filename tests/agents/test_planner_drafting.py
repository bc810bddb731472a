"""The offline planner drafts through the drafting tools, on a schema generated here (a lending library)."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest

from assistant.planner.draft import drafting_tool, grain_table
from assistant.planner.tables import named_tables
from tools.attribution.message import fit_header
from tests.agents.conftest import final

LIBRARY = ["members", "books", "loans"]


@pytest.fixture
def library(tmp_path: Path) -> Path:
    folder = tmp_path / "library"
    folder.mkdir()
    (folder / "members.csv").write_text(
        "member_id,full_name,joined_on\n" + "".join(f"{i},Member {i},2024-01-{i:02d}\n" for i in range(1, 9))
    )
    (folder / "books.csv").write_text(
        "book_id,title,genre\n" + "".join(f"{i},Book {i},{'poetry' if i % 2 else 'crime'}\n" for i in range(1, 7))
    )
    rows = [f"{i},{i % 8 + 1},{i % 6 + 1},2024-02-{i % 27 + 1:02d}\n" for i in range(1, 41)]
    rows.append("40,3,2,2024-02-11\n")  # a duplicated loan id, for the uniqueness check to catch
    (folder / "loans.csv").write_text("loan_id,member_id,book_id,borrowed_on\n" + "".join(rows))
    return folder


def test_the_tool_is_read_from_what_the_request_asks_to_make() -> None:
    assert drafting_tool("Scaffold dbt models for these files") == "draft_dbt_project"
    assert drafting_tool("Write me a bronze/silver/gold pipeline over this") == "draft_pipeline"
    assert drafting_tool("Please run the data quality checks on loans") == "check_quality"
    assert drafting_tool("Design a medallion pipeline for the loans") is None  # a design, not a draft
    assert drafting_tool("How many loans per member?") is None


def test_tables_and_the_grain_are_read_from_prose() -> None:
    tables = ["line_entries", "lines", "stores"]
    assert named_tables("totals per line entry for each store", tables) == ["line_entries", "stores"]
    assert grain_table("a fact with one row per line entry", tables) == "line_entries"
    assert grain_table("a mart at the store grain", tables) == "stores"
    assert grain_table("a mart with daily totals", tables) is None


def test_a_long_description_is_cut_at_a_word_so_the_header_fits() -> None:
    agents = ["data-engineer", "business-intelligence-developer", "security-auditor"]
    scope, text = fit_header("feat", "warehouse", "add the lending library models for members books and loans", agents, 100)
    header = f"feat({scope}): {text} - " + " ".join(f"@{a}" for a in agents) if scope else ""
    assert scope == "warehouse" and len(header) <= 100 and text.startswith("add the lending")
    scope, text = fit_header("feat", "a-very-long-scope-name-for-this", "add models", agents * 1, 80)
    assert scope is None and text  # the scope gives way before the description does


def test_a_dbt_project_is_drafted_with_its_grain_and_a_commit_message(ask, library: Path, tmp_path: Path) -> None:
    from tools.attribution import check_message, load_config

    work = tmp_path / "work"
    work.mkdir()
    subprocess.run(["git", "init", "-q", str(work)], check=True)
    events = ask(
        "Scaffold dbt models over these files with a fact at one row per loan, and write the commit message.",
        [library],
        auto_approve=True,
        workdir=work,
    )
    answer = final(events)
    assert list(work.glob("**/dbt_project.yml")) and list(work.glob("**/models/marts/fct_loans.sql"))
    assert "fct_loans" in answer.text
    assert answer.commit_message and answer.commit_message.startswith("feat(dbt): add staging and marts for 3 tables - @")
    assert check_message(answer.commit_message, load_config(work)).ok


def test_a_drafted_model_is_shown_for_the_table_the_request_names(ask, library: Path) -> None:
    answer = final(ask("Generate a dbt staging model for books and show me its SQL", [library], auto_approve=True))
    assert "stg_books.sql" in answer.text and "source('raw', 'books')" in answer.text and "cast(" in answer.text
    assert "stg_loans.sql`:" not in answer.text  # only the named table's files are shown in full


def test_quality_checks_report_what_fails(ask, library: Path) -> None:
    answer = final(ask("Run data quality checks on loans and tell me what fails", [library], auto_approve=True))
    assert "loans.loan_id" in answer.text and "uniqueness" in answer.text
    assert "members." not in answer.text  # only the table asked about


def test_drafting_without_approval_does_not_write(ask, library: Path, tmp_path: Path) -> None:
    work = tmp_path / "w"
    work.mkdir()
    answer = final(ask("Scaffold dbt models for these files", [library], workdir=work))
    assert not list(work.glob("**/dbt_project.yml"))
    assert "declined" in answer.text


def test_prose_that_starts_like_sql_is_not_taken_for_sql() -> None:
    from assistant.planner.sql_requests import given_sql

    assert given_sql("Draft models with a mart at the member grain (one row per member), and a date table") is None
    assert given_sql("a staging model that must select from the raw layer with the ref() macro") is None
    assert given_sql("Is this right? SELECT titel FROM books") == "SELECT titel FROM books"
    assert given_sql("check select genre, count(*) from books group by genre") == "select genre, count(*) from books group by genre"


def test_a_drafted_part_the_request_names_is_shown(ask, library: Path) -> None:
    answer = final(ask("Write an Airflow DAG that loads these files through bronze and silver", [library], auto_approve=True))
    assert "dags/" in answer.text and "```python" in answer.text and "@dag" in answer.text


def test_unfenced_sql_stops_where_the_prose_starts() -> None:
    from assistant.planner.sql_requests import given_sql

    assert given_sql("Please run UPDATE books SET genre = 'x' on the server tonight.") == "UPDATE books SET genre = 'x'"
    assert given_sql("Write CREATE TABLE statements for the MySQL dialect, keys included") is None


def test_sql_shown_in_a_text_fence_is_checked_too() -> None:
    from assistant.graph.sqlcheck import fenced_sql

    text = "Not valid:\n```text\nSELECT a\nFROM t\n```\nand a note:\n```text\nnothing to run\n```"
    assert fenced_sql(text) == [("SELECT a\nFROM t", None)]
