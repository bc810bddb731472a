"""The drafting entry points the CLI and the agents' toolbox call: plan, draft, prove, write."""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

from tools.drafting.dbt import draft_dbt
from tools.drafting.names import quote
from tools.drafting.pipeline import DEFAULT_LOOKBACK, PipelineOptions, draft_pipeline
from tools.drafting.plan import CHECKABLE, DBT_DRAFTABLE, SourcePlan, load_plan
from tools.drafting.quality import (
    QualityReport,
    dbt_tests,
    draft_checks,
    measure_violations,
    previous_counts,
    record_counts,
    staged_checks,
)
from tools.drafting.spec import CHECKS_FILE, SPEC_FILE, PipelineSpec
from tools.drafting.writer import DEFAULT_AGENT, FileChange, WrittenFile, plan_changes, write_files
from tools.errors import FAILURE, DeassistError
from tools.sql.policy import SqlPolicy


@dataclass
class PreparedDraft:
    """A draft proven and ready to write: its files (relative to `directory`) and what it holds."""

    directory: Path
    files: dict[str, str]
    models: list[str] = field(default_factory=list)  # dbt models, or pipeline steps
    notes: list[str] = field(default_factory=list)
    tables: list[str] = field(default_factory=list)  # the source tables drafted

    def changes(self, *, force: bool = False) -> list[FileChange]:
        """What writing it would do to each file (see `tools.drafting.writer`)."""
        return plan_changes(self.directory, self.files, overwrite=force)


@dataclass
class DraftOutcome:
    directory: Path
    written: list[WrittenFile]
    models: list[str] = field(default_factory=list)  # dbt models, or pipeline steps
    notes: list[str] = field(default_factory=list)
    tables: list[str] = field(default_factory=list)

    @property
    def beside(self) -> list[WrittenFile]:
        """New versions written beside a file the user changed (or deassist did not write)."""
        return [w for w in self.written if w.change.action == "beside"]


def prepare_dbt_project(
    sources: Sequence[str],
    out: Path,
    *,
    grain: str | None = None,
    tables: Sequence[str] = (),
    policy: SqlPolicy | None = None,
) -> PreparedDraft:
    """A dbt project for the sources (or the named tables of them): dbt-duckdb, or dbt-postgres over one
    PostgreSQL database; every model validated in the project's dialect."""
    plan = load_plan(sources, tables=tables, kinds=DBT_DRAFTABLE, policy=policy)
    violations = measure_violations(plan)
    draft = draft_dbt(plan, grain=grain, project=out.resolve().name or "warehouse")
    notes = [*draft.notes, *(v.note for v in violations)]
    return PreparedDraft(out, draft.files, draft.models, notes, [t.name for t in plan.tables])


def prepare_pipeline_project(
    sources: Sequence[str],
    out: Path,
    *,
    grain: str | None = None,
    tables: Sequence[str] = (),
    lookback: str = DEFAULT_LOOKBACK,
    options: PipelineOptions = PipelineOptions(),
) -> PreparedDraft:
    """A medallion pipeline for the sources (or the named tables), rehearsed on empty copies of them."""
    from tools.drafting.names import snake_case
    from tools.drafting.orchestration import check_dag_source

    plan = load_plan(sources, tables=tables)
    violations = measure_violations(plan)
    name = snake_case(out.resolve().name or "warehouse")
    draft = draft_pipeline(plan, grain=grain, name=name, lookback=lookback, options=options)
    spec = PipelineSpec.from_json(draft.files[SPEC_FILE])
    dag = f"dags/{name}_pipeline.py"
    check_dag_source(draft.files[dag], spec, dag)
    rehearse(plan, draft.files)
    notes = [*draft.notes, *(v.note for v in violations)]
    return PreparedDraft(out, draft.files, draft.models, notes, [t.name for t in plan.tables])


def write_draft(
    prepared: PreparedDraft, *, agent: str = DEFAULT_AGENT, force: bool = False, keep_edits: bool = False
) -> DraftOutcome:
    """Write a prepared draft (see `write_files` for what happens to existing files)."""
    written = write_files(prepared.directory, prepared.files, agent=agent, force=force, keep_edits=keep_edits)
    if SPEC_FILE in prepared.files:
        from tools.drafting.orchestration import check_dag

        spec = PipelineSpec.from_json(prepared.files[SPEC_FILE])
        for file in written:  # the DAG as written (beside the user's, when they changed theirs)
            if file.change.path == f"dags/{spec.name}_pipeline.py":
                check_dag(file.path, spec)
    return DraftOutcome(prepared.directory, written, prepared.models, prepared.notes, prepared.tables)


def draft_dbt_project(
    sources: Sequence[str],
    out: Path,
    *,
    grain: str | None = None,
    agent: str = DEFAULT_AGENT,
    force: bool = False,
    policy: SqlPolicy | None = None,
) -> DraftOutcome:
    """A dbt project for the sources, every model validated before it is written."""
    return write_draft(prepare_dbt_project(sources, out, grain=grain, policy=policy), agent=agent, force=force)


def draft_pipeline_project(
    sources: Sequence[str], out: Path, *, grain: str | None = None, agent: str = DEFAULT_AGENT, force: bool = False
) -> DraftOutcome:
    """A medallion pipeline for the sources, rehearsed on empty copies of them before it is written."""
    return write_draft(prepare_pipeline_project(sources, out, grain=grain), agent=agent, force=force)


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


def check_quality(
    sources: Sequence[str], *, state_dir: Path | None = None, policy: SqlPolicy | None = None
) -> QualityReport:
    """Draft checks from what the sources mean and run them on the sources' rows (typed, not
    deduplicated); files, DuckDB, SQLite and PostgreSQL, databases read-only.

    With `state_dir`, row counts are compared with the last run recorded there, and this run is recorded.
    """
    plan = load_plan(sources, kinds=CHECKABLE, policy=policy)
    label = " ".join(sources)
    history = previous_counts(state_dir, label) if state_dir else {}
    report, counts = staged_checks(plan, draft_checks(plan), previous=history, source=label)
    if state_dir:
        record_counts(state_dir, label, counts)
    return report


def export_quality_tests(
    sources: Sequence[str], out: Path, *, agent: str = DEFAULT_AGENT, force: bool = False, keep_edits: bool = False
) -> DraftOutcome:
    """The drafted checks as dbt singular tests on the staging models (`stg_<table>`) of a drafted project."""
    plan = load_plan(sources)
    measure_violations(plan)
    files = dbt_tests(draft_checks(plan), lambda table: f"stg_{table}")
    written = write_files(out, files, agent=agent, force=force, keep_edits=keep_edits)
    return DraftOutcome(out, written, [], plan.notes, [t.name for t in plan.tables])
