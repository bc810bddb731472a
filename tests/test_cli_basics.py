from __future__ import annotations


def test_help_lists_commands_and_exits_zero(run_cli) -> None:
    result = run_cli("--help")
    assert result.code == 0
    assert "deassist" in result.out


def test_unknown_command_is_one_line_usage_error(run_cli) -> None:
    result = run_cli("frobnicate")
    assert result.code == 2
    assert result.err.strip().count("\n") == 0
    assert "Traceback" not in result.err
