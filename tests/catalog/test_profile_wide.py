"""A wide table profiles in batches of aggregates: every column's statistics, no crash, bounded key search."""

from __future__ import annotations

import csv
from pathlib import Path

from tools.catalog.readers import load_catalog
from tools.profile import profile_catalog
from tools.profile.profiler import AGGREGATE_BATCH, COMPOSITE_COLUMNS

# Past 300 columns the single SELECT of the first version ran out of memory (and crashed near 3,000).
COLUMNS = 600


def test_a_600_column_csv_profiles_every_column(tmp_path: Path) -> None:
    path = tmp_path / "wide.csv"
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(["contact_email", *(f"c{i}" for i in range(1, COLUMNS))])
        for row in range(4):
            # Two distinct values per column and no unique column: the composite-key search runs.
            writer.writerow([f"person{row % 2}@example.com", *(i * 10 + row % 2 for i in range(1, COLUMNS))])
    assert COLUMNS * 3 > 5 * AGGREGATE_BATCH  # the statistics span several SELECTs

    [profile] = profile_catalog(load_catalog([str(path)]))

    assert profile.row_count == 4 and len(profile.columns) == COLUMNS
    last = profile.column(f"c{COLUMNS - 1}")
    assert (last.count, last.distinct, last.min, last.max) == (4, 2, (COLUMNS - 1) * 10, (COLUMNS - 1) * 10 + 1)
    assert [t.count for t in last.top_values] == [2, 2]
    email = profile.column("contact_email")
    assert email.pii and email.min == "p***@example.com"
    assert profile.duplicate_rows == 2
    assert f"composite keys looked for among the first {COMPOSITE_COLUMNS} key-like columns" in profile.notes
