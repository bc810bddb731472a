"""Slash commands in the real app: sources, schemas, validation, runs, the roster, sessions, help."""

from __future__ import annotations

from pathlib import Path

from textual.command import CommandPalette
from textual.widgets import DataTable

from assistant.events import USER
from assistant.tui.approval import ApprovalScreen
from tests.tui.conftest import SIZE, shown_text, until


async def command(pilot, app, line: str, shows: str) -> str:  # type: ignore[no-untyped-def]
    await until(pilot, lambda: app.session is not None and not app.status.busy, "the idle session")
    app.prompt.load_text(line)
    await pilot.press("enter")
    await until(pilot, lambda: shows in shown_text(app), shows)
    return shown_text(app)


async def test_data_adds_a_source_to_the_catalog_tree_and_schema_shows_it(make_app, tmp_path: Path) -> None:
    refunds = tmp_path / "refunds.csv"
    refunds.write_text("refund_id,order_id,amount\n1,10,5.5\n2,11,12.0\n")
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await command(pilot, app, f"/data {refunds}", f"added {refunds}")
        tree = app.query_one("#catalog")
        tables = [str(node.label) for source in tree.root.children for node in source.children]
        assert "refunds 2" in tables and "orders 300" in tables
        text = await command(pilot, app, "/schema refunds", "refund_id")
        assert "| amount | DOUBLE |" in text
        await command(pilot, app, "/schema nope", "error DEA-TUI-UNKNOWN-TABLE: nope: no such table")
        await command(pilot, app, "/data no/such.csv", "error DEA-SOURCE-MISSING")


async def asked(pilot, app, line: str) -> ApprovalScreen:  # type: ignore[no-untyped-def]
    await until(pilot, lambda: app.session is not None and not app.status.busy, "the idle session")
    app.prompt.load_text(line)
    await pilot.press("enter")
    await until(pilot, lambda: isinstance(app.screen, ApprovalScreen), "the approval modal")
    return app.screen


async def test_validate_shows_diagnostics_without_asking(make_app) -> None:
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        text = await command(pilot, app, "/validate SELECT amout FROM orders", "invalid (duckdb)")
        assert "error DEA-SQL-UNKNOWN-COLUMN" in text and "hint: did you mean" in text
        assert "you · validate_sql" in text and not isinstance(app.screen, ApprovalScreen)


async def test_run_asks_first_and_masks_personal_data(make_app) -> None:
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        modal = await asked(pilot, app, "/run SELECT name, email, country FROM customers ORDER BY customer_id LIMIT 2")
        assert modal.request.kind == "run_sql" and modal.request.agent == USER
        assert "FROM customers" in modal.request.detail
        assert not app.conversation.query(DataTable), "nothing may run before Yes"
        await pilot.press("y")
        await until(pilot, lambda: "name | email | country" in shown_text(app), "the rows")
        text = shown_text(app)
        assert "T*** | t***@example.com | DE" in text and "L*** | l***@example.com | JP" in text
        assert "Tim Turing" not in text and "tim.turing1" not in text


async def test_a_rejected_run_runs_nothing(make_app, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    import tools.sql

    asked_to_run: list[str] = []
    real = tools.sql.run_query

    def run_query(sql, *args, **kwargs):  # type: ignore[no-untyped-def]
        asked_to_run.append(sql)
        return real(sql, *args, **kwargs)

    monkeypatch.setattr(tools.sql, "run_query", run_query)
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await asked(pilot, app, "/run SELECT status FROM orders")
        await pilot.press("n")
        await until(pilot, lambda: "rejected: nothing ran" in shown_text(app) and not app.status.busy, "the rejection")
        assert asked_to_run == [] and not app.conversation.query(DataTable)
        await asked(pilot, app, "/run DELETE FROM orders")
        await pilot.press("y")
        await until(pilot, lambda: "DEA-SQL-REFUSED" in shown_text(app) and not app.status.busy, "the refusal")
        assert asked_to_run == ["DELETE FROM orders"] and not app.conversation.query(DataTable)


async def test_agents_lists_the_roster_and_session_switches(make_app) -> None:
    app = make_app(session="first")
    async with app.run_test(size=SIZE) as pilot:
        text = await command(pilot, app, "/agents", "data-engineer")
        assert "database-admin" in text and "builtin" in text
        await command(pilot, app, "/session", "session first · model offline")
        await command(pilot, app, "/session second", "session second")
        await until(pilot, lambda: app.session is not None and app.session.name == "second", "the second session")
        assert app.status.session == "second"


async def test_help_and_bad_commands_answer_in_the_conversation(make_app) -> None:
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        text = await command(pilot, app, "/help", "/validate SQL")
        assert "ctrl+c" in text and "cancel" in text.lower()
        await command(pilot, app, "/bogus", "error DEA-TUI-UNKNOWN-COMMAND: /bogus: no such command")
        await command(pilot, app, "/run", "error DEA-TUI-USAGE: usage: /run SQL")
        await pilot.press("ctrl+l")
        await until(pilot, lambda: not app.conversation.children, "the cleared view")


async def test_the_command_palette_offers_the_slash_commands(make_app) -> None:
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await until(pilot, lambda: app.session is not None, "the open session")
        await pilot.press("ctrl+p")
        await until(pilot, lambda: isinstance(app.screen, CommandPalette), "the palette")
        await pilot.press(*"schema")
        await pilot.pause(0.5)
        await pilot.press("enter")
        await until(pilot, lambda: app.prompt.text == "/schema ", "the command in the prompt")
        await pilot.press("ctrl+p")
        await until(pilot, lambda: isinstance(app.screen, CommandPalette), "the palette")
        await pilot.press(*"/help")
        await pilot.pause(0.5)
        await pilot.press("enter")
        await until(pilot, lambda: "/validate SQL" in shown_text(app), "the help")
