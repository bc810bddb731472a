"""`deassist eval`: run eval suites through real sessions, grade them, report, and gate on a score."""

from __future__ import annotations

import sys
import time
from datetime import datetime, timezone
from pathlib import Path
from typing import TYPE_CHECKING

import click

from assistant.cli import MODEL_HELP
from tools.errors import FAILURE, USAGE, DeassistError

if TYPE_CHECKING:
    from evals.cases import EvalCase
    from evals.report import RunReport
    from evals.runner import CaseResult, RunOptions


@click.command("eval")
@click.argument("suites", nargs=-1)
@click.option("--model", default="offline", show_default=True, help=MODEL_HELP)
@click.option("--jobs", type=click.IntRange(min=1), default=1, show_default=True, help="Cases run in parallel.")
@click.option("--report", "report_path", type=click.Path(path_type=Path), help="Write PATH.json and PATH.md.")
@click.option("--min-score", type=click.FloatRange(0, 1), default=0.0, show_default=True,
              help="Exit 1 when the share of passing cases is lower.")
@click.option("--record", type=click.Path(path_type=Path), help="Save the run's model exchanges to a cassette.")
@click.option("--replay", type=click.Path(path_type=Path), help="Answer from a cassette instead of a model.")
def eval_command(
    suites: tuple[str, ...],
    model: str,
    jobs: int,
    report_path: Path | None,
    min_score: float,
    record: Path | None,
    replay: Path | None,
) -> None:
    """Run the eval suites (all of evals/cases/ when none is named): a file stem, a YAML file or a folder."""
    from assistant.backends import get_backend
    from assistant.backends.cassette import MISMATCH, Cassette
    from evals.cases import load_cases
    from evals.report import RunReport
    from evals.runner import RunOptions

    if record and replay:
        raise DeassistError("DEA-USAGE", "--record and --replay cannot be used together", exit_code=USAGE)
    cases = load_cases(suites)
    if not cases:
        raise DeassistError("DEA-EVAL-SUITE", "the suites hold no cases", exit_code=USAGE)
    cassette = Cassette.load(replay) if replay else None
    if cassette is None:
        get_backend(model)  # an unknown model or a missing key is one line now, not a failure in every case
    options = RunOptions(
        model=model,
        record=record is not None,
        replay=cassette.cases if cassette else None,
        replay_model=cassette.model if cassette else "",
        deassist=_console_script(),
    )
    started = datetime.now(timezone.utc).replace(microsecond=0).isoformat()
    clock = time.perf_counter()
    results = _run_with_progress(cases, options, jobs)
    report = RunReport(cassette.model if cassette else model, list(suites) or ["all"], started,
                       time.perf_counter() - clock, results)
    _print_summary(report)
    if report_path:
        json_path, md_path = report.write(report_path)
        click.echo(f"reports: {json_path} {md_path}", err=True)
    if record:
        Cassette(model, {r.id: r.exchanges for r in results}).save(record)
        click.echo(f"cassette: {record} ({sum(len(r.exchanges) for r in results)} model exchanges)", err=True)
    mismatch = next((r.replay_mismatch for r in results if r.replay_mismatch), None)
    if mismatch:
        raise DeassistError(MISMATCH, mismatch.split(": ", 1)[1], exit_code=FAILURE)
    if report.score < min_score:
        raise DeassistError("DEA-EVAL-BELOW-MIN", f"score {report.score:.3f} is below --min-score {min_score:g}",
                            exit_code=FAILURE)


def _console_script() -> str:
    candidate = Path(sys.executable).with_name("deassist")
    return str(candidate) if candidate.exists() else "deassist"


def _run_with_progress(cases: list[EvalCase], options: RunOptions, jobs: int) -> list[CaseResult]:
    from evals.runner import run_cases

    if not sys.stderr.isatty():
        return run_cases(cases, options, jobs=jobs)
    from rich.console import Console
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

    columns = (TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn())
    with Progress(*columns, console=Console(stderr=True), transient=True) as progress:
        task = progress.add_task("eval", total=len(cases))
        failed = 0

        def advance(result: CaseResult) -> None:
            nonlocal failed
            failed += not result.passed
            progress.update(task, advance=1, description=f"eval ({failed} failed) {result.id}")

        return run_cases(cases, options, jobs=jobs, on_result=advance)


def _print_summary(report: RunReport) -> None:
    from rich.console import Console
    from rich.table import Table

    from evals.runner import categories

    table = Table(title=f"deassist eval · {report.model}", title_justify="left")
    for name, justify in (("category", "left"), ("passed", "right"), ("total", "right"), ("score", "right")):
        table.add_column(name, justify=justify)  # type: ignore[arg-type]
    for name, (passed, total) in categories(report.results).items():
        table.add_row(name, str(passed), str(total), f"{passed / total:.0%}")
    table.add_section()
    table.add_row("all", str(report.passed), str(len(report.results)), f"{report.score:.0%}")
    console = Console(width=max(100, Console().width))
    console.print(table)
    for result in report.results:
        if not result.passed:
            console.print(f"FAIL {result.id}: {result.why}", markup=False, highlight=False, soft_wrap=True)
    console.print(f"score {report.score:.3f} ({report.passed}/{len(report.results)}) in {report.seconds:.1f} s",
                  markup=False, highlight=False)
