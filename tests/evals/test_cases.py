"""The shipped cases load, use known fixtures, and every gold query runs and returns rows."""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import pytest

from evals import cases as c
from evals.fixtures import materialize, tables_of
from evals.graders import GradeContext, grade_sql
from evals.observation import Observation
from tools.errors import DeassistError

CASES = c.load_cases()
REQUIRED = {"schema_inspection", "profiling", "analytics_ecommerce", "analytics_clickstream", "sql_repair",
            "transpilation", "dbt_drafting", "quality_checks", "pipeline_design", "routing", "attribution", "unsafe"}


@pytest.fixture(scope="module")
def fixture_root(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("fixtures")


def test_the_suite_covers_every_category_with_at_least_sixty_cases() -> None:
    counts = Counter(case.category for case in CASES)
    assert len(CASES) >= 60
    assert REQUIRED <= set(counts), REQUIRED - set(counts)
    assert min(counts.values()) >= 5, counts


@pytest.mark.parametrize("case", [k for k in CASES if k.expect.sql], ids=lambda k: k.id)
def test_gold_sql_runs_and_grades_itself_as_right(case: c.EvalCase, fixture_root: Path) -> None:
    sources = {name: materialize(name, fixture_root) for name in case.fixtures}
    expect = case.expect.sql
    gold_as_answer = Observation(workdir=fixture_root, text=f"```sql\n{expect.gold}\n```", finished=True)
    as_engine = c.SqlMatch(gold=expect.gold, tolerance=expect.tolerance)
    result = grade_sql(as_engine, gold_as_answer, GradeContext(sources=sources))
    assert result.passed, result.why

    from tools.catalog import load_catalog
    from tools.sql import run_query

    rows = run_query(expect.gold, load_catalog([str(next(iter(sources.values())))]), limit=10).rows
    assert rows and any(v not in (None, 0) for v in rows[0]), f"{case.id}: the gold query returns nothing to compare"


def test_the_held_out_cases_cover_three_new_domains_two_more_languages_and_declines() -> None:
    from assistant.language import detect_language

    held_out = [k for k in CASES if k.category.startswith("heldout_")]
    assert len(held_out) >= 80
    assert {k.fixtures[0].partition(".")[0] for k in held_out} == {"rides", "support", "library"}
    assert sum(detect_language(k.request) in ("zh-TW", "ko") for k in held_out) >= 15
    declined = [k for k in held_out if k.expect.outcome == "declined"]
    assert len(declined) >= 5 and all(not k.expect.kinds() for k in declined)


def test_fixtures_are_seeded(tmp_path: Path) -> None:
    first = [(t.name, t.rows[:20], len(t.rows)) for t in tables_of("ecommerce")]
    assert first == [(t.name, t.rows[:20], len(t.rows)) for t in tables_of("ecommerce")]
    dirty = {t.name: t for t in tables_of("ecommerce_dirty")}
    assert sum(1 for r in dirty["customers"].rows if r[3] is None) == 12
    assert sum(1 for r in dirty["order_items"].rows if r[3] <= 0) == 4


PLANTED = [
    ("rides", "SELECT COUNT(*) FROM trips WHERE fare < 0", 4),
    ("rides", "SELECT COUNT(*) - COUNT(DISTINCT trip_id) FROM trips", 3),
    ("rides", "SELECT COUNT(*) FROM trips WHERE rider_id NOT IN (SELECT rider_id FROM riders)", 5),
    ("rides", "SELECT COUNT(*) FROM riders WHERE email IS NULL", 6),
    ("rides", "SELECT COUNT(*) FROM trips WHERE payment_method = 'Credit_Card'", 7),
    ("support", "SELECT COUNT(*) FROM tickets WHERE agent_id IS NULL", 14),
    ("support", "SELECT COUNT(*) FROM tickets WHERE resolved_at < created_at", 3),
    ("support", "SELECT COUNT(*) FROM tickets WHERE priority = 'High'", 9),
    ("library", "SELECT COUNT(*) FROM fines WHERE amount < 0", 5),
    ("library", "SELECT COUNT(*) - COUNT(DISTINCT member_id) FROM members", 2),
    ("library", "SELECT COUNT(*) FROM loans WHERE book_id NOT IN (SELECT book_id FROM books)", 4),
    ("library", "SELECT COUNT(*) FROM books WHERE genre = 'Mystery'", 6),
]


@pytest.mark.parametrize(("base", "sql", "count"), PLANTED, ids=[f"{b}:{s[:40]}" for b, s, _ in PLANTED])
def test_the_held_out_domains_carry_their_planted_defects(fixture_root: Path, base: str, sql: str, count: int) -> None:
    from tools.catalog import load_catalog
    from tools.sql import run_query

    assert run_query(sql, load_catalog([str(materialize(base, fixture_root))])).rows == [(count,)]


@pytest.mark.parametrize(("base", "table", "column"), [("rides", "trips", "requested_at"), ("support", "tickets", "created_at"),
                                                       ("library", "loans", "loaned_on")])
def test_the_held_out_domains_span_more_than_a_year(fixture_root: Path, base: str, table: str, column: str) -> None:
    from tools.catalog import load_catalog
    from tools.sql import run_query

    sql = f"SELECT date_diff('day', MIN({column}), MAX({column})) FROM {table}"
    assert run_query(sql, load_catalog([str(materialize(f"{base}.duckdb", fixture_root))])).rows[0][0] > 366


def test_every_fixture_format_loads_as_the_same_tables(tmp_path: Path) -> None:
    from tools.catalog import load_catalog

    for fmt in ("", ".duckdb", ".sqlite"):
        catalog = load_catalog([str(materialize(f"clickstream{fmt}", tmp_path))])
        assert sorted(t.name for t in catalog.tables) == ["events", "pages", "sessions"]


def test_an_unknown_fixture_is_a_clear_error(tmp_path: Path) -> None:
    with pytest.raises(DeassistError, match="unknown fixture 'warehouse'"):
        materialize("warehouse", tmp_path)


def test_every_case_names_known_fixtures(tmp_path: Path) -> None:
    known = {"shop", "ecommerce", "ecommerce_dirty", "clickstream", "rides", "support", "library"}
    for case in CASES:
        for name in case.fixtures:
            base, _, fmt = name.partition(".")
            assert base in known and fmt in ("", "duckdb", "sqlite"), (case.id, name)


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("cases: [{id: a, request: r}]", "'expect' must name at least one of"),
        ("cases: [{id: a, request: r, expect: {sqll: {}}}]", "unknown field 'sqll'"),
        ("cases: [{id: a, request: r, expect: {sql: {}}}]", "missing 1 required positional argument: 'gold'"),
        ("cases: [{id: a, request: r, expect: {content: {contains: [x]}}}, {id: a, request: r, expect: {limits: {}}}]",
         "case id 'a' is already used"),
        ("cases: [{request: r, expect: {limits: {}}}]", "'id' must be a non-empty string"),
        ("cases: {id: a}", "expected a mapping with 'category' and a list 'cases'"),
        ("cases: [a: b: c]", "not valid YAML"),
        ("cases: [{id: a, request: r, expect: {outcome: maybe}}]", "expect.outcome must be one of answered, declined"),
    ],
)
def test_malformed_case_files_are_named_in_one_line(tmp_path: Path, text: str, message: str) -> None:
    path = tmp_path / "bad.yaml"
    path.write_text(text)
    with pytest.raises(DeassistError) as caught:
        c.load_cases([str(path)])
    assert message in caught.value.message and str(path) in caught.value.message


def test_an_unknown_suite_lists_the_builtin_ones() -> None:
    with pytest.raises(DeassistError, match="one of analytics_clickstream, analytics_ecommerce"):
        c.load_cases(["nope"])
