"""Slash commands: how lines parse, what is refused, and what Tab completes."""

from __future__ import annotations

import pytest

from assistant.tui.commands import common_prefix, complete, is_command, parse_command
from tools.errors import DeassistError

TABLES = ["customers", "order_items", "orders", "products"]


@pytest.mark.parametrize(
    ("line", "name", "argument"),
    [
        ("/help", "help", ""),
        ("  /HELP  ", "help", ""),
        ("/schema", "schema", ""),
        ("/schema orders", "schema", "orders"),
        ("/data assistant/examples/shop", "data", "assistant/examples/shop"),
        ("/run SELECT 1", "run", "SELECT 1"),
        ("/run\nSELECT id\nFROM orders", "run", "SELECT id\nFROM orders"),
        ("/validate SELECT *\n  FROM t", "validate", "SELECT *\n  FROM t"),
        ("/session nightly-etl", "session", "nightly-etl"),
        ("/commit", "commit", ""),
        ("/commit fix(etl): handle late rows", "commit", "fix(etl): handle late rows"),
    ],
)
def test_lines_parse_to_a_command_and_its_argument(line: str, name: str, argument: str) -> None:
    parsed = parse_command(line)
    assert (parsed.command.name, parsed.argument) == (name, argument)


@pytest.mark.parametrize(
    ("line", "code", "says"),
    [
        ("/frobnicate", "DEA-TUI-UNKNOWN-COMMAND", "/frobnicate: no such command"),
        ("/run", "DEA-TUI-USAGE", "usage: /run SQL"),
        ("/data   ", "DEA-TUI-USAGE", "usage: /data SRC"),
        ("/clear everything", "DEA-TUI-USAGE", "/clear takes no argument"),
    ],
)
def test_bad_lines_say_what_to_type(line: str, code: str, says: str) -> None:
    with pytest.raises(DeassistError) as caught:
        parse_command(line)
    assert caught.value.code == code
    assert says in caught.value.message


def test_only_lines_starting_with_a_slash_are_commands() -> None:
    assert is_command("/help") and is_command("  /run x")
    assert not is_command("what is in /data?")


@pytest.mark.parametrize(
    ("typed", "expected"),
    [
        ("/", ["/agents", "/data ", "/schema ", "/validate ", "/run ", "/commit ", "/session ", "/clear", "/help"]),
        ("/s", ["/schema ", "/session "]),
        ("/he", ["/help"]),
        ("/schema ", ["/schema customers", "/schema order_items", "/schema orders", "/schema products"]),
        ("/schema ORD", ["/schema order_items", "/schema orders"]),
        ("/schema orders x", []),
        ("/run SEL", []),
        ("plain question", []),
        ("/run SELECT\n", []),
    ],
)
def test_completion_offers_commands_then_table_names(typed: str, expected: list[str]) -> None:
    assert complete(typed, TABLES) == expected


@pytest.mark.parametrize(
    ("candidates", "prefix"),
    [([], ""), (["/help"], "/help"), (["/schema ", "/session "], "/s"), (["/schema order_items", "/schema orders"], "/schema order")],
)
def test_tab_inserts_what_all_candidates_share(candidates: list[str], prefix: str) -> None:
    assert common_prefix(candidates) == prefix
