"""Benchmark: does drafting tell the truth and keep the user's work? Per drafting kind, over the ride
domain with planted faults (evals/bench/trip_domain.py), in a real git repository with deassist's
commit hooks installed:

- green: the draft builds (`dbt build`) or runs (the pipeline, twice: the second run changes nothing;
  quality: the checks run);
- caught: planted faults the draft reports (its notes, or the quality report) / faults planted;
- edit kept: after a hand edit, a re-draft leaves the edited file as the user left it and writes the
  new version beside it;
- hook: the proposed commit message (the one drafter's summary of the files) passes the installed hook.

Target: every cell full, every time.

    python evals/bench/drafting_truth.py [--trips 2000]
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from evals.bench.trip_domain import PLANTED, make_trips

CHECK_KIND = {"non_negative": "range"}  # planted fault -> the drafted check kind that catches it


@dataclass
class Row:
    kind: str
    green: bool
    caught: int
    planted: int
    edit_kept: bool
    hook: bool


def _git(repo: Path, *args: str, message: str | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(["git", *args], cwd=repo, input=message, capture_output=True, text=True, check=False)


def _repo(root: Path) -> Path:
    repo = root / "work"
    repo.mkdir(parents=True)
    _git(repo, "init", "-q", "-b", "main")
    for key, value in {"user.name": "Bench", "user.email": "bench@example.com"}.items():
        _git(repo, "config", key, value)
    (repo / "README.md").write_text("bench\n")
    _git(repo, "add", ".")
    _git(repo, "commit", "-q", "-m", "chore: start - @data-engineer")
    deassist = str(Path(sys.executable).with_name("deassist"))
    subprocess.run([deassist, "hook", "install"], cwd=repo, capture_output=True, check=True)
    return repo


def _caught_in_notes(notes: list[str]) -> int:
    caught = 0
    for fault, (table, column, planted) in PLANTED.items():
        prefix = f"{table}.{column}.{CHECK_KIND.get(fault, fault)}: "
        note = next((n for n in notes if n.startswith(prefix)), None)
        caught += note is not None and int(note[len(prefix) :].split()[0]) >= planted
    return caught


def _hook_accepts(repo: Path, written: list[str]) -> bool:
    from tools.attribution.message import draft_message, summarize_paths

    message = draft_message(summarize_paths([("A", p) for p in written]), ["data-engineer"])
    _git(repo, "add", "-A")
    return _git(repo, "commit", "-q", "--allow-empty", "-F", "-", message=message).returncode == 0


def _edit_kept(repo: Path, edited: Path, redraft: Callable[[], object]) -> bool:
    mine = edited.read_text() + "-- edited by hand\n"
    edited.write_text(mine)
    redraft()
    beside = edited.with_name(edited.name + ".deassist-new")
    return edited.read_text() == mine and beside.exists() and "-- edited by hand" not in beside.read_text()


def _dbt_green(project: Path) -> bool:
    dbt = Path(sys.executable).with_name("dbt")
    env = {**os.environ, "DBT_PROFILES_DIR": str(project), "DBT_SEND_ANONYMOUS_USAGE_STATS": "false"}
    done = subprocess.run([str(dbt), "build", "--no-use-colors"], cwd=project, env=env, capture_output=True, text=True, check=False)
    return done.returncode == 0


def bench_project(kind: str, data: Path, root: Path) -> Row:
    from tools.drafting import run_pipeline
    from tools.drafting.draft import prepare_dbt_project, prepare_pipeline_project, write_draft
    from tools.drafting.pipeline import PipelineOptions

    repo = _repo(root / kind.replace(" ", "_"))
    out = repo / kind
    if kind == "dbt":
        prepare = lambda: prepare_dbt_project([str(data)], out)  # noqa: E731
    else:
        options = {
            "medallion pipeline": PipelineOptions(),
            "incremental MERGE": PipelineOptions(event_time="started_at"),
            "SCD2": PipelineOptions(history=("riders",), track=("email", "city")),
        }[kind]
        prepare = lambda: prepare_pipeline_project([str(data)], out, options=options, lookback="2 days")  # noqa: E731
    prepared = prepare()
    outcome = write_draft(prepared, keep_edits=True)
    if kind == "dbt":
        green = _dbt_green(out)
        edited = out / "models" / "staging" / "stg_trips.sql"
    else:
        green = run_pipeline(out).changed > 0 and run_pipeline(out).changed == 0
        edited = out / "sql" / "silver" / "trips.sql"
    hook = _hook_accepts(repo, [w.path.relative_to(repo).as_posix() for w in outcome.written])
    kept = _edit_kept(repo, edited, lambda: write_draft(prepare(), keep_edits=True))
    return Row(kind, green, _caught_in_notes(prepared.notes), len(PLANTED), kept, hook)


def bench_quality(data: Path, root: Path) -> Row:
    from tools.drafting import check_quality
    from tools.drafting.draft import export_quality_tests

    repo = _repo(root / "quality")
    report = check_quality([str(data)])
    failed = {(r.check.kind, r.check.table, r.check.column): r.failing_rows or 0 for r in report.results if not r.passed}
    caught = sum(
        failed.get((CHECK_KIND.get(f, f), table, column), 0) >= planted for f, (table, column, planted) in PLANTED.items()
    )
    out = repo / "dbt_project"
    outcome = export_quality_tests([str(data)], out, keep_edits=True)
    hook = _hook_accepts(repo, [w.path.relative_to(repo).as_posix() for w in outcome.written])
    edited = out / "tests" / "quality" / "trips__fare__range.sql"
    kept = _edit_kept(repo, edited, lambda: export_quality_tests([str(data)], out, keep_edits=True))
    return Row("quality", bool(report.results), caught, len(PLANTED), kept, hook)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--trips", type=int, default=2000)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="deassist-drafting-truth-") as tmp:
        root = Path(tmp)
        data = make_trips(trips=args.trips).write(root / "raw")
        rows = [bench_project(kind, data, root) for kind in ("dbt", "medallion pipeline", "incremental MERGE", "SCD2")]
        rows.append(bench_quality(data, root))
    mark = {True: "yes", False: "NO"}
    print(f"{'kind':<20} {'built/run green':>15} {'faults caught':>14} {'edit kept':>10} {'hook accepts':>13}")
    for row in rows:
        print(
            f"{row.kind:<20} {mark[row.green]:>15} {f'{row.caught}/{row.planted}':>14} {mark[row.edit_kept]:>10} {mark[row.hook]:>13}"
        )
    perfect = all(r.green and r.caught == r.planted and r.edit_kept and r.hook for r in rows)
    print(f"target (all of them): {'met' if perfect else 'NOT met'}")


if __name__ == "__main__":
    main()
