"""The installed hook runs on every commit: it loads the standard library and deassist's tool
layer and nothing else (no click, no LLM stack, no DuckDB), and skips site-packages entirely."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

from tests.attribution.conftest import GitRepo
from tests.conftest import ROOT
from tests.test_architecture import HEAVY, _modules_loaded_by
from tools.attribution.install import hooks_dir
from tools.attribution.ledger import record_write
from tools.attribution.repository import find_repository

FORBIDDEN = {"anthropic", "langgraph", "textual", "click", "rich", "yaml", "duckdb", "sqlglot", "pydantic", "assistant"}


def _modules_loaded_by_hook(repo: GitRepo, script: str, message: str, *, full: bool = False) -> set[str]:
    """Run the hook's own command line, with a line appended that reports the imported modules
    (top-level names, or with `full` every dotted name)."""
    python_line = next(line for line in script.splitlines() if line.startswith("exec "))
    assert " -I -S -c " in python_line  # no site-packages, no current folder on the path
    (repo.root / ".git" / "MSG").write_text(message)
    code = (
        f"import sys; sys.path.insert(0, {str(ROOT)!r}); from tools.attribution.hook import main\n"
        "code = main(['commit-msg', '.git/MSG'])\n"
        f"loaded = sorted({{m if {full!r} else m.split('.')[0] for m in sys.modules}})\n"
        "import json; print(json.dumps(loaded))\n"
    )
    proc = subprocess.run(
        [sys.executable, "-I", "-S", "-c", code],
        cwd=repo.root,
        env=repo.env,
        capture_output=True,
        text=True,
        check=False,
    )
    assert "Traceback" not in proc.stderr, proc.stderr
    return set(json.loads(proc.stdout.splitlines()[-1]))


def test_the_hook_imports_only_the_standard_library_and_the_tool_layer(hooked: GitRepo) -> None:
    found = find_repository(hooked.root)
    assert found is not None
    script = (hooks_dir(found) / "commit-msg").read_text()
    assert "assistant" not in script and "deassist " not in script.split("exec ", 1)[1]
    path = hooked.write("a.sql", "select 1\n")
    record_write(path, "database-admin", path.read_bytes())  # the heavier path: a ledger to match
    hooked.git("add", "a.sql")
    for message in ("feat: add a - @database-admin", "Add a - @data-enginer"):  # accepted, rejected
        loaded = _modules_loaded_by_hook(hooked, script, message)
        assert not loaded & FORBIDDEN, sorted(loaded & FORBIDDEN)
        outside = sorted(
            m for m in loaded if m not in sys.stdlib_module_names and m not in {"tools", "prompts", "__main__"}
        )
        assert outside == [], outside


def test_the_hook_never_loads_the_memory_guard_or_the_profiler(hooked: GitRepo) -> None:
    found = find_repository(hooked.root)
    assert found is not None
    script = (hooks_dir(found) / "commit-msg").read_text()
    for message in ("feat: add a - @database-admin", "\ufefffeat: add a - @database-admin", "password=hunter2"):
        loaded = _modules_loaded_by_hook(hooked, script, message, full=True)
        assert not {m for m in loaded if m.startswith(("tools.memory", "tools.profile", "detect_secrets"))}


def test_an_accepted_commit_without_a_ledger_loads_only_the_essentials(hooked: GitRepo) -> None:
    found = find_repository(hooked.root)
    assert found is not None
    script = (hooks_dir(found) / "commit-msg").read_text()
    _modules_loaded_by_hook(hooked, script, "feat: add a - @database-admin")  # fills the agents cache
    loaded = _modules_loaded_by_hook(hooked, script, "feat: add a - @database-admin")
    assert not loaded & {
        "subprocess",
        "dataclasses",
        "typing",
        "inspect",
        "pathlib",
        "tomllib",
        "difflib",
        "json",
        "hashlib",
    }


@pytest.mark.parametrize("argv", [["commit-msg", "check", "feat: x - @a"], ["hook", "install", "--help"]])
def test_the_attribution_commands_do_not_import_the_llm_stack(argv: list[str]) -> None:
    loaded = _modules_loaded_by(argv)
    assert "tools" in loaded
    assert not loaded & set(HEAVY), f"{argv} imported {sorted(loaded & set(HEAVY))}"
