"""Drafting tools: a dbt project, a medallion pipeline, quality checks, and a pipeline run.

Thin wrappers over `tools.drafting`. Writing needs approval; an approved write may replace the
files it names in an existing directory (the approval request says so) and leaves others alone.
Files land under the session's work directory and are recorded in the attribution ledger.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from assistant.backends.base import ToolSpec
from assistant.toolbox import AgentTool, ToolContext, ToolError, ToolOutput, required


def _sources(context: ToolContext) -> list[str]:
    if not context.catalog.tables:
        raise ToolError("no sources in this session: add one with --data")
    return sorted({t.source.location for t in context.catalog.tables})


def _target(context: ToolContext, arguments: dict[str, Any]) -> Path:
    """The output directory, which must lie inside the work directory."""
    root = context.workdir.resolve()
    target = (root / str(required(arguments, "out"))).resolve()
    if not target.is_relative_to(root) or target == root:
        raise ToolError(f"out must be a directory inside the work directory {context.workdir}")
    return target


def _outcome(context: ToolContext, outcome) -> ToolOutput:  # noqa: ANN001 - a tools.drafting.DraftOutcome
    root = context.workdir.resolve()
    files = [w.path.relative_to(root).as_posix() for w in outcome.written]
    context.written.extend(files)
    return ToolOutput({"directory": str(outcome.directory), "files": files, "models": outcome.models, "notes": outcome.notes})


def draft_dbt(context: ToolContext, arguments: dict[str, Any]) -> ToolOutput:
    from tools.drafting import draft_dbt_project

    outcome = draft_dbt_project(_sources(context), _target(context, arguments), grain=arguments.get("grain"), force=True)
    return _outcome(context, outcome)


def draft_pipeline(context: ToolContext, arguments: dict[str, Any]) -> ToolOutput:
    from tools.drafting import draft_pipeline_project

    outcome = draft_pipeline_project(_sources(context), _target(context, arguments), grain=arguments.get("grain"), force=True)
    return _outcome(context, outcome)


def check_quality(context: ToolContext, arguments: dict[str, Any]) -> ToolOutput:
    from tools.drafting import check_quality as run_checks

    report = run_checks(_sources(context))
    return ToolOutput(report.to_dict())


def run_pipeline(context: ToolContext, arguments: dict[str, Any]) -> ToolOutput:
    from tools.drafting import run_pipeline as run

    result = run(_target(context, {"out": required(arguments, "directory")}))
    return ToolOutput({"batch": result.batch, "changed": result.changed, "steps": {s.name: s.rows for s in result.steps}})


def _describe_write(what: str):  # noqa: ANN202
    def describe(context: ToolContext, arguments: dict[str, Any]) -> tuple[str, str]:
        try:
            target = _target(context, arguments)
            _sources(context)
        except ToolError as exc:  # the call will fail the same way; the request still needs a summary
            return f"write {what}: {exc}", ""
        replaces = " (the directory exists: files of the same name are replaced)" if target.exists() else ""
        return f"write {what} to {target}{replaces}", _displayed(context)

    return describe


def _describe_read(context: ToolContext, arguments: dict[str, Any]) -> tuple[str, str]:
    return "run data-quality checks (read-only scans of the sources)", _displayed(context)


def _displayed(context: ToolContext) -> str:
    """The sources as shown to people (connection strings without their password)."""
    return ", ".join(sorted({t.source.display for t in context.catalog.tables})) or "no sources"


def _describe_run(context: ToolContext, arguments: dict[str, Any]) -> tuple[str, str]:
    try:
        target = _target(context, {"out": required(arguments, "directory")})
    except ToolError as exc:
        return f"run a pipeline: {exc}", ""
    return f"run the pipeline in {target} (writes its warehouse.duckdb)", str(target)


OUT = {"type": "string", "description": "output directory, relative to the work directory"}
GRAIN = {"type": "string", "description": "table whose rows are the fact's grain (default: the most-linked table)"}

TOOLS = [
    AgentTool(
        ToolSpec(
            "draft_dbt_project",
            "Write a dbt-duckdb project for the session's sources: sources.yml, staging models (snake_case, casts,"
            " deduplicated on the key), marts for a grain with a date dimension, and tests from the profile."
            " Every model is bound in DuckDB before it is written.",
            {"type": "object", "properties": {"out": OUT, "grain": GRAIN}, "required": ["out"]},
        ),
        draft_dbt,
        approval="write_file",
        describe=_describe_write("a dbt project"),
    ),
    AgentTool(
        ToolSpec(
            "draft_pipeline",
            "Write a medallion pipeline in DuckDB SQL for the session's sources (bronze, silver with MERGE upserts"
            " and quality checks, SCD2 dimensions, gold daily aggregates; incremental by watermark with a"
            " lookback window) and its Airflow DAG. Rehearsed on empty copies of the sources before it is written.",
            {"type": "object", "properties": {"out": OUT, "grain": GRAIN}, "required": ["out"]},
        ),
        draft_pipeline,
        approval="write_file",
        describe=_describe_write("a medallion pipeline"),
    ),
    AgentTool(
        ToolSpec(
            "check_quality",
            "Draft data-quality checks from the sources' profile (completeness, uniqueness, ranges, accepted"
            " values, referential integrity, freshness, row-count change) and run them: pass/fail per check"
            " with failing sample rows, personal data masked.",
            {"type": "object", "properties": {}},
        ),
        check_quality,
        approval="run_sql",
        describe=_describe_read,
    ),
    AgentTool(
        ToolSpec(
            "run_pipeline",
            "Run a drafted pipeline (one batch in one transaction; a failing quality check keeps nothing).",
            {"type": "object", "properties": {"directory": OUT}, "required": ["directory"]},
        ),
        run_pipeline,
        approval="run_sql",
        describe=_describe_run,
    ),
]
