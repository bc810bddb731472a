"""Every timeout a user can set takes finite, positive seconds; anything else is one line, exit 2."""

from __future__ import annotations

import pytest

from tests.conftest import SHOP

BAD = ["nan", "inf", "-inf", "1e300", "0", "-1", "abc"]


@pytest.mark.parametrize("value", BAD)
def test_run_timeout_refuses(value: str, run_cli) -> None:
    done = run_cli("run", "--source", str(SHOP / "orders.csv"), f"--timeout={value}", input="SELECT 1 AS x")
    assert done.code == 2 and done.out == ""
    assert done.err.startswith("error DEA-USAGE: Invalid value for '--timeout'") and done.err.count("\n") == 1


def test_run_timeout_accepts_a_fraction(run_cli) -> None:
    done = run_cli("run", "--source", str(SHOP / "orders.csv"), "--timeout", "0.5", "--format", "csv", input="SELECT 1 AS x")
    assert done.code == 0 and done.out == "x\n1\n"


@pytest.mark.parametrize("value", ["nan", "inf", "1e300", "0"])
def test_the_model_timeout_setting_refuses(value: str, run_cli) -> None:
    env = {"ANTHROPIC_API_KEY": "sk-ant-test", "DEASSIST_MODEL_TIMEOUT": value}
    done = run_cli("ask", "hi", "--model", "anthropic:haiku", env=env)
    assert done.code == 2
    assert done.err.startswith("error DEA-MODEL-CONFIG: DEASSIST_MODEL_TIMEOUT:") and done.err.count("\n") == 1


@pytest.mark.parametrize("name", ["DEASSIST_MODEL_RETRIES", "DEASSIST_MODEL_BACKOFF"])
def test_other_model_settings_refuse_nan(name: str, run_cli) -> None:
    done = run_cli("ask", "hi", "--model", "anthropic:haiku", env={"ANTHROPIC_API_KEY": "sk-ant-test", name: "nan"})
    assert done.code == 2 and done.err.startswith(f"error DEA-MODEL-CONFIG: {name}")
