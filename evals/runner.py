"""Run eval cases through a real `Session` and grade what each produced.

Every case gets its own working directory and data directory (so drafted files, git commits and
the conversation checkpoint of one case never leak into another) and reads its fixtures from one
folder generated per run. With `jobs > 1` cases run in separate processes. A recording run keeps
each case's model exchanges for a cassette; a replay run answers from them instead of a model.
"""

from __future__ import annotations

import shutil
import subprocess
import tempfile
import threading
import time
from collections.abc import Callable, Iterable
from concurrent.futures import ProcessPoolExecutor, as_completed
from dataclasses import dataclass, field
from multiprocessing import get_context
from pathlib import Path
from typing import TYPE_CHECKING

from assistant.reading import ANSWERED, DECLINED
from evals.cases import EvalCase
from evals.fixtures import SHOP, materialize
from evals.graders import Check, GradeContext, grade
from evals.observation import Observation
from tools.errors import DeassistError

if TYPE_CHECKING:
    from assistant.backends.cassette import Exchange

# A case that runs this long is stopped (its limits, when it has any, are graded separately).
HARD_TIMEOUT_S = 300.0
ANSWER_CHARS = 4000


@dataclass(frozen=True)
class RunOptions:
    model: str = "offline"
    record: bool = False
    replay: dict[str, list[Exchange]] | None = None  # case id -> recorded exchanges, when replaying
    replay_model: str = ""
    deassist: str = "deassist"


@dataclass
class CaseResult:
    id: str
    category: str
    passed: bool
    checks: list[Check]
    tool_calls: int = 0
    input_tokens: int = 0
    output_tokens: int = 0
    cost_usd: float = 0.0
    seconds: float = 0.0
    agents: list[str] = field(default_factory=list)
    error: str | None = None
    answer: str = ""  # the final answer's Markdown, cut at ANSWER_CHARS
    exchanges: list[Exchange] = field(default_factory=list)  # recorded model exchanges, for a cassette
    replay_mismatch: str | None = None
    outcome: str = ANSWERED

    @property
    def result(self) -> str:
        """correct (passed grading, a refusal the case expects included), wrong (answered but failed grading)
        or declined (failed grading by saying what it could not answer, rather than answering wrongly)."""
        if self.passed:
            return "correct"
        return "declined" if self.outcome == DECLINED else "wrong"

    @property
    def why(self) -> str:
        return "; ".join(f"{c.kind}: {c.why}" for c in self.checks if not c.passed)


def run_cases(
    cases: list[EvalCase],
    options: RunOptions,
    *,
    jobs: int = 1,
    on_result: Callable[[CaseResult], None] | None = None,
) -> list[CaseResult]:
    """Results in the order of `cases`; `on_result` hears each one as it finishes."""
    with tempfile.TemporaryDirectory(prefix="deassist-eval-") as scratch:
        root = Path(scratch)
        fixture_root = root / "fixtures"
        for name in sorted({f for case in cases for f in case.fixtures}):
            materialize(name, fixture_root)
        results: dict[str, CaseResult] = {}

        def done(result: CaseResult) -> None:
            results[result.id] = result
            if on_result:
                on_result(result)

        if jobs <= 1:
            for case in cases:
                done(run_case(case, root, options))
        else:
            with ProcessPoolExecutor(max_workers=jobs, mp_context=get_context("spawn")) as pool:
                futures = [pool.submit(run_case, case, root, _for_case(options, case.id)) for case in cases]
                for future in as_completed(futures):
                    done(future.result())
        return [results[case.id] for case in cases]


def _for_case(options: RunOptions, case_id: str) -> RunOptions:
    """Only the case's own exchanges travel to a worker process."""
    if options.replay is None:
        return options
    return RunOptions(options.model, options.record, {case_id: options.replay.get(case_id, [])},
                      options.replay_model, options.deassist)


def run_case(case: EvalCase, root: Path, options: RunOptions) -> CaseResult:
    """Ask the case's request in a fresh session and grade the answer; never raises for a failing case."""
    from assistant.backends import get_backend
    from assistant.backends.cassette import RecordingBackend, ReplayBackend
    from assistant.session import Session, SessionConfig

    fixture_root = root / "fixtures"
    place = Path(tempfile.mkdtemp(prefix=f"{case.id[:40]}-", dir=root))
    workdir, home = place / "work", place / "home"
    workdir.mkdir()
    home.mkdir()
    sources = {name: materialize(name, fixture_root) for name in case.fixtures}
    placeholders = {str(workdir): "{workdir}", str(home): "{home}", str(fixture_root): "{fixtures}", str(SHOP): "{shop}"}
    obs = Observation(workdir=workdir)
    recorder: RecordingBackend | None = None
    replayer: ReplayBackend | None = None
    started = time.perf_counter()
    cancel = threading.Event()
    timer = threading.Timer(HARD_TIMEOUT_S, cancel.set)
    timer.daemon = True
    try:
        prepare_workdir(case, workdir)
        backend = None
        if options.replay is not None:
            backend = replayer = ReplayBackend(options.replay.get(case.id, []), options.replay_model or "replay",
                                               placeholders, label=f"case {case.id}")
        elif options.record:
            backend = recorder = RecordingBackend(get_backend(options.model), placeholders)
        config = SessionConfig(model=options.model, sources=[str(p) for p in sources.values()], workdir=workdir,
                               home=home, auto_approve=True)
        session = Session(config, backend=backend)
        obs.model = session.model_name
        timer.start()
        for event in session.ask(case.request, cancel=cancel):
            obs.add(event)
    except DeassistError as exc:
        obs.error = f"{exc.code}: {exc.message}"
    except Exception as exc:  # noqa: BLE001 - one broken case must not stop the suite; its reason is reported
        obs.error = f"{type(exc).__name__}: {str(exc).splitlines()[0] if str(exc) else ''}"
    finally:
        timer.cancel()
    obs.seconds = time.perf_counter() - started
    if cancel.is_set() and not obs.finished:
        obs.error = f"stopped after {HARD_TIMEOUT_S:g} s"
    checks = grade(case, obs, GradeContext(sources=sources, deassist=options.deassist))
    shutil.rmtree(place, ignore_errors=True)
    mismatch = replayer.mismatch if replayer else None
    return CaseResult(
        id=case.id,
        category=case.category,
        passed=all(c.passed for c in checks),
        checks=checks,
        tool_calls=len(obs.tool_uses),
        input_tokens=obs.input_tokens,
        output_tokens=obs.output_tokens,
        cost_usd=obs.cost_usd,
        seconds=obs.seconds,
        agents=obs.agents,
        error=obs.error,
        answer=obs.text[:ANSWER_CHARS],
        exchanges=recorder.exchanges if recorder else [],
        replay_mismatch=f"{mismatch.code}: {mismatch.message}" if mismatch else None,
        outcome=obs.outcome,
    )


def prepare_workdir(case: EvalCase, workdir: Path) -> None:
    """The case's files in its working directory, committed when the case wants a git repository."""
    for relative, content in case.files.items():
        target = workdir / relative
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(content, encoding="utf-8")
    if case.git:
        _git(workdir, "init", "-q", "-b", "main")
        (workdir / "README.md").write_text(f"# {case.id}\n", encoding="utf-8")
        _git(workdir, "add", "README.md")
        _git(workdir, "commit", "-q", "-m", "chore: start the repository")
        staged = [relative for relative in case.files if relative != ".env"]
        if staged:  # the case's files are staged changes, as a user's would be before they commit
            _git(workdir, "add", "--", *staged)


def _git(cwd: Path, *args: str) -> None:
    subprocess.run(
        ["git", "-c", "user.name=deassist eval", "-c", "user.email=eval@deassist.invalid", "-c", "commit.gpgsign=false",
         *args],
        cwd=cwd, check=True, capture_output=True,
    )


@dataclass
class Tally:
    """How a set of cases came out: passed, and correct / wrong / declined (wrong is the figure that matters)."""

    passed: int = 0
    total: int = 0
    correct: int = 0
    wrong: int = 0
    declined: int = 0

    def add(self, result: CaseResult) -> None:
        self.passed += result.passed
        self.total += 1
        setattr(self, result.result, getattr(self, result.result) + 1)


def tally(results: Iterable[CaseResult]) -> Tally:
    total = Tally()
    for result in results:
        total.add(result)
    return total


def categories(results: Iterable[CaseResult]) -> dict[str, Tally]:
    """category -> its Tally, in sorted order."""
    table: dict[str, Tally] = {}
    for result in results:
        table.setdefault(result.category, Tally()).add(result)
    return dict(sorted(table.items()))
