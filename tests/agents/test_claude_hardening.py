"""The Claude path through the real SDK and the Messages API stub: cut replies, refusals, follow-ups,
temperature notes; and `deassist ask --resume` for a turn stranded at an approval."""

from __future__ import annotations

import json

from assistant import events as ev
from assistant.graph.build import CONTINUE, MAX_CONTINUATIONS
from assistant.session import Session, SessionConfig
from tests.agents.conftest import final
from tests.backends.stub_server import Reply, StubMessagesAPI
from tests.conftest import SHOP

ROUTE = Reply.message_of(
    [{"type": "tool_use", "id": "toolu_r", "name": "route", "input": {"lead": "data-engineer", "collaborators": []}}],
    "tool_use",
)


def _route() -> Reply:
    return Reply(message=dict(ROUTE.message or {}))


def _cut(text: str) -> Reply:
    return Reply.message_of([{"type": "text", "text": text}], "max_tokens")


def _backend(stub: StubMessagesAPI):  # noqa: ANN202
    from assistant.backends.anthropic import AnthropicBackend

    return AnthropicBackend("sonnet", api_key="sk-ant-test", base_url=stub.url, retries=0)


def test_a_reply_cut_at_max_tokens_is_continued(ask) -> None:
    with StubMessagesAPI() as stub:
        stub.script(_route(), _cut("Revenue is the sum of"), Reply.text(" `amount` over all orders."))
        events = ask("What is revenue?", backend=_backend(stub))
        continued = stub.requests[2].body["messages"]
    answer = final(events)
    assert answer.text == "Revenue is the sum of `amount` over all orders." and not answer.truncated
    assert continued[-2]["content"][0]["text"] == "Revenue is the sum of"
    assert continued[-1]["content"][0]["text"] == CONTINUE


def test_a_reply_still_cut_after_the_bound_is_marked_truncated(ask) -> None:
    with StubMessagesAPI() as stub:
        stub.script(_route(), *[_cut(f"part {i}. ") for i in range(MAX_CONTINUATIONS + 1)])
        events = ask("Explain everything.", backend=_backend(stub))
        asked = len(stub.requests)
    answer = final(events)
    assert asked == 1 + MAX_CONTINUATIONS + 1 and answer.truncated
    assert answer.text.startswith("part 0. part 1. part 2.") and "[truncated:" in answer.text


def test_truncated_is_in_the_json_document(run_cli) -> None:
    with StubMessagesAPI() as stub:
        stub.script(_route(), *[_cut("more ") for _ in range(MAX_CONTINUATIONS + 1)])
        done = run_cli("ask", "Explain everything.", "--json", env={"ANTHROPIC_API_KEY": "sk-ant-test", "ANTHROPIC_BASE_URL": stub.url})
    assert done.code == 0, done.err
    document = json.loads(done.out)
    assert document["truncated"] is True and "[truncated:" in document["answer"]


def test_a_refusal_is_shown_and_exits_non_zero_saying_what_to_change(run_cli) -> None:
    refusal = Reply.message_of([{"type": "text", "text": "I can't help with that."}], "refusal")
    with StubMessagesAPI() as stub:
        stub.script(_route(), refusal)
        done = run_cli("ask", "profile everyone", "--json", env={"ANTHROPIC_API_KEY": "sk-ant-test", "ANTHROPIC_BASE_URL": stub.url})
    assert done.code == 1 and done.out == ""
    [line] = [line for line in done.err.splitlines() if line.startswith("error ")]
    assert line.startswith("error DEA-MODEL-REFUSED: claude-sonnet-5-5 declined to answer")
    assert "I can't help with that." in line and "rephrase the request" in line


def test_the_coordinator_routes_a_follow_up_with_the_recent_turns(tmp_path) -> None:
    config = SessionConfig(session="follow", home=tmp_path / "home", workdir=tmp_path)
    with StubMessagesAPI() as stub:
        stub.script(_route(), Reply.text("Revenue by country: Germany leads."), _route(), Reply.text("Germany: 120."))
        for question in ("Revenue by country?", "now only for Germany"):
            session = Session(config, _backend(stub))
            list(session.ask(question))
            session.close()
        routed = stub.requests[2].body["messages"]
    texts = [block["text"] for message in routed for block in message["content"]]
    assert texts[0] == "Revenue by country?" and texts[1] == "Revenue by country: Germany leads."
    assert "now only for Germany" in texts[-1] and [m["role"] for m in routed] == ["user", "assistant", "user"]


def test_verbose_says_the_persona_temperature_was_not_sent(run_cli) -> None:
    with StubMessagesAPI() as stub:
        stub.script(_route(), Reply.text("Hello."))
        done = run_cli("ask", "say hi", "--verbose", env={"ANTHROPIC_API_KEY": "sk-ant-test", "ANTHROPIC_BASE_URL": stub.url})
        sent = [r.body for r in stub.requests]
    assert done.code == 0, done.err
    assert done.err.count("data-engineer: claude-sonnet-5-5 takes no temperature: the persona's 0.2 was not sent") == 1
    assert all("temperature" not in body for body in sent)


def test_ask_resume_finishes_the_most_recent_stranded_turn(run_cli, tmp_path) -> None:
    from tests.agents.conftest import RecordingBackend

    home = tmp_path / "home"  # run_cli's DEASSIST_HOME
    session = Session(SessionConfig(sources=[str(SHOP)], session="stranded", home=home, workdir=tmp_path), RecordingBackend())
    stream = session.ask("Who are the top 5 customers by total order value?")
    asked = next(e for e in stream if isinstance(e, ev.ApprovalRequest))
    stream.close()  # the terminal closed at the question
    session.close()

    done = run_cli("ask", "--resume", "--yes", "--json", "--model", "offline")
    assert done.code == 0, done.err
    document = json.loads(done.out)
    assert document["session"] == "stranded" and document["approvals"][0] == {"id": asked.approval_id, "approved": True}
    assert "| customer_id | name | total_amount |" in document["answer"]

    again = run_cli("ask", "--resume", "--model", "offline")
    assert again.code == 2 and again.err.strip() == "error DEA-ASK-NOTHING-PENDING: no session is waiting for approval"
    named = run_cli("ask", "--resume", "stranded", "--model", "offline")
    assert named.code == 1 and "DEA-ASK-NOTHING-PENDING" in named.err
