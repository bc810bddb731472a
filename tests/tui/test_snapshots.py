"""SVG snapshots of the main screens (pytest-textual-snapshot): fixed size, no cursor blink, fixed names.

Update after an intended change with `pytest tests/tui/test_snapshots.py --snapshot-update` and look
at the report of what changed.
"""

from __future__ import annotations

from assistant.tui.approval import ApprovalScreen
from tests.tui.conftest import SIZE, shown_text, until

QUESTION = "How many orders are there?"


async def opened(pilot) -> None:  # type: ignore[no-untyped-def]
    await until(pilot, lambda: pilot.app.session is not None, "the open session")
    await pilot.pause()


async def asked(pilot) -> None:  # type: ignore[no-untyped-def]
    await opened(pilot)
    pilot.app.prompt.load_text(QUESTION)
    await pilot.press("enter")
    await until(pilot, lambda: isinstance(pilot.app.screen, ApprovalScreen), "the approval modal")
    await pilot.pause()


async def answered(pilot) -> None:  # type: ignore[no-untyped-def]
    await asked(pilot)
    await pilot.press("y")
    await until(pilot, lambda: not pilot.app.turn_running and "agents:" in shown_text(pilot.app), "the answer")
    await pilot.pause()


async def validated(pilot) -> None:  # type: ignore[no-untyped-def]
    await opened(pilot)
    pilot.app.prompt.load_text("/validate SELECT customer_id, sum(amout)\nFROM orders GROUP BY customer_id")
    await pilot.press("enter")
    await until(pilot, lambda: "invalid (duckdb)" in shown_text(pilot.app), "the diagnostics")
    await pilot.pause()


def test_start_screen(make_app, snap_compare) -> None:
    assert snap_compare(make_app(session="snapshot"), terminal_size=SIZE, run_before=opened)


def test_approval_modal(make_app, snap_compare) -> None:
    assert snap_compare(make_app(session="snapshot"), terminal_size=SIZE, run_before=asked)


def test_answer_with_its_tool_calls_and_rows(make_app, snap_compare) -> None:
    assert snap_compare(make_app(session="snapshot"), terminal_size=SIZE, run_before=answered)


def test_validation_diagnostics_inline(make_app, snap_compare) -> None:
    assert snap_compare(make_app(session="snapshot"), terminal_size=SIZE, run_before=validated)
