"""The layers stay visible: tools never import assistant, and light commands never load the LLM stack."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

from tests.conftest import ROOT

HEAVY = ("anthropic", "langgraph", "textual")
SPARK = ("pyspark", "py4j", "grpc", "pyarrow", "pandas")


def test_import_linter_contracts_hold() -> None:
    proc = subprocess.run(
        [sys.executable, "-c", "import sys; from importlinter.cli import lint_imports_command; sys.exit(lint_imports_command())"],
        cwd=ROOT,
        capture_output=True,
        text=True,
    )
    assert proc.returncode == 0, proc.stdout + proc.stderr


def _modules_loaded_by(argv: list[str]) -> set[str]:
    """Run the CLI in a fresh interpreter and report which top-level modules it imported."""
    code = (
        "import sys, json\n"
        "from assistant.cli import main\n"
        f"try:\n    main({argv!r})\nexcept SystemExit:\n    pass\n"
        "print('\\n' + json.dumps(sorted({m.split('.')[0] for m in sys.modules})))\n"
    )
    proc = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True)
    return set(json.loads(proc.stdout.strip().splitlines()[-1]))


SHOP = str(ROOT / "assistant" / "examples" / "shop")
SQL = str(ROOT / "assistant" / "examples" / "top_customers.sql")


@pytest.mark.parametrize(
    "argv",
    [
        ["--help"],
        ["validate", SQL, "--schema", SHOP],
        ["transpile", SQL, "--from", "duckdb", "--to", "postgres"],
        ["run", SQL, "--source", SHOP],
        ["inspect", SHOP],
        ["profile", SHOP],
    ],
    ids=["help", "validate", "transpile", "run", "inspect", "profile"],
)
def test_light_commands_do_not_import_the_llm_stack(argv: list[str]) -> None:
    loaded = _modules_loaded_by(argv)
    if argv != ["--help"]:
        assert {"sqlglot", "duckdb"} & loaded, f"{argv} did not get as far as reading SQL or data"
    assert not loaded & set(HEAVY), f"{argv} imported {sorted(loaded & set(HEAVY))}"
    assert not loaded & set(SPARK), f"{argv} imported {sorted(loaded & set(SPARK))} without a Spark source or dialect"
