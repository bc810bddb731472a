"""`deassist draft dbt|pipeline`, `deassist pipeline run` and `deassist quality`: thin shells over
`tools.drafting`. Writing needs `--out`; an output directory that holds files needs `--force`."""

from __future__ import annotations

import json
import os
from pathlib import Path

import click

from tools.drafting.writer import DEFAULT_AGENT
from tools.errors import FAILURE, DeassistError

_out = click.option("--out", "out", required=True, type=click.Path(path_type=Path), help="Directory to write (created).")
_force = click.option("--force", is_flag=True, help="Overwrite the files this draft writes in an existing directory.")
_agent = click.option("--agent", default=DEFAULT_AGENT, show_default=True, help="Agent the ledger records as the author.")
_grain = click.option("--grain", default=None, help="Table whose rows are the fact's grain (default: the most-linked table).")


_privileged = click.option(
    "--allow-privileged-role",
    is_flag=True,
    help="Read PostgreSQL as a superuser or a server-file role (see docs/security.md).",
)


def _policy(allow_privileged_role: bool):  # type: ignore[no-untyped-def]
    """The project's SQL policy ([tool.deassist.sql]), with the command line's opt-in."""
    from tools.sql.policy import load_sql_policy

    return load_sql_policy(Path.cwd()).allowing_privileged_role(allow_privileged_role)


@click.group()
def draft() -> None:
    """Draft a dbt project or a medallion pipeline that builds."""


@draft.command("dbt")
@click.argument("sources", nargs=-1, required=True)
@_out
@_grain
@_force
@_agent
@_privileged
def draft_dbt(
    sources: tuple[str, ...], out: Path, grain: str | None, force: bool, agent: str, allow_privileged_role: bool
) -> None:
    """A dbt project (dbt-duckdb, or dbt-postgres over a PostgreSQL database): sources, staging, marts for a grain, tests."""
    from tools.drafting import draft_dbt_project

    policy = _policy(allow_privileged_role)
    outcome = draft_dbt_project(sources, out, grain=grain, agent=agent, force=force, policy=policy)
    _report(outcome, agent, f"next: cd {out} && DBT_PROFILES_DIR=. dbt build")


@draft.command("pipeline")
@click.argument("sources", nargs=-1, required=True)
@_out
@_grain
@_force
@_agent
def draft_pipeline(sources: tuple[str, ...], out: Path, grain: str | None, force: bool, agent: str) -> None:
    """A medallion pipeline in DuckDB SQL (bronze, silver, SCD2, gold), its checks and an Airflow DAG."""
    from tools.drafting import draft_pipeline_project

    outcome = draft_pipeline_project(sources, out, grain=grain, agent=agent, force=force)
    _report(outcome, agent, f"next: deassist pipeline run {out}")


@click.group()
def pipeline() -> None:
    """Run a drafted pipeline."""


@pipeline.command("run")
@click.argument("directory", type=click.Path(path_type=Path))
@click.option("--step", "steps", multiple=True, help="Run only this step (repeatable); the DAG runs one per task.")
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text", show_default=True)
def pipeline_run(directory: Path, steps: tuple[str, ...], fmt: str) -> None:
    """Run the pipeline drafted in DIRECTORY: one batch, one transaction; a failing check changes nothing."""
    from tools.drafting import run_pipeline

    run = run_pipeline(directory, steps=steps or None)
    warnings = [r for report in run.quality for r in report.results if not r.passed]
    if fmt == "json":
        click.echo(
            json.dumps(
                {
                    "batch": run.batch,
                    "changed": run.changed,
                    "steps": [{"name": s.name, "rows": s.rows} for s in run.steps],
                    "warnings": [r.to_dict() for r in warnings],
                },
                indent=2,
                default=str,
            )
        )
        return
    click.echo(f"batch {run.batch}: {run.changed} rows changed")
    width = max((len(s.name) for s in run.steps), default=0)
    for step in run.steps:
        click.echo(f"  {step.name:<{width}}  {step.rows}")
    checks = sum(len(report.results) for report in run.quality)
    click.echo(f"quality: {checks} checks, {len(warnings)} warnings")
    for result in warnings:
        click.echo(f"  WARN {result.message}")


@click.command()
@click.argument("sources", nargs=-1, required=True)
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text", show_default=True)
@click.option("--state", "state", type=click.Path(path_type=Path), default=None, help="Run-history directory (row-count change).")
@click.option("--export-dbt", "export", type=click.Path(path_type=Path), default=None, help="Also write the checks as dbt tests here.")
@_force
@_agent
@_privileged
def quality(
    sources: tuple[str, ...],
    fmt: str,
    state: Path | None,
    export: Path | None,
    force: bool,
    agent: str,
    allow_privileged_role: bool,
) -> None:
    """Draft data-quality checks from the sources' profile and run them; exit 1 when one fails."""
    from tools.drafting import check_quality, export_quality_tests

    policy = _policy(allow_privileged_role)
    report = check_quality(sources, state_dir=state or _home() / "quality", policy=policy)
    click.echo(json.dumps(report.to_dict(), indent=2) if fmt == "json" else report.to_text())
    if export is not None:
        outcome = export_quality_tests(sources, export, agent=agent, force=force)
        click.echo(f"wrote {len(outcome.written)} dbt tests to {export}", err=True)
    if not report.passed:
        failed = report.first_failure
        assert failed is not None
        raise DeassistError("DEA-QUALITY-FAILED", failed.message, exit_code=FAILURE)


def _home() -> Path:
    configured = os.environ.get("DEASSIST_HOME")
    if configured:
        return Path(configured)
    import platformdirs

    return Path(platformdirs.user_data_dir("deassist"))


def _report(outcome, agent: str, hint: str) -> None:  # noqa: ANN001 - a tools.drafting.DraftOutcome
    recorded = sum(w.recorded for w in outcome.written)
    ledger = f", {recorded} recorded for @{agent.lstrip('@')}" if recorded else ""
    click.echo(f"wrote {len(outcome.written)} files to {outcome.directory}{ledger}")
    for written in outcome.written:
        click.echo(f"  {written.path.relative_to(outcome.directory.resolve())}")
    for note in outcome.notes:
        click.echo(f"note: {note}")
    click.echo(hint)
