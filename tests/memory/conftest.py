"""Memory fixtures: a real memory file in a temporary project, and a small platform to remember."""

from __future__ import annotations

from pathlib import Path

import pytest

from tools.memory import MemoryStore

# A team's platform: streams feed a pipeline that loads the warehouse; a dashboard and a feature
# store read from it; ownership is not lineage.
PLATFORM: list[tuple[str, str, list[str], list[tuple[str, str]]]] = [
    ("kafka.orders", "streaming_system", ["3 partitions, 7-day retention"], [("feeds_data_to", "orders_etl")]),
    (
        "orders_etl",
        "data_pipeline",
        ["processes 50 GB a day from 15 sources", "Spark on EMR, 2-hour SLA"],
        [("feeds_data_to", "warehouse.orders"), ("owned_by", "data_platform_team")],
    ),
    ("warehouse.orders", "dataset", ["partitioned by order_date"], []),
    ("revenue_dashboard", "dashboard", ["refreshed hourly in Superset"], [("depends_on", "warehouse.orders")]),
    ("churn_features", "feature_store", ["Feast, online store in Redis"], [("reads_from", "warehouse.orders")]),
    ("churn_model", "ml_model", ["retrained weekly"], [("depends_on", "churn_features")]),
]


@pytest.fixture
def store(tmp_path: Path) -> MemoryStore:
    return MemoryStore(tmp_path / "project" / ".deassist" / "memory.duckdb")


@pytest.fixture
def platform(store: MemoryStore) -> MemoryStore:
    for name, kind, observations, relations in PLATFORM:
        store.add(name, type=kind, observations=observations, relations=relations, date="2026-11-02")
    return store
