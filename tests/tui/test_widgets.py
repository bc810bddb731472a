"""The widgets render what the event stream says: streamed Markdown, tool blocks, the prompt's keys.

Events are built here and handed to the real app (with its real session open), as a session's
worker hands them over, so each rendering rule is pinned down by itself.
"""

from __future__ import annotations

from dataclasses import dataclass

from textual.widgets import DataTable, Markdown

from assistant.events import (
    FinalAnswer,
    TextDelta,
    ToolCall,
    ToolResult,
    ValidationResult,
)
from assistant.tui.app import SessionEvent
from assistant.tui.conversation import AgentText, ToolBlock
from tests.tui.conftest import SIZE, shown_text, until


async def test_streamed_text_becomes_one_markdown_and_the_final_answer_is_not_repeated(make_app) -> None:
    app = make_app()
    answer = "The **top customer** is Ada.\n\n- 12 orders\n- 1,204.50 EUR\n"
    async with app.run_test(size=SIZE) as pilot:
        for word in answer.split(" "):
            app.post_message(SessionEvent(TextDelta("data-engineer", word + " ")))
        app.post_message(SessionEvent(FinalAnswer(answer.strip(), ["coordinator", "data-engineer"])))
        await until(pilot, lambda: "agents: coordinator, data-engineer" in shown_text(app), "the answer's footer")
        blocks = app.conversation.query(AgentText)
        assert len(blocks) == 1 and blocks.first().agent == "data-engineer"
        assert blocks.first().markdown.source.split() == answer.split()
        assert len(app.conversation.query(Markdown)) == 1  # the streamed one: the answer was not added again


async def test_a_tool_call_shows_its_sql_its_diagnostics_and_its_rows(make_app) -> None:
    app = make_app()
    sql = "SELECT YEAR(ordered_at) AS y, count(*) AS n FROM orders GROUP BY 1"
    diagnostic = {"severity": "error", "code": "DEA-SQL-UNKNOWN-FUNCTION", "message": "function year does not exist",
                  "line": 1, "column": 8, "suggestion": "extract(year FROM ordered_at)"}
    async with app.run_test(size=SIZE) as pilot:
        for event in (
            ToolCall("data-engineer", "c1", "run_sql", {"sql": sql, "source": "shop"}),
            ValidationResult("data-engineer", sql, "postgres", False, [diagnostic]),
            ToolResult("data-engineer", "c1", "run_sql", '{"columns": ["y", "n"], "rows": [[2025, 180], [2026, 120]], "truncated": false}'),
            ToolCall("data-engineer", "c2", "draft_dbt", {"name": "shop"}),
            ToolResult("data-engineer", "c2", "draft_dbt", {"files": [{"path": "models/stg_orders.sql"}, "dbt_project.yml"]}),
        ):
            app.post_message(SessionEvent(event))
        await until(pilot, lambda: len(app.conversation.query(DataTable)) == 1 and "wrote" in shown_text(app), "the tool results")
        text = shown_text(app)
        assert "data-engineer · run_sql" in text and "source: shop" in text
        assert "invalid (postgres)" in text
        assert "1:8 error DEA-SQL-UNKNOWN-FUNCTION: function year does not exist" in text
        assert "hint: extract(year FROM ordered_at)" in text
        assert "y | n\n2025 | 180\n2026 | 120" in text
        assert "wrote models/stg_orders.sql\nwrote dbt_project.yml" in text
        assert [b.call.call_id for b in app.conversation.query(ToolBlock)] == ["c1", "c2"]


async def test_events_this_face_does_not_know_are_skipped(make_app) -> None:
    @dataclass(frozen=True)
    class SomethingNew:
        agent: str

    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        app.post_message(SessionEvent(SomethingNew("data-engineer")))  # type: ignore[arg-type]
        app.post_message(SessionEvent(TextDelta("data-engineer", "still here")))
        await until(pilot, lambda: "still here" in shown_text(app), "the text after the unknown event")
        assert app.is_running


async def test_enter_sends_ctrl_j_breaks_the_line_and_up_recalls_what_was_sent(make_app) -> None:
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press(*"/validate SELECT 1", "ctrl+j", *"FROM orders")
        assert app.prompt.text == "/validate SELECT 1\nFROM orders"
        await pilot.press("enter")
        assert app.prompt.text == ""
        await pilot.press(*"draft", "up")
        assert app.prompt.text == "/validate SELECT 1\nFROM orders"
        await pilot.press("down")
        assert app.prompt.text == "draft"


async def test_tab_completes_commands_and_table_names(make_app) -> None:
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await until(pilot, lambda: app.session is not None, "the session")
        await pilot.press(*"/sch", "tab")
        assert app.prompt.text == "/schema "
        await pilot.press(*"pro", "tab")
        assert app.prompt.text == "/schema products"
        app.prompt.clear()
        await pilot.press(*"/s")
        assert "/schema  /session" in str(app.query_one("#hint").content)


async def test_side_panels_give_way_when_the_terminal_shrinks_and_return_when_it_grows(make_app) -> None:
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        conversation, agents, catalog = app.conversation, app.agents, app.query_one("#catalog")
        wide = conversation.size.width
        assert agents.display and catalog.display
        await pilot.resize_terminal(100, 30)
        await pilot.pause()
        assert not agents.display and catalog.display
        await pilot.resize_terminal(70, 20)
        await pilot.pause()
        assert not agents.display and not catalog.display
        assert conversation.size.width > 60
        await pilot.resize_terminal(*SIZE)
        await pilot.pause()
        assert agents.display and catalog.display and conversation.size.width == wide
