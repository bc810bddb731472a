"""Drafting that runs: dbt projects, medallion pipelines, data-quality checks and their DAGs.

Everything drafted is proven before it is written (dbt models bind in DuckDB, pipelines run on
empty copies of their sources, DAGs are read back with `ast`), and written by one function
(`tools.drafting.writer.write_files`) that records each file in the attribution ledger.
"""

from tools.drafting.draft import (
    DraftOutcome,
    check_quality,
    draft_dbt_project,
    draft_pipeline_project,
    export_quality_tests,
)
from tools.drafting.runner import PipelineRun, run_pipeline
from tools.drafting.writer import DEFAULT_AGENT, WrittenFile, write_files

__all__ = [
    "DEFAULT_AGENT",
    "DraftOutcome",
    "PipelineRun",
    "WrittenFile",
    "check_quality",
    "draft_dbt_project",
    "draft_pipeline_project",
    "export_quality_tests",
    "run_pipeline",
    "write_files",
]
