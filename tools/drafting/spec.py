"""The pipeline spec: the steps of a drafted pipeline and what they read, written as `pipeline.json`.

Its own module because the drafter writes it and the runner and the Airflow DAG read it.
"""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass, field

SPEC_FILE = "pipeline.json"
CHECKS_FILE = "quality/checks.json"


@dataclass
class Step:
    name: str
    sql: str  # file relative to the pipeline directory
    depends_on: list[str] = field(default_factory=list)
    checks: list[str] = field(default_factory=list)  # tables whose quality checks run after this step


@dataclass
class PipelineSpec:
    name: str
    warehouse: str  # DuckDB file, relative to the pipeline directory
    attach: dict[str, str]  # alias -> source DuckDB file (attached read-only)
    lookback: str
    steps: list[Step]
    relations: dict[str, str]  # table -> relation the quality checks read (silver)
    pii: dict[str, list[str]]
    # Files and folders the bronze steps read (attached DuckDB files are in `attach`): with the
    # pipeline folder, all a run may read.
    sources: list[str] = field(default_factory=list)

    def to_json(self) -> str:
        return json.dumps(asdict(self), indent=2) + "\n"

    @classmethod
    def from_json(cls, text: str) -> PipelineSpec:
        data = json.loads(text)
        data["steps"] = [Step(**s) for s in data["steps"]]
        return cls(**data)

    def step(self, name: str) -> Step | None:
        return next((s for s in self.steps if s.name == name), None)
