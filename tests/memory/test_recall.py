"""Recall for an agent: the known entities a request mentions, and what memory says about them."""

from __future__ import annotations

import pytest

from tools.memory import MemoryStore, memory_context, mentioned_entities

NAMES = ["orders_etl", "warehouse.orders", "orders", "revenue_dashboard", "kafka.orders"]


@pytest.mark.parametrize(
    "request_text, expected",
    [
        ("why is orders_etl slow today?", ["orders_etl"]),
        ("Why is the Orders ETL slow?", ["orders_etl"]),
        ("the orders-etl job failed", ["orders_etl"]),
        ("add a column to warehouse.orders", ["warehouse.orders"]),
        ("count the orders", ["orders"]),
        ("warehouse.orders is built from orders", ["warehouse.orders", "orders"]),
        ("does revenue_dashboard read warehouse.orders or kafka.orders?", ["revenue_dashboard", "warehouse.orders", "kafka.orders"]),
        ("reorders and ordersetl are different words", []),
        ("", []),
    ],
)
def test_mentions_match_whole_words_however_they_are_joined(request_text: str, expected: list[str]):
    assert mentioned_entities(request_text, NAMES) == expected


def test_context_holds_the_facts_relations_and_lineage_of_what_is_mentioned(platform: MemoryStore):
    text = memory_context(platform, "Can we move the orders ETL to a 1-hour SLA?")
    assert text.startswith("Project memory")
    assert "- orders_etl (data_pipeline)" in text
    assert "2026-11-02: Spark on EMR, 2-hour SLA" in text
    assert "orders_etl owned_by data_platform_team" in text
    assert "upstream: kafka.orders" in text
    assert "downstream: churn_features, churn_model, revenue_dashboard, warehouse.orders" in text
    assert "churn_model (ml_model)" not in text, "only mentioned entities get a block"


def test_no_mention_no_context(platform: MemoryStore):
    assert memory_context(platform, "write a query for monthly revenue") == ""


def test_the_context_stays_small(store: MemoryStore):
    store.add("orders_etl", type="data_pipeline", observations=[f"run {i} took {i} minutes" for i in range(40)])
    for i in range(80):
        store.add(f"table_{i}", type="dataset", observations=["x" * 300])
    text = memory_context(store, "orders_etl " + " ".join(f"table_{i}" for i in range(80)), limit=3000)
    assert len(text) <= 3000
    assert text.endswith("(more in `deassist memory show`)")
    assert "run 39 took 39 minutes" in text and "run 30 took" not in text
    assert "(35 older observations)" in text
