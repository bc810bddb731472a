"""The documentation agrees with the code: every error code is documented once, every documented code exists."""

from __future__ import annotations

import ast
import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
CODE = re.compile(r"DEA(?:-[A-Z0-9]+)+")
PRINTED = re.compile(r"error DEA(?:-[A-Z0-9]+)+:")


def codes_in_source() -> set[str]:
    """Every string constant in the product that is an error code, or starts a printed `error CODE:` line."""
    found = set()
    for package in ("assistant", "tools", "evals"):
        for path in (ROOT / package).rglob("*.py"):
            for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
                if isinstance(node, ast.Constant) and isinstance(node.value, str):
                    match = CODE.fullmatch(node.value) or PRINTED.match(node.value)
                    if match:
                        found.add(match.group(0).removeprefix("error ").rstrip(":"))
    return found


def documented_codes() -> list[str]:
    rows = re.findall(r"^\| `(DEA-[A-Z0-9-]+)` \|", (ROOT / "docs" / "errors.md").read_text(encoding="utf-8"), re.M)
    return rows


def test_every_raised_code_is_documented():
    missing = codes_in_source() - set(documented_codes())
    assert not missing, f"add these to docs/errors.md: {sorted(missing)}"


def test_every_documented_code_exists_and_is_listed_once():
    rows = documented_codes()
    assert len(rows) == len(set(rows)), sorted({c for c in rows if rows.count(c) > 1})
    stale = set(rows) - codes_in_source()
    assert not stale, f"docs/errors.md documents codes nothing raises: {sorted(stale)}"


def test_readme_is_a_front_door_with_two_quick_start_commands():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    assert len(readme.splitlines()) <= 200
    quick_start = readme.split("## Quick start", 1)[1].split("\n## ", 1)[0]
    assert len(re.findall(r"^```bash$", quick_start, re.M)) == 2
    for link in re.findall(r"\]\((docs/[^)#]+)", readme):
        assert (ROOT / link).is_file(), link
