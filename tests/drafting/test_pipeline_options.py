"""SCD2 and incremental requests: the options read from the words (fixtures/pipeline_options.txt), and
the drafted pipeline doing what they say when it runs: history with valid_from / valid_to / is_current
opened only by a change to the tracked columns, and an event-time watermark that takes late rows
within the lookback."""

from __future__ import annotations

import csv
import json
from pathlib import Path

import duckdb
import pytest

from assistant.planner.draft import pipeline_options
from tools.drafting import run_pipeline
from tools.drafting.draft import prepare_pipeline_project, write_draft
from tools.drafting.pipeline import PipelineOptions
from tools.errors import DeassistError

FIXTURES = Path(__file__).parent / "fixtures"
COLUMNS = {
    "trips": {"trip_id", "rider_id", "started_at", "fare", "status", "updated_at"},
    "riders": {"rider_id", "email", "city", "updated_at"},
}


def _cases() -> list[tuple[str, dict]]:
    lines = (FIXTURES / "pipeline_options.txt").read_text(encoding="utf-8").splitlines()
    return [(t.strip(), json.loads(o)) for t, o in (line.rsplit("|", 1) for line in lines if line.strip() and not line.startswith("#"))]


@pytest.mark.parametrize(("request_text", "options"), _cases())
def test_the_options_a_request_names(request_text: str, options: dict) -> None:
    assert pipeline_options(request_text, ["payments", "riders", "trips"], COLUMNS) == options


def _write(path: Path, rows: list[dict]) -> None:
    with path.open("w", newline="") as out:
        writer = csv.DictWriter(out, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerows(rows)


def test_scd2_history_opens_versions_only_for_the_tracked_columns(tmp_path: Path) -> None:
    raw = tmp_path / "raw"
    raw.mkdir()
    riders = [{"rider_id": i, "email": f"r{i}@example.com", "city": "Seoul", "nickname": f"n{i}", "updated_at": "2025-05-01 00:00:00"} for i in range(1, 6)]
    trips = [{"trip_id": i, "rider_id": 1 + i % 5, "started_at": f"2025-05-0{1 + i % 5} 10:00:00", "fare": 10.5, "updated_at": f"2025-05-0{1 + i % 5} 11:00:00"} for i in range(1, 11)]
    _write(raw / "riders.csv", riders)
    _write(raw / "trips.csv", trips)
    out = tmp_path / "pipe"
    options = PipelineOptions(history=("riders",), track=("city",), event_time="started_at")
    prepared = prepare_pipeline_project([str(raw)], out, grain="trips", options=options)
    assert any("a change to city opens a version" in n for n in prepared.notes)
    write_draft(prepared)
    run_pipeline(out)
    riders[0] = {**riders[0], "city": "Busan", "updated_at": "2025-05-03 00:00:00"}  # tracked: a new version
    riders[1] = {**riders[1], "nickname": "renamed", "updated_at": "2025-05-03 00:00:00"}  # untracked: none
    _write(raw / "riders.csv", riders)
    run_pipeline(out)
    with duckdb.connect(str(out / "warehouse.duckdb"), read_only=True) as conn:
        history = conn.execute(
            "SELECT rider_id, city, valid_from, valid_to, is_current FROM silver.riders_history WHERE rider_id IN (1, 2) ORDER BY rider_id, valid_from"
        ).fetchall()
    assert [(r[0], r[1], r[4]) for r in history] == [(1, "Seoul", False), (1, "Busan", True), (2, "Seoul", True)]
    assert history[0][3] == history[1][2]  # the old version ends where the new one starts


def test_an_event_time_watermark_takes_late_rows_within_the_lookback(tmp_path: Path) -> None:
    raw = tmp_path / "raw"
    raw.mkdir()
    trips = [{"trip_id": i, "started_at": f"2025-05-{10 + i:02d} 10:00:00", "fare": 5.0} for i in range(1, 6)]
    _write(raw / "trips.csv", trips)
    out = tmp_path / "pipe"
    write_draft(prepare_pipeline_project([str(raw)], out, lookback="2 days", options=PipelineOptions(event_time="started_at")))
    assert "started_at" in (out / "sql" / "bronze" / "trips.sql").read_text()
    run_pipeline(out)
    late = {"trip_id": 6, "started_at": "2025-05-14 09:00:00", "fare": 7.0}  # a day before the watermark
    too_late = {"trip_id": 7, "started_at": "2025-05-01 09:00:00", "fare": 9.0}  # past the lookback
    _write(raw / "trips.csv", [*trips, late, too_late])
    run_pipeline(out)
    with duckdb.connect(str(out / "warehouse.duckdb"), read_only=True) as conn:
        ids = {r[0] for r in conn.execute("SELECT trip_id FROM silver.trips").fetchall()}
    assert 6 in ids and 7 not in ids
    with pytest.raises(DeassistError) as raised:
        prepare_pipeline_project([str(raw)], out, lookback="1 day'; DROP TABLE x; --")
    assert raised.value.code == "DEA-DRAFT-LOOKBACK"
    with pytest.raises(DeassistError) as raised:
        prepare_pipeline_project([str(raw)], out, options=PipelineOptions(event_time="fare"))
    assert raised.value.code == "DEA-DRAFT-COLUMN"
