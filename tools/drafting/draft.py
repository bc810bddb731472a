"""The drafting entry points the CLI and the agents' toolbox call: plan, draft, prove, write."""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

from tools.drafting.dbt import draft_dbt
from tools.drafting.names import quote
from tools.drafting.pipeline import CHECKS_FILE, SPEC_FILE, PipelineSpec, draft_pipeline
from tools.drafting.plan import SourcePlan, load_plan
from tools.drafting.quality import QualityReport, dbt_tests, draft_checks, previous_counts, record_counts, run_checks
from tools.drafting.writer import DEFAULT_AGENT, WrittenFile, write_files
from tools.errors import FAILURE, DeassistError


@dataclass
class DraftOutcome:
    directory: Path
    written: list[WrittenFile]
    models: list[str] = field(default_factory=list)  # dbt models, or pipeline steps
    notes: list[str] = field(default_factory=list)


def draft_dbt_project(
    sources: Sequence[str], out: Path, *, grain: str | None = None, agent: str = DEFAULT_AGENT, force: bool = False
) -> DraftOutcome:
    """A dbt-duckdb project for the sources, every model bound in DuckDB before it is written."""
    plan = load_plan(sources)
    draft = draft_dbt(plan, grain=grain, project=out.resolve().name or "warehouse")
    written = write_files(out, draft.files, agent=agent, force=force)
    return DraftOutcome(out, written, draft.models, draft.notes)


def draft_pipeline_project(
    sources: Sequence[str], out: Path, *, grain: str | None = None, agent: str = DEFAULT_AGENT, force: bool = False
) -> DraftOutcome:
    """A medallion pipeline for the sources, rehearsed on empty copies of them before it is written."""
    from tools.drafting.names import snake_case
    from tools.drafting.orchestration import check_dag, check_dag_source

    plan = load_plan(sources)
    name = snake_case(out.resolve().name or "warehouse")
    draft = draft_pipeline(plan, grain=grain, name=name)
    spec = PipelineSpec.from_json(draft.files[SPEC_FILE])
    dag = f"dags/{name}_pipeline.py"
    check_dag_source(draft.files[dag], spec, dag)
    rehearse(plan, draft.files)
    written = write_files(out, draft.files, agent=agent, force=force)
    check_dag(out / dag, spec)
    return DraftOutcome(out, written, draft.models, draft.notes)


def rehearse(plan: SourcePlan, files: dict[str, str]) -> None:
    """Run the whole pipeline twice in memory, on empty tables shaped like the sources: every
    statement must bind and run, before any file is written."""
    from tools.drafting.runner import execute_steps
    from tools.duckdb_sandbox import connect_duckdb

    conn = connect_duckdb(preserve_insertion_order=False)  # as the pipeline runner's connection
    try:
        conn.execute("CREATE SCHEMA rehearsal")
        replacements = {}
        for table in plan.tables:
            columns = ", ".join(f"{quote(c.source)} {c.profile.type}" for c in table.columns)
            conn.execute(f"CREATE TABLE rehearsal.{quote(table.name)} ({columns})")
            replacements[table.read_sql] = f"rehearsal.{quote(table.name)}"
        rewritten = dict(files)
        for path, text in files.items():
            if path.endswith(".sql"):
                for old, new in replacements.items():
                    text = text.replace(old, new)
                rewritten[path] = text
        spec = PipelineSpec.from_json(files[SPEC_FILE])
        checks = json.loads(files[CHECKS_FILE])
        for _ in range(2):
            execute_steps(conn, spec, rewritten.__getitem__, spec.steps, checks, {})
    except DeassistError as exc:
        raise DeassistError("DEA-DRAFT-INVALID-SQL", f"the drafted pipeline does not run: {exc.message}", exit_code=FAILURE) from None
    finally:
        conn.close()


def check_quality(sources: Sequence[str], *, state_dir: Path | None = None) -> QualityReport:
    """Draft checks from the sources' profile and run them on the sources' rows (typed, not deduplicated).

    With `state_dir`, row counts are compared with the last run recorded there, and this run is recorded.
    """
    import duckdb

    from tools.duckdb_sandbox import connect_for_tables

    plan = load_plan(sources)
    checks = draft_checks(plan)
    label = " ".join(sources)
    conn = connect_for_tables([t.table for t in plan.tables])
    try:
        for path, alias in plan.attachments.items():
            conn.execute(f"ATTACH '{path.replace(chr(39), chr(39) * 2)}' AS {alias} (READ_ONLY)")
        relations = {}
        for table in plan.tables:
            relation = quote(f"q_{table.name}")
            casts = ", ".join(c.cast for c in table.columns)
            conn.execute(f"CREATE TEMP TABLE {relation} AS SELECT {casts} FROM {table.read_sql}")
            relations[table.name] = relation
        history = previous_counts(state_dir, label) if state_dir else {}
        pii = {t.name: {c.name for c in t.columns if c.profile.pii} for t in plan.tables}
        report, counts = run_checks(conn, checks, relations, pii=pii, previous_counts=history, source=label)
    except duckdb.Error as exc:
        raise DeassistError("DEA-QUALITY-READ", f"{label}: {str(exc).splitlines()[0]}") from None
    finally:
        conn.close()
    if state_dir:
        record_counts(state_dir, label, counts)
    return report


def export_quality_tests(
    sources: Sequence[str], out: Path, *, agent: str = DEFAULT_AGENT, force: bool = False
) -> DraftOutcome:
    """The drafted checks as dbt singular tests on the staging models (`stg_<table>`) of a drafted project."""
    plan = load_plan(sources)
    files = dbt_tests(draft_checks(plan), lambda table: f"stg_{table}")
    return DraftOutcome(out, write_files(out, files, agent=agent, force=force), [], plan.notes)
