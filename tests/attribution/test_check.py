"""The convention, from a fixture table of messages and what the check must say about them."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml
from hypothesis import given, settings
from hypothesis import strategies as st

from tools.attribution import AttributionConfig, check_message, format_message, parse_message
from tools.attribution.message import add_agents, clean_message

AGENTS = frozenset({"data-engineer", "database-admin", "analytics-implementation-specialist"})
CONFIG = AttributionConfig(agents=AGENTS)
CASES = yaml.safe_load((Path(__file__).parent / "fixtures" / "messages.yaml").read_text(encoding="utf-8"))


@pytest.mark.parametrize("case", CASES, ids=[repr(case["message"][:50]) for case in CASES])
def test_fixture(case: dict) -> None:
    result = check_message(case["message"], CONFIG)
    assert [problem.code for problem in result.problems] == case["codes"]
    assert result.ok == (not case["codes"])
    assert result.skipped == case.get("skipped")
    if "suggestion" in case:
        assert result.suggestion == case["suggestion"]
    if result.ok:
        assert result.suggestion == clean_message(case["message"])
    elif result.suggestion is not None and "@AGENT" not in result.suggestion:
        # the suggestion fixes everything but what only the author can (a header that is too long)
        again = check_message(result.suggestion, CONFIG)
        assert {problem.code for problem in again.problems} <= {"DEA-ATTR-HEADER-TOO-LONG"}


def test_parse_reads_every_part() -> None:
    parsed = parse_message(
        "feat(etl)!: drop the legacy loader - @data-engineer @database-admin\n\n"
        "It read every row.\n\nBREAKING CHANGE: the old table is gone\nCo-authored-by: Ada <ada@example.com>\n"
    )
    assert (parsed.kind, parsed.type, parsed.scope, parsed.breaking) == ("conventional", "feat", "etl", True)
    assert parsed.description == "drop the legacy loader"
    assert parsed.agents == ("data-engineer", "database-admin")
    assert parsed.body.startswith("It read every row.")
    assert parsed.trailers == (
        ("BREAKING CHANGE", "the old table is gone"),
        ("Co-authored-by", "Ada <ada@example.com>"),
    )


def test_format_message() -> None:
    assert format_message("feat", "etl", "add orders load", ["data-engineer", "@database-admin", "data-engineer"]) == (
        "feat(etl): add orders load - @data-engineer @database-admin"
    )
    assert format_message("fix", None, "x", ["a"], breaking=True, body="Why.\n") == "fix!: x - @a\n\nWhy."


def test_custom_comment_char_and_auto() -> None:
    text = "feat: x - @data-engineer\n; Please enter the commit message\n# not a comment here\n"
    assert check_message(text, CONFIG._replace(comment_char=";")).problems[0].code == "DEA-ATTR-BODY-SEPARATION"
    assert clean_message(text, ";") == "feat: x - @data-engineer\n# not a comment here"
    assert clean_message("feat: x\n\n; status\n;\n", "auto") == "feat: x"
    scissors = "feat: x\n~ ------------------------ >8 ------------------------\n~ below\n"
    assert clean_message(scissors, "auto") == "feat: x\n~ ------------------------ >8 ------------------------\n~ below"
    assert clean_message(scissors.replace("~", "@"), "auto") == "feat: x"


def test_configured_rules() -> None:
    config = AttributionConfig(
        agents=AGENTS,
        types=("feat", "data"),
        header_max_length=30,
        skip=frozenset({"merge"}),
        skip_patterns=("^Release ",),
    )
    assert check_message("data: reload - @data-engineer", config).ok
    assert check_message("fix: x - @data-engineer", config).problems[0].code == "DEA-ATTR-TYPE-UNKNOWN"
    assert [p.code for p in check_message("feat: a long description here - @data-engineer", config).problems] == [
        "DEA-ATTR-HEADER-TOO-LONG"
    ]
    assert check_message("Release v1.2", config).skipped == "pattern"
    assert not check_message("fixup! feat: x", config).ok  # fixups are checked when not skipped
    optional = CONFIG._replace(require_agents=False)
    assert check_message("feat: a human change", optional).ok


def test_the_ledgers_agents_must_be_credited() -> None:
    result = check_message(
        "feat: add orders load - @database-admin", CONFIG, required_agents={"data-engineer": ["a.sql"]}
    )
    assert [p.code for p in result.problems] == ["DEA-ATTR-AGENT-NOT-CREDITED"]
    assert "a.sql" in result.problems[0].message
    assert result.suggestion == "feat: add orders load - @database-admin @data-engineer"
    optional = CONFIG._replace(require_agents=False)
    assert not check_message("feat: a human change", optional, required_agents=["data-engineer"]).ok


def test_merging_skips_whatever_the_header() -> None:
    assert check_message("resolve the conflict in orders", CONFIG, merging=True).skipped == "merge"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("feat: add x", "feat: add x - @data-engineer"),
        ("feat: add x - @database-admin", "feat: add x - @database-admin @data-engineer"),
        ("feat: add x - @data-engineer", "feat: add x - @data-engineer"),
        ("\n# Please enter\n", " - @data-engineer\n\n# Please enter\n"),
        ("", " - @data-engineer\n"),
        ("# c\nfeat: add x\n\nbody\n# c\n", "# c\nfeat: add x - @data-engineer\n\nbody\n# c\n"),
        ("fix: handle @decorators", "fix: handle @decorators - @data-engineer"),
    ],
)
def test_add_agents(text: str, expected: str) -> None:
    assert add_agents(text, ["data-engineer"], "#", AGENTS) == expected


@settings(max_examples=400, deadline=None)
@given(st.text(), st.sampled_from(["#", ";", "auto", ""]))
def test_never_raises_on_any_text(text: str, comment_char: str) -> None:
    config = CONFIG._replace(comment_char=comment_char)
    result = check_message(text, config, required_agents={"database-admin": ["x"]})
    parse_message(text, comment_char)
    add_agents(text, ["data-engineer"], comment_char, AGENTS)
    assert result.ok == (not result.problems)


HEADER_PARTS = st.text(alphabet=st.characters(blacklist_categories=("Cc", "Cs", "Zl", "Zp")), min_size=1, max_size=40)


@settings(max_examples=300, deadline=None)
@given(
    st.text(alphabet="abcdefghijklmnopqrstuvwxyzABCXYZ- @:(),!.#'\"\u2014", max_size=60),
    st.lists(st.sampled_from(sorted(AGENTS) + ["zz-nobody", "Data-Engineer"]), max_size=4),
    st.text(max_size=80),
)
def test_a_suggestion_fixes_what_it_can(header: str, agents: list[str], body: str) -> None:
    text = header + (" - " + " ".join(f"@{a}" for a in agents) if agents else "") + ("\n\n" + body if body else "")
    result = check_message(text, CONFIG)
    if result.ok or result.suggestion is None or "@AGENT" in result.suggestion:
        return
    again = check_message(result.suggestion, CONFIG)
    assert {p.code for p in again.problems} <= {"DEA-ATTR-HEADER-TOO-LONG"}, (text, result.suggestion, again.problems)


@settings(max_examples=200, deadline=None)
@given(
    st.sampled_from(CONFIG.types),
    st.none() | st.from_regex(r"[a-z][a-z0-9-]{0,10}", fullmatch=True),
    st.from_regex(r"[a-z][a-z0-9 ,.'-]{0,40}[a-z0-9]", fullmatch=True),
    st.lists(st.sampled_from(sorted(AGENTS)), min_size=1, max_size=3, unique=True),
    st.booleans(),
)
def test_formatted_messages_pass_and_parse_back(kind, scope, description, agents, breaking) -> None:
    text = format_message(kind, scope, description, agents, breaking)
    assert check_message(text, CONFIG._replace(header_max_length=1000)).ok, text
    parsed = parse_message(text)
    assert (parsed.type, parsed.scope, parsed.description, list(parsed.agents), parsed.breaking) == (
        kind,
        scope,
        " ".join(description.split()),
        agents,
        breaking,
    )


def test_an_agent_the_ledger_names_is_known_even_without_its_file() -> None:
    result = check_message("feat: x - @retired-agent", CONFIG, required_agents={"retired-agent": ["x.sql"]})
    assert result.ok
