"""The offline planner records facts the user states: read from fixture one-liners, then through the graph."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from assistant import events as ev
from assistant.planner.memory import read_fact
from tests.agents.conftest import ask, final  # noqa: F401 - the fixture
from tools.memory import MemoryStore

CASES = yaml.safe_load((Path(__file__).parent / "stated_facts.yaml").read_text())


@pytest.mark.parametrize("case", CASES, ids=[c["request"][:40] for c in CASES])
def test_a_stated_fact_is_read_into_one_remember_call(case: dict) -> None:
    assert read_fact(case["request"], {}) == case["remember"]


def test_a_known_entity_keeps_its_type() -> None:
    fact = read_fact("note that orders_etl runs hourly", {"orders_etl": "data_pipeline"})
    assert fact == {"entity": "orders_etl", "observations": ["runs hourly"]}


def test_the_planner_records_a_stated_fact_once_approved(ask, tmp_path: Path) -> None:
    asked: list[ev.ApprovalRequest] = []
    events = ask("note that orders_etl now also loads refunds and runs hourly", approve=lambda r: asked.append(r) or True)
    [request] = asked
    assert request.kind == "write_file" and request.summary.startswith("remember orders_etl (data_pipeline)")
    assert "observe: runs hourly" in request.detail and "loads -> refunds" in request.detail
    answer = final(events).text
    assert "Recorded **orders_etl** (data_pipeline)" in answer and "`orders_etl` loads `refunds`" in answer
    entity = MemoryStore.for_project(tmp_path).entity("orders_etl")
    assert [o.text for o in entity.observations] == ["now also loads refunds", "runs hourly"]
    assert [(r.relation, r.target) for r in entity.relations] == [("loads", "refunds")]


def test_a_declined_fact_is_not_recorded_and_the_answer_says_so(ask, tmp_path: Path) -> None:
    events = ask("note that orders_etl runs hourly", approve=lambda r: False)
    assert final(events).text.startswith("Nothing was recorded: the user declined")
    assert not MemoryStore.for_project(tmp_path).path.exists() or not MemoryStore.for_project(tmp_path).entities()
