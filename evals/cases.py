"""Eval cases: what to ask, over which data, and what a right answer must show.

Cases live in YAML files under `evals/cases/`, one file per category (`category:` at the top,
`cases:` below). A case names its data fixtures (see `evals.fixtures`; SQL is graded on the
first), optional files to place in the working directory, and any of the expectations below;
each expectation is graded by the grader of the same name in `evals.graders`. `outcome` is not a
check of its own: it says whether the right answer is an answer or a decline (`declined` for a
request the offline planner should refuse), so a decline can be scored as correct.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field, fields
from pathlib import Path
from typing import Any, Literal, get_args

import yaml

from tools.errors import DeassistError

CASES_DIR = Path(__file__).resolve().parent / "cases"
CASE_ERROR = "DEA-EVAL-CASE"
SUITE_ERROR = "DEA-EVAL-SUITE"
Outcome = Literal["answered", "declined"]


@dataclass(frozen=True)
class Routing:
    must: list[str] = field(default_factory=list)
    must_not: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class SqlMatch:
    """The answer's final SQL, run on `source`, returns what `gold` returns (Spider 2.0 column-subset match)."""

    gold: str
    dialect: str | None = None  # the dialect the answer is written in; the source engine's when omitted
    tolerance: float = 0.01  # absolute tolerance for numbers, as Spider 2.0 uses


@dataclass(frozen=True)
class Validity:
    dialect: str = "duckdb"


@dataclass(frozen=True)
class Command:
    run: str  # a shell-free command line; {python}, {deassist} and {workdir} are substituted
    cwd: str | None = None  # a glob (relative to the workdir) of a file whose folder the command runs in


@dataclass(frozen=True)
class Artifacts:
    files: list[str] = field(default_factory=list)  # globs relative to the working directory
    commands: list[Command] = field(default_factory=list)


@dataclass(frozen=True)
class Attribution:
    agents: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class Content:
    contains: list[str] = field(default_factory=list)  # every phrase, case-insensitive
    any_of: list[str] = field(default_factory=list)  # at least one phrase
    not_contains: list[str] = field(default_factory=list)
    sections: list[str] = field(default_factory=list)  # Markdown headings that must appear


@dataclass(frozen=True)
class Safety:
    """What must never happen: SQL sent to a tool matching `forbid_sql`, or `forbid_text` anywhere in the transcript."""

    forbid_sql: list[str] = field(default_factory=list)  # regular expressions, case-insensitive
    forbid_text: list[str] = field(default_factory=list)  # literal strings


@dataclass(frozen=True)
class Limits:
    max_tool_calls: int | None = None
    max_seconds: float | None = None


@dataclass(frozen=True)
class Expectations:
    routing: Routing | None = None
    sql: SqlMatch | None = None
    validity: Validity | None = None
    artifacts: Artifacts | None = None
    attribution: Attribution | None = None
    content: Content | None = None
    safety: Safety | None = None
    limits: Limits | None = None
    outcome: Outcome | None = None  # the expected final outcome; not graded as a kind of its own

    def kinds(self) -> list[str]:
        return [f.name for f in fields(self) if f.name != "outcome" and getattr(self, f.name) is not None]


@dataclass(frozen=True)
class EvalCase:
    id: str
    category: str
    request: str
    expect: Expectations
    fixtures: list[str] = field(default_factory=list)  # fixture names, e.g. "ecommerce", "clickstream.duckdb", "shop"
    files: dict[str, str] = field(default_factory=dict)  # path (relative to the workdir) -> content
    git: bool = False  # make the working directory a git repository with one commit
    origin: str = ""  # file the case was read from


EXPECTATION_TYPES: dict[str, type] = {
    "routing": Routing,
    "sql": SqlMatch,
    "validity": Validity,
    "artifacts": Artifacts,
    "attribution": Attribution,
    "content": Content,
    "safety": Safety,
    "limits": Limits,
}


def load_cases(suites: Iterable[str] = ()) -> list[EvalCase]:
    """Cases of the named suites (a file stem under `evals/cases/`, a YAML file or a folder); all when none."""
    paths: list[Path] = []
    for suite in suites or [str(CASES_DIR)]:
        paths.extend(_suite_paths(suite))
    cases: list[EvalCase] = []
    seen: dict[str, str] = {}
    for path in paths:
        for case in load_file(path):
            if case.id in seen:
                raise DeassistError(CASE_ERROR, f"{path}: case id {case.id!r} is already used in {seen[case.id]}")
            seen[case.id] = str(path)
            cases.append(case)
    return cases


def suite_names() -> list[str]:
    return sorted(p.stem for p in CASES_DIR.glob("*.yaml"))


def _suite_paths(suite: str) -> list[Path]:
    path = Path(suite)
    if path.is_dir():
        found = sorted(path.glob("*.yaml"))
        if not found:
            raise DeassistError(SUITE_ERROR, f"{suite}: no .yaml case files in this folder")
        return found
    if path.is_file():
        return [path]
    builtin = CASES_DIR / f"{suite}.yaml"
    if builtin.is_file():
        return [builtin]
    raise DeassistError(SUITE_ERROR, f"no suite {suite!r}: give a file, a folder or one of {', '.join(suite_names())}")


def load_file(path: Path) -> list[EvalCase]:
    try:
        document = yaml.safe_load(path.read_text(encoding="utf-8"))
    except OSError as exc:
        raise DeassistError(SUITE_ERROR, f"{path}: cannot read ({exc.strerror})") from None
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f" line {mark.line + 1}" if mark else ""
        raise DeassistError(CASE_ERROR, f"{path}:{where} not valid YAML") from None
    if not isinstance(document, dict) or not isinstance(document.get("cases"), list):
        raise DeassistError(CASE_ERROR, f"{path}: expected a mapping with 'category' and a list 'cases'")
    category = document.get("category")
    return [_case(raw, category, path, index) for index, raw in enumerate(document["cases"])]


def _case(raw: Any, category: str | None, path: Path, index: int) -> EvalCase:
    where = f"{path}: case {index + 1}"
    if not isinstance(raw, dict):
        raise DeassistError(CASE_ERROR, f"{where}: expected a mapping")
    where = f"{path}: case {raw.get('id', index + 1)!r}"
    known = {"id", "category", "request", "fixtures", "files", "git", "expect"}
    _no_unknown(raw, known, where)
    for name in ("id", "request"):
        if not isinstance(raw.get(name), str) or not raw[name].strip():
            raise DeassistError(CASE_ERROR, f"{where}: '{name}' must be a non-empty string")
    expect_raw = raw.get("expect")
    if not isinstance(expect_raw, dict) or not expect_raw:
        raise DeassistError(
            CASE_ERROR, f"{where}: 'expect' must name at least one of {', '.join([*EXPECTATION_TYPES, 'outcome'])}"
        )
    _no_unknown(expect_raw, {*EXPECTATION_TYPES, "outcome"}, f"{where}: expect")
    outcome = expect_raw.get("outcome")
    if outcome is not None and outcome not in get_args(Outcome):
        raise DeassistError(CASE_ERROR, f"{where}: expect.outcome must be one of {', '.join(get_args(Outcome))}")
    expectations: dict[str, Any] = {
        name: _build(EXPECTATION_TYPES[name], value, f"{where}: expect.{name}")
        for name, value in expect_raw.items()
        if name != "outcome"
    }
    fixtures = raw.get("fixtures", [])
    if isinstance(fixtures, str):
        fixtures = [fixtures]
    files = raw.get("files", {})
    if not isinstance(files, dict) or not all(isinstance(v, str) for v in files.values()):
        raise DeassistError(CASE_ERROR, f"{where}: 'files' must map paths to text")
    return EvalCase(
        id=raw["id"],
        category=str(raw.get("category") or category or path.stem),
        request=raw["request"].strip(),
        expect=Expectations(**expectations, outcome=outcome),
        fixtures=[str(f) for f in fixtures],
        files={str(k): v for k, v in files.items()},
        git=bool(raw.get("git", False)),
        origin=str(path),
    )


def _build(kind: type, value: Any, where: str) -> Any:
    if not isinstance(value, dict):
        raise DeassistError(CASE_ERROR, f"{where}: expected a mapping")
    names = {f.name for f in fields(kind)}
    _no_unknown(value, names, where)
    if kind is Artifacts and "commands" in value:
        value = {**value, "commands": [_build(Command, c if isinstance(c, dict) else {"run": c}, where) for c in value["commands"]]}
    try:
        return kind(**value)
    except TypeError as exc:
        raise DeassistError(CASE_ERROR, f"{where}: {exc}") from None


def _no_unknown(raw: dict[str, Any], known: set[str], where: str) -> None:
    unknown = sorted(set(raw) - known)
    if unknown:
        raise DeassistError(CASE_ERROR, f"{where}: unknown field {unknown[0]!r} (expected one of {', '.join(sorted(known))})")
