"""Routing ranks the roster with BM25 over every persona's cards, in English, zh-TW and Korean.

Accuracy is measured on requests written for each role in each language: a TUNING set the constants
and lexicon were adjusted on, and a HELD-OUT set written beforehand and never tuned on.
"""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import pytest
import yaml

from assistant.roster import load_roster
from assistant.routing.cards import RoutingCard, cards_from_lines, cards_to_lines
from assistant.routing.route import route
from assistant.routing.terms import expand, terms
from tests.agents.conftest import agent_text
from tools.errors import DeassistError

FIXTURES = Path(__file__).parent / "fixtures"
LANGUAGES = ["en", "ko", "zh-TW"]
# Measured 28/42 (67 %) on the held-out set with the shipped router (the keyword router it replaced
# scored 15/42). The bar sits one standard error (sqrt(.67 * .33 / 42), 7 points) below the
# measurement: a change that makes routing clearly worse fails, sampling noise of a few requests
# does not.
HELD_OUT_MIN = 0.6
TUNING_MIN = 0.9


def _cards(home: Path) -> list[RoutingCard]:
    return [card for p in load_roster(home=home).values() if p.name != "coordinator" for card in p.cards]


def _requests(name: str) -> list[dict]:
    return yaml.safe_load((FIXTURES / name).read_text(encoding="utf-8"))["requests"]


def _accuracy(name: str, home: Path) -> tuple[float, dict[str, str]]:
    cards = _cards(home)
    right: Counter[str] = Counter()
    total: Counter[str] = Counter()
    for item in _requests(name):
        chosen = route(item["request"], cards)
        total[item["language"]] += 1
        right[item["language"]] += chosen.lead == item["lead"] and sorted(chosen.collaborators) == sorted(item["collaborators"])
    figures = {lang: f"{right[lang]}/{total[lang]}" for lang in sorted(total)}
    figures["all"] = f"{sum(right.values())}/{sum(total.values())}"
    return sum(right.values()) / sum(total.values()), figures


@pytest.mark.parametrize(("name", "least"), [("routing_tuning.yaml", TUNING_MIN), ("routing_heldout.yaml", HELD_OUT_MIN)])
def test_routing_accuracy_on_requests_for_every_role_and_language(home: Path, name: str, least: float) -> None:
    requests = _requests(name)
    assert {r["language"] for r in requests} == set(LANGUAGES)
    roles = Counter((r["language"], tuple(r["collaborators"]) or (r["lead"],)) for r in requests)
    assert len({role for _, role in roles}) == 7, "every persona is the expected specialist somewhere"
    accuracy, figures = _accuracy(name, home)
    print(f"routing {name}: {figures}")
    assert accuracy >= least, figures


ISSUE_MISSES = [
    ("Our Snowflake bill doubled last month, where do we start?", ["cloud-architect"]),
    ("Write an Airflow DAG that loads the S3 drops into Redshift every hour", []),
    ("Reconcile the Mixpanel purchase counts with the orders table", ["analytics-implementation-specialist"]),
    ("Should our product dimension be a snowflake schema or flattened for Tableau?", ["business-intelligence-developer"]),
]


@pytest.mark.parametrize(("request_text", "collaborators"), ISSUE_MISSES)
def test_the_misses_named_in_the_issue_route_right(home: Path, request_text: str, collaborators: list[str]) -> None:
    chosen = route(request_text, _cards(home))
    assert (chosen.lead, chosen.collaborators) == ("data-engineer", collaborators), chosen.scores


TERMS = [
    # text, terms that must be there, terms that must not
    ("Our Snowflake bill doubled", ["snowflak", "bill"], ["snowflakeschema"]),
    ("star and snowflake schemas", ["snowflakeschema", "star"], ["snowflak"]),
    ("reconciling the counts", ["reconcil", "count"], ["the"]),
    ("我們的帳單翻倍了", ["帳單", "翻倍"], ["我們"]),
    ("雪花綱要與 Snowflake", ["snowflakeschema", "snowflak"], ["雪花"]),
    ("S3에 떨어지는 파일을", ["s3", "파일", "떨어지"], ["에", "파일을"]),
    ("데이터파이프라인", ["데이", "파이", "프라"], []),
    ("청구서가 두 배", ["청구서", "청구"], ["청구서가"]),
]


@pytest.mark.parametrize(("text", "present", "absent"), TERMS)
def test_terms_per_language(text: str, present: list[str], absent: list[str]) -> None:
    found = terms(text)
    assert all(t in found for t in present), found
    assert not any(t in found for t in absent), found


@pytest.mark.parametrize(("word", "also"), [("bill", "cost"), ("DAG", "orchestr"), ("帳單", "成本"), ("청구서", "비용")])
def test_synonyms_add_the_word_a_description_uses(word: str, also: str) -> None:
    assert also in expand(terms(word))


@pytest.mark.parametrize("name", ["data-engineer", "analytics-implementation-specialist", "business-intelligence-developer",
                                  "machine-learning-engineer", "database-admin", "cloud-architect", "security-auditor",
                                  "coordinator"])
def test_every_persona_has_english_chinese_and_korean_files(home: Path, name: str) -> None:
    persona = load_roster(home=home)[name]
    assert sorted(persona.translations) == ["ko", "zh-TW"]
    assert sorted(card.language for card in persona.cards) == LANGUAGES
    for card in persona.cards:
        assert card.description and card.name == name
        assert len(card.examples) >= (0 if name == "coordinator" else 5), (name, card.language)
    scripts = {"zh-TW": "\u4e00", "ko": "\uac00"}
    for language, prompt in persona.translations.items():
        assert any(ch >= scripts[language] for ch in prompt)
        assert name == "coordinator" or ("validate_sql" in prompt and f"@{name}" in prompt)


def test_cards_travel_through_the_coordinators_brief_as_data(home: Path) -> None:
    cards = _cards(home)
    assert cards_from_lines("- a listing line a model might echo\n" + cards_to_lines(cards)) == cards


def test_examples_that_are_not_a_list_of_requests_are_one_line_errors(home: Path, repo: Path, write_agent) -> None:
    path = write_agent(repo, "odd.md", agent_text("odd", examples="{a: 1}"))
    with pytest.raises(DeassistError) as caught:
        load_roster(repo, home)
    assert caught.value.code == "DEA-AGENT-FILE" and str(path) in caught.value.message
    assert "examples must be a list" in caught.value.message
