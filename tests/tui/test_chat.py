"""The real chat app with the real Session and the offline planner: ask, approve, reject, cancel, quit."""

from __future__ import annotations

from pathlib import Path

from textual.widgets import DataTable

from assistant.tui.app import ChatApp
from assistant.tui.approval import ApprovalScreen
from tests.backends.stub_server import Reply, StubMessagesAPI
from tests.tui.conftest import SIZE, shown_text, until

QUESTION = "How many orders are there?"


async def ask(pilot, app: ChatApp, question: str = QUESTION) -> None:  # type: ignore[no-untyped-def]
    await until(pilot, lambda: app.session is not None, "the open session")
    app.prompt.load_text(question)
    await pilot.press("enter")


async def test_an_approved_run_shows_its_rows_and_the_streamed_answer(make_app) -> None:
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await ask(pilot, app)
        await until(pilot, lambda: isinstance(app.screen, ApprovalScreen), "the approval modal")
        assert app.screen.request.kind == "run_sql"
        assert "SELECT COUNT(*) AS order_count\nFROM orders" in app.screen.request.detail
        assert not app.conversation.query(DataTable), "nothing may run before Yes"
        assert app.agents.agents["data-engineer"].state == "waiting for you"
        await pilot.press("y")
        await until(pilot, lambda: "agents: data-engineer" in shown_text(app), "the final answer")
        text = shown_text(app)
        assert "order_count\n300" in text
        assert "approved" in text
        assert "**order_count = 300**" in text
        assert "Offline planner" in text
        assert app.agents.agents["coordinator"].role == "coordinator"
        assert app.agents.agents["data-engineer"].role == "lead"
        assert app.agents.agents["data-engineer"].state == "done"
        assert app.status.model == "offline" and not app.status.busy


async def test_a_rejected_run_shows_no_rows_and_the_agents_answer_without_it(make_app) -> None:
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await ask(pilot, app)
        await until(pilot, lambda: isinstance(app.screen, ApprovalScreen), "the approval modal")
        await pilot.press("n")
        await until(pilot, lambda: "agents: data-engineer" in shown_text(app), "the final answer")
        text = shown_text(app)
        assert "rejected: nothing ran or was written" in text
        assert "validated but not run" in text
        assert not app.conversation.query(DataTable)


async def test_ctrl_c_cancels_the_turn_and_the_app_goes_on(make_app) -> None:
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await ask(pilot, app)
        await until(pilot, lambda: isinstance(app.screen, ApprovalScreen), "the approval modal")
        await pilot.press("ctrl+c")
        await until(pilot, lambda: not app.turn_running, "the end of the turn")
        text = shown_text(app)
        assert "turn cancelled" in text
        assert not isinstance(app.screen, ApprovalScreen) and not app.conversation.query(DataTable)
        assert app.is_running
        await ask(pilot, app)
        await until(pilot, lambda: isinstance(app.screen, ApprovalScreen), "the next turn's approval")
        await pilot.press("y")
        await until(pilot, lambda: "order_count\n300" in shown_text(app), "the next turn's rows")


async def test_quitting_mid_turn_keeps_the_turns_already_saved(make_app, tmp_path: Path) -> None:
    from assistant.session import Session, SessionConfig

    app = make_app(session="kept")
    async with app.run_test(size=SIZE) as pilot:
        await ask(pilot, app)
        await until(pilot, lambda: isinstance(app.screen, ApprovalScreen), "the approval modal")
        await pilot.press("y")
        await until(pilot, lambda: not app.turn_running and "agents:" in shown_text(app), "the first answer")
        await ask(pilot, app, "Which customers spent the most?")
        await until(pilot, lambda: isinstance(app.screen, ApprovalScreen), "the second turn's approval")
        await pilot.press("ctrl+q")
        await until(pilot, lambda: not app.is_running, "the app quitting")
    reopened = Session(SessionConfig(model="offline", session="kept", home=tmp_path / "home", workdir=tmp_path))
    try:
        requests = [turn.get("request") for turn in reopened.history()]
    finally:
        reopened.close()
    assert requests[:1] == [QUESTION]


async def test_a_backend_error_is_shown_and_the_next_question_is_answered(make_app, messages_stub: StubMessagesAPI, monkeypatch) -> None:
    messages_stub.script(
        Reply.error(400, "invalid_request_error", "prompt is too long"),
        Reply.text('{"lead": "data-engineer", "collaborators": []}'),
        Reply.text("There are **300** orders.", input_tokens=1200, output_tokens=30),
    )
    monkeypatch.setenv("ANTHROPIC_BASE_URL", messages_stub.url)
    monkeypatch.setenv("ANTHROPIC_API_KEY", "sk-ant-test")
    app = make_app(model="anthropic:sonnet")
    async with app.run_test(size=SIZE) as pilot:
        await ask(pilot, app)
        await until(pilot, lambda: not app.turn_running and "error DEA-MODEL-REQUEST" in shown_text(app), "the backend error")
        assert "prompt is too long" in shown_text(app)
        await ask(pilot, app)
        await until(pilot, lambda: "agents: data-engineer" in shown_text(app), "the second answer")
        assert "There are **300** orders." in shown_text(app)
        assert app.status.input_tokens >= 1200 and app.status.output_tokens >= 30 and app.status.cost > 0


async def test_a_source_that_cannot_be_read_ends_the_app_with_its_error(make_app) -> None:
    app = make_app(sources=("no/such/orders.csv",))
    async with app.run_test(size=SIZE) as pilot:
        await until(pilot, lambda: not app.is_running, "the app ending")
    assert app.startup_error is not None and app.startup_error.code == "DEA-SOURCE-MISSING"
    assert app.return_code == 2


async def test_a_question_asked_while_the_session_opens_is_asked_once_it_is_open(make_app) -> None:
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        assert app.session is None
        app.prompt.load_text(QUESTION)
        await pilot.press("enter")
        await until(pilot, lambda: isinstance(app.screen, ApprovalScreen), "the approval modal")
        await pilot.press("y")
        await until(pilot, lambda: "agents: data-engineer" in shown_text(app), "the final answer")
        assert shown_text(app).count(QUESTION) == 1


def test_chat_without_a_terminal_is_a_one_line_error(run_cli) -> None:
    result = run_cli("chat", "--data", "assistant/examples/shop")
    assert result.code == 2
    assert result.err.strip() == "error DEA-TUI-NO-TERMINAL: deassist chat needs a terminal; use deassist ask in scripts"


def test_chat_help_does_not_load_textual_or_the_llm_stack() -> None:
    from tests.test_architecture import HEAVY, _modules_loaded_by

    assert not _modules_loaded_by(["chat", "--help"]) & set(HEAVY)


async def test_resuming_a_session_shows_its_earlier_turns(make_app) -> None:
    first = make_app(session="resumed")
    async with first.run_test(size=SIZE) as pilot:
        await ask(pilot, first)
        await until(pilot, lambda: isinstance(first.screen, ApprovalScreen), "the approval modal")
        await pilot.press("y")
        await until(pilot, lambda: not first.turn_running and "agents:" in shown_text(first), "the answer")
    again = make_app(session="resumed")
    async with again.run_test(size=SIZE) as pilot:
        await until(pilot, lambda: "resumed session resumed: 1 earlier turn" in shown_text(again), "the earlier turn")
        text = shown_text(again)
        assert QUESTION in text and "**order_count = 300**" in text and "agents: data-engineer" in text


async def test_opening_a_session_stranded_at_an_approval_asks_it_again(make_app, tmp_path: Path) -> None:
    from assistant.backends.offline import OfflineBackend
    from assistant.events import ApprovalRequest
    from assistant.session import Session, SessionConfig
    from tests.conftest import ROOT
    from tests.tui.conftest import SHOP

    config = SessionConfig(sources=[str(ROOT / SHOP)], session="stranded", home=tmp_path / "home", workdir=tmp_path)
    session = Session(config, OfflineBackend())
    stream = session.ask(QUESTION)
    stranded = next(e for e in stream if isinstance(e, ApprovalRequest))
    stream.close()  # the process stopped at the question
    session.close()

    app = make_app(session="stranded", sources=())
    async with app.run_test(size=SIZE) as pilot:
        await until(pilot, lambda: isinstance(app.screen, ApprovalScreen), "the stranded approval")
        assert app.screen.request.approval_id == stranded.approval_id
        assert "waiting for your approval: " + stranded.summary in shown_text(app)
        await pilot.press("y")
        await until(pilot, lambda: "agents: data-engineer" in shown_text(app), "the finished answer")
        assert "**order_count = 300**" in shown_text(app) and not app.status.busy
