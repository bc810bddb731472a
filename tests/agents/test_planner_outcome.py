"""The decline contract end to end: the real graph and tools, the offline planner, the shop example data."""

from __future__ import annotations

import json
from pathlib import Path

from tests.agents.conftest import final

SHOP = Path(__file__).parents[2] / "assistant" / "examples" / "shop"


def test_an_answered_question_carries_its_reading_and_states_it(ask) -> None:
    answer = final(ask("How many orders per country in 2025?", [SHOP], auto_approve=True))
    assert answer.outcome == "answered" and answer.declined_reason is None
    reading = answer.reading
    assert reading.subject == "orders" and [m.function for m in reading.measures] == ["count"]
    assert [(d.table, d.column) for d in reading.dimensions] == [("customers", "country")]
    assert [(f.column, f.op, f.value) for f in reading.filters] == [("ordered_at", "year", 2025)]
    assert "I read this as: the number of orders rows; per customers.country" in answer.text
    assert answer.validated_sql and "COUNT(*)" in answer.validated_sql[-1]


def test_a_question_with_a_word_it_cannot_place_is_declined_naming_it(ask) -> None:
    answer = final(ask("What is the average amount per zebra?", [SHOP], auto_approve=True))
    assert answer.outcome == "declined" and answer.reading is None
    assert "'zebra'" in answer.declined_reason and "'zebra'" in answer.text
    assert "For example:" in answer.text and not answer.validated_sql


def test_an_operator_it_does_not_compute_is_declined_by_name(ask) -> None:
    answer = final(ask("What is the 7-day rolling average of order amount?", [SHOP], auto_approve=True))
    assert answer.outcome == "declined" and "rolling average" in answer.declined_reason


def test_a_zh_tw_question_is_read_and_answered_in_zh_tw(ask) -> None:
    answer = final(ask("每個 country 的訂單數量？", [SHOP], auto_approve=True))
    assert answer.outcome == "answered" and answer.reading.subject == "orders"
    assert "我的理解是" in answer.text and "依 customers.country 分組" in answer.text
    assert "共 10 列；第一列：country = BR" in answer.text


def test_a_korean_question_is_read_and_answered_in_korean(ask) -> None:
    answer = final(ask("국가별 주문 수는?", [SHOP], auto_approve=True))
    assert answer.outcome == "answered" and [(d.column) for d in answer.reading.dimensions] == ["country"]
    assert "질문을 이렇게 이해했습니다" in answer.text


def test_a_korean_decline_is_written_in_korean(ask) -> None:
    answer = final(ask("국가별 얼룩말 수는?", [SHOP], auto_approve=True))
    assert answer.outcome == "declined" and "얼룩말" in answer.text and "답할 수 없습니다" in answer.text


def test_a_follow_up_in_a_named_session_refines_the_last_reading(ask) -> None:
    first = final(ask("How many orders per country?", [SHOP], auto_approve=True, session="refine"))
    assert first.reading is not None and not first.reading.filters
    second = final(ask("now only for 2025", [SHOP], auto_approve=True, session="refine"))
    assert second.outcome == "answered"
    assert [(f.op, f.value) for f in second.reading.filters] == [("year", 2025)]
    assert [d.column for d in second.reading.dimensions] == ["country"]
    third = final(ask("and by month", [SHOP], auto_approve=True, session="refine"))
    assert [(d.column, d.grain) for d in third.reading.dimensions] == [("country", None), ("ordered_at", "month")]
    assert [(f.op, f.value) for f in third.reading.filters] == [("year", 2025)]


def test_ask_json_shows_outcome_and_reading_and_a_decline_exits_3(run_cli) -> None:
    done = run_cli("ask", "average amount per zebra", "--data", str(SHOP), "--yes", "--json")
    assert done.code == 3, done.err
    document = json.loads(done.out)
    assert document["outcome"] == "declined" and "'zebra'" in document["declined_reason"]
    assert document["reading"] is None
    answered = run_cli("ask", "How many orders per status?", "--data", str(SHOP), "--yes", "--json")
    assert answered.code == 0, answered.err
    reading = json.loads(answered.out)["reading"]
    assert json.loads(answered.out)["outcome"] == "answered"
    assert reading["dimensions"] == [{"table": "orders", "column": "status", "grain": None}]
    assert reading["measures"] == [{"function": "count", "table": "orders", "column": None}]


def test_the_typed_brief_survives_the_checkpointer_as_plain_data() -> None:
    from assistant.backends.brief import AgentBrief, Note, PastTurn
    from assistant.graph.briefs import agent_brief
    from assistant.reading import Verdict
    from tools.catalog import read_source

    catalog = read_source(str(SHOP))
    brief = agent_brief(
        request="How many orders per country?",
        role="lead",
        lead="data-engineer",
        language="en",
        catalog=catalog,
        notes=[{"agent": "security-auditor", "text": "mask emails", "role": "collaborator"}],
        history=[{"request": "orders per status", "answer": "...", "verdict": Verdict().to_dict()}],
    )
    facts = json.loads(json.dumps(brief.facts()))
    again = AgentBrief.from_facts(facts, catalog)
    assert again == brief and again.catalog is catalog
    assert again.notes == [Note("security-auditor", "mask emails")] and isinstance(again.history[0], PastTurn)
    assert set(again.tables) == {t.name for t in catalog.tables}
