"""Run a drafted pipeline: every step's SQL in one DuckDB transaction, quality checks after each
silver load, and nothing kept when a check fails."""

from __future__ import annotations

import datetime as dt
import json
import os
import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from tools.drafting.quality import Check, QualityReport, previous_counts, record_counts, run_checks
from tools.drafting.spec import CHECKS_FILE, SPEC_FILE, PipelineSpec, Step
from tools.duckdb_sandbox import connect_duckdb
from tools.errors import FAILURE, DeassistError

STATE_DIR = "state"
# Writes that change a layer (temporary work tables and meta bookkeeping are not counted).
LAYER_WRITE = re.compile(r"^\s*(?:--[^\n]*\n\s*)*(?:INSERT|MERGE)\s+INTO\s+(?:bronze|silver|gold)\.", re.IGNORECASE)


@dataclass
class StepRun:
    name: str
    rows: int  # rows inserted, updated or deleted in bronze, silver or gold by the step


@dataclass
class PipelineRun:
    batch: int
    steps: list[StepRun] = field(default_factory=list)
    quality: list[QualityReport] = field(default_factory=list)
    row_counts: dict[str, int] = field(default_factory=dict)  # silver tables after the run

    @property
    def changed(self) -> int:
        return sum(s.rows for s in self.steps)


def load_spec(directory: Path) -> PipelineSpec:
    path = directory / SPEC_FILE
    if not path.is_file():
        raise DeassistError("DEA-PIPELINE-MISSING", f"{directory}: no {SPEC_FILE} (draft one with `deassist draft pipeline`)")
    try:
        return PipelineSpec.from_json(path.read_text(encoding="utf-8"))
    except (ValueError, TypeError, KeyError) as exc:
        raise DeassistError("DEA-PIPELINE-SPEC", f"{path}: not a drafted pipeline spec ({exc})") from None


def run_pipeline(directory: Path, *, steps: Sequence[str] | None = None) -> PipelineRun:
    """Run all steps (or the named ones, in spec order) as one batch; a failing check rolls it all back."""
    import duckdb

    spec = load_spec(directory)
    chosen = spec.steps
    if steps:
        unknown = [s for s in steps if spec.step(s) is None]
        if unknown:
            raise DeassistError("DEA-PIPELINE-STEP", f"no step {unknown[0]} (steps: {', '.join(s.name for s in spec.steps)})")
        chosen = [s for s in spec.steps if s.name in steps]
    checks = json.loads((directory / CHECKS_FILE).read_text(encoding="utf-8"))
    state = directory / STATE_DIR
    # Layers are sets: bulk loads need no insertion order. A step reads the pipeline folder and the
    # sources its spec names, nothing else.
    folders = [directory, *(s for s in spec.sources if os.path.isdir(s))]
    files = [*spec.attach.values(), *(s for s in spec.sources if not os.path.isdir(s))]
    conn = connect_duckdb(str(directory / spec.warehouse), files=files, directories=folders, preserve_insertion_order=False)
    try:
        for alias, path in spec.attach.items():
            conn.execute(f"ATTACH IF NOT EXISTS '{path.replace(chr(39), chr(39) * 2)}' AS {alias} (READ_ONLY)")
        read = lambda relative: (directory / relative).read_text(encoding="utf-8")  # noqa: E731
        run = execute_steps(conn, spec, read, chosen, checks, previous_counts(state, spec.name))
    except duckdb.Error as exc:
        raise DeassistError("DEA-PIPELINE-SQL", f"{directory}: {str(exc).splitlines()[0]}", exit_code=FAILURE) from None
    finally:
        conn.close()
    if run.row_counts:
        record_counts(state, spec.name, run.row_counts)
    return run


def execute_steps(
    conn: Any,
    spec: PipelineSpec,
    read: Callable[[str], str],
    steps: Sequence[Step],
    checks: list[dict[str, Any]],
    history: Mapping[str, int],
) -> PipelineRun:
    """Set up, then run `steps` as one batch in one transaction on `conn` (a DuckDB connection)."""
    _execute(conn, read("sql/setup.sql"))
    drafted = [Check.from_dict(c) for c in checks]
    conn.execute("BEGIN TRANSACTION")
    batch = conn.execute("SELECT coalesce(max(batch_id), 0) + 1 FROM meta.batches").fetchone()[0]
    started = dt.datetime.now(dt.UTC).replace(tzinfo=None)
    conn.execute("INSERT INTO meta.batches VALUES (?, ?, ?)", [batch, started, ",".join(s.name for s in steps)])
    conn.execute(f"SET VARIABLE deassist_batch = {int(batch)}")
    conn.execute(f"SET VARIABLE deassist_started = TIMESTAMP '{started.isoformat(sep=' ')}'")
    run = PipelineRun(batch)
    for step in steps:
        rows = _execute(conn, read(step.sql), step=step.name)
        run.steps.append(StepRun(step.name, rows))
        mine = [c for c in drafted if c.table in step.checks]
        if not mine or not rows:
            continue  # nothing new in the table: the checks of the run that loaded it stand
        report, counts = run_checks(
            conn, mine, spec.relations, pii={t: set(c) for t, c in spec.pii.items()}, previous_counts=history,
            source=spec.name,
        )
        run.quality.append(report)
        run.row_counts.update(counts)
        failed = report.first_failure
        if failed is not None:
            conn.execute("ROLLBACK")
            raise DeassistError(
                "DEA-PIPELINE-CHECK",
                f"step {step.name}: {failed.message}; batch {batch} rolled back, nothing changed",
                exit_code=FAILURE,
            )
    conn.execute("COMMIT")
    return run


def _execute(conn: Any, sql: str, *, step: str = "setup") -> int:
    """Run each statement; the rows the ones writing to a layer changed."""
    import duckdb

    changed = 0
    for statement in conn.extract_statements(sql):
        try:
            result = conn.execute(statement)
        except duckdb.PermissionException as exc:
            raise DeassistError(
                "DEA-PIPELINE-OUTSIDE",
                f"step {step} reads outside the pipeline folder and the sources in {SPEC_FILE} ({str(exc).splitlines()[0]})",
                exit_code=FAILURE,
            ) from None
        except duckdb.Error as exc:
            raise DeassistError("DEA-PIPELINE-SQL", f"step {step}: {str(exc).splitlines()[0]}", exit_code=FAILURE) from None
        if LAYER_WRITE.search(statement.query):
            row = result.fetchone()
            changed += row[0] if row else 0
    return changed
