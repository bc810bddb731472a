"""Drafting tools: a dbt project, a medallion pipeline, quality checks, and a pipeline run.

Thin wrappers over `tools.drafting`. Writing needs approval, and the approval lists every file the
draft would create or change with its diff. A re-draft replaces only files still as deassist wrote
them; a file the user changed is kept and the new version is written beside it (`.deassist-new`).
The draft approved is the draft written: it is prepared once, for the approval, and kept until the
call runs. Files land under the session's work directory and are recorded in the attribution ledger.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import TYPE_CHECKING, Any

from assistant.backends.base import ToolSpec
from assistant.events import PlannedChange
from assistant.toolbox import AgentTool, ToolContext, ToolError, ToolOutput, required

if TYPE_CHECKING:
    from tools.drafting.draft import PreparedDraft

PREPARED_KEPT = 4  # drafts prepared for an approval that was never answered are dropped past this
_prepared: dict[str, PreparedDraft] = {}


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


def _outcome(context: ToolContext, outcome, arguments: dict[str, Any]) -> ToolOutput:  # noqa: ANN001 - a DraftOutcome
    root = context.workdir.resolve()
    files = [w.path.relative_to(root).as_posix() for w in outcome.written]
    context.written.extend(files)
    # every drafted SQL file was proved (dbt models bound in order, pipeline steps rehearsed in order)
    context.proven_sql.update(
        w.path.read_text(encoding="utf-8").strip() for w in outcome.written if w.change.path.endswith(".sql")
    )
    directory = outcome.directory.resolve().relative_to(root).as_posix()
    kept = [
        {"file": f"{directory}/{w.change.path}", "new_version": f"{directory}/{w.change.written_as}", "reason": w.change.reason}
        for w in outcome.beside
    ]
    data = {
        "directory": str(outcome.directory),
        "files": files,
        "kept": kept,
        "tables": outcome.tables,
        "models": outcome.models,
        "notes": outcome.notes,
    }
    show = [str(t) for t in arguments.get("show") or []]
    if show:
        data["shown"] = _shown(root, outcome.directory.resolve(), files, show)
    return ToolOutput(data)


def _shown(root: Path, directory: Path, files: list[str], names: list[str]) -> dict[str, str]:
    """The drafted files named for `names` (tables, or parts such as dags, scd2, sources), and the YAML
    entries of the named tables, each cut at SHOWN_CHARS; SQL is never cut (it is shown as proved)."""
    from tools.drafting.writer import BESIDE

    named = re.compile(r"(^|[/_])(" + "|".join(re.escape(n) for n in names) + r")s?([/_.]|$)")
    shown: dict[str, str] = {}
    for file in files:
        path = root / file
        inside = path.relative_to(directory).as_posix()
        text = path.read_text(encoding="utf-8")
        if named.search(inside):
            shown[file] = text if file.removesuffix(BESIDE).endswith(".sql") else text[:SHOWN_CHARS]
        elif path.suffix == ".yml":
            entries = [b for b in re.split(r"(?m)^(?=- name: )", text) if b.startswith("- name: ") and named.search(b.split()[2])]
            if entries:
                shown[file] = "".join(entries)[:SHOWN_CHARS]
    return shown


def _key(context: ToolContext, tool: str, arguments: dict[str, Any]) -> str:
    import json

    return json.dumps([id(context), tool, _sources(context), str(_target(context, arguments)), _draft_options(arguments)])


def _draft_options(arguments: dict[str, Any]) -> dict[str, Any]:
    def names(key: str) -> list[str]:
        return [str(t) for t in arguments.get(key) or []]

    history = arguments.get("history")
    return {
        "grain": arguments.get("grain") or None,
        "tables": names("tables"),
        "history": names("history") if history is not None else None,
        "track": names("track"),
        "event_time": arguments.get("event_time") or None,
        "lookback": arguments.get("lookback") or None,
    }


def _prepare(context: ToolContext, tool: str, arguments: dict[str, Any]) -> PreparedDraft:
    """The draft for these arguments, prepared once: the approval lists its changes, the call writes it."""
    from tools.drafting.draft import prepare_dbt_project, prepare_pipeline_project
    from tools.drafting.pipeline import DEFAULT_LOOKBACK, PipelineOptions

    key = _key(context, tool, arguments)
    if key not in _prepared:
        o = _draft_options(arguments)
        sources, target = _sources(context), _target(context, arguments)
        if tool == "draft_dbt_project":
            _prepared[key] = prepare_dbt_project(
                sources, target, grain=o["grain"], tables=o["tables"], policy=context.sql_policy
            )
        else:
            history = tuple(o["history"]) if o["history"] is not None else None
            options = PipelineOptions(history, tuple(o["track"]), o["event_time"])
            lookback = o["lookback"] or DEFAULT_LOOKBACK
            _prepared[key] = prepare_pipeline_project(
                sources, target, grain=o["grain"], tables=o["tables"], lookback=lookback, options=options
            )
        while len(_prepared) > PREPARED_KEPT:
            _prepared.pop(next(iter(_prepared)))
    return _prepared[key]


def _write(tool: str):  # noqa: ANN202
    def write(context: ToolContext, arguments: dict[str, Any]) -> ToolOutput:
        from tools.drafting.draft import write_draft

        prepared = _prepare(context, tool, arguments)
        _prepared.pop(_key(context, tool, arguments), None)
        return _outcome(context, write_draft(prepared, keep_edits=True), arguments)

    return write


def planned_changes(tool: str):  # noqa: ANN202
    """The files a draft would create or change, relative to the work directory (none when it cannot be drafted)."""

    def changes(context: ToolContext, arguments: dict[str, Any]) -> list[PlannedChange]:
        from tools.errors import DeassistError

        try:
            prepared = _prepare(context, tool, arguments)
        except (ToolError, DeassistError):
            return []  # the call fails the same way, and says why
        directory = prepared.directory.resolve().relative_to(context.workdir.resolve()).as_posix()
        return [
            PlannedChange(f"{directory}/{c.written_as}", c.action, c.added, c.removed, c.diff, c.reason)
            for c in prepared.changes()
            if c.action != "unchanged"
        ]

    return changes


def check_quality(context: ToolContext, arguments: dict[str, Any]) -> ToolOutput:
    from tools.drafting import check_quality as run_checks

    report = run_checks(_sources(context), policy=context.sql_policy)
    return ToolOutput(report.to_dict())


def run_pipeline(context: ToolContext, arguments: dict[str, Any]) -> ToolOutput:
    from tools.drafting import run_pipeline as run

    result = run(_target(context, {"out": required(arguments, "directory")}))
    return ToolOutput({"batch": result.batch, "changed": result.changed, "steps": {s.name: s.rows for s in result.steps}})


def _describe_write(tool: str, what: str):  # noqa: ANN202
    def describe(context: ToolContext, arguments: dict[str, Any]) -> tuple[str, str]:
        from tools.errors import DeassistError

        try:
            prepared = _prepare(context, tool, arguments)
        except (ToolError, DeassistError) as exc:  # the call will fail the same way; the request still needs a summary
            return f"write {what}: {getattr(exc, 'message', exc)}", _displayed(context)
        changes = [c for c in prepared.changes() if c.action != "unchanged"]
        counts = {action: sum(c.action == action for c in changes) for action in ("create", "update", "beside")}
        said = [f"{n} {label}" for n, label in zip(counts.values(), ("new", "updated", "kept (new version beside)"), strict=True) if n]
        summary = f"write {what} to {prepared.directory.resolve()}: {', '.join(said) or 'no file changes'}"
        return summary, f"from {_displayed(context)}"

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


SHOWN_CHARS = 4000  # per file: enough for a model or a table's tests, never a whole project
SHOW = {
    "type": "array",
    "items": {"type": "string"},
    "description": "tables (or parts: dags, scd2, sources) whose drafted files and YAML entries to return",
}
OUT = {"type": "string", "description": "output directory, relative to the work directory"}
GRAIN = {"type": "string", "description": "table whose rows are the fact's grain (default: the most-linked table)"}
TABLES = {"type": "array", "items": {"type": "string"}, "description": "draft only these source tables (default: all)"}
PIPELINE_OPTIONS = {
    "history": {"type": "array", "items": {"type": "string"}, "description": "tables to keep SCD2 history for (default: the fact's dimensions)"},
    "track": {"type": "array", "items": {"type": "string"}, "description": "columns whose change opens an SCD2 version (default: any)"},
    "event_time": {"type": "string", "description": "event-time column incremental loads keep their watermark on"},
    "lookback": {"type": "string", "description": "how far back the watermark looks for late rows, e.g. '2 days' (default 3 days)"},
}

TOOLS = [
    AgentTool(
        ToolSpec(
            "draft_dbt_project",
            "Write a dbt project for the session's sources (dbt-duckdb; dbt-postgres for one PostgreSQL database):"
            " sources.yml, staging models (snake_case, casts, deduplicated on the key), marts for a grain with a"
            " date dimension, and tests from the profile. Every model is validated in its dialect before it is written.",
            {"type": "object", "properties": {"out": OUT, "grain": GRAIN, "tables": TABLES, "show": SHOW}, "required": ["out"]},
        ),
        _write("draft_dbt_project"),
        approval="write_file",
        describe=_describe_write("draft_dbt_project", "a dbt project"),
        changes=planned_changes("draft_dbt_project"),
    ),
    AgentTool(
        ToolSpec(
            "draft_pipeline",
            "Write a medallion pipeline in DuckDB SQL for the session's sources (bronze, silver with MERGE upserts"
            " and quality checks, SCD2 dimensions, gold daily aggregates; incremental by watermark with a"
            " lookback window) and its Airflow DAG. Rehearsed on empty copies of the sources before it is written.",
            {
                "type": "object",
                "properties": {"out": OUT, "grain": GRAIN, "tables": TABLES, "show": SHOW, **PIPELINE_OPTIONS},
                "required": ["out"],
            },
        ),
        _write("draft_pipeline"),
        approval="write_file",
        describe=_describe_write("draft_pipeline", "a medallion pipeline"),
        changes=planned_changes("draft_pipeline"),
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
