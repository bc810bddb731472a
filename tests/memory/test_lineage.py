"""Lineage: upstream and downstream, transitively, along data-flow relations, safe on cycles."""

from __future__ import annotations

import re

import pytest

from tools.memory import LineageNode, MemoryStore, lineage_tree, render_mermaid


def _names(nodes: list[LineageNode]) -> set[str]:
    found = set()
    for node in nodes:
        found.add(node.name)
        found |= _names(node.children)
    return found


def _outline(nodes: list[LineageNode], indent: str = "") -> list[str]:
    lines = []
    for n in nodes:
        lines.append(f"{indent}{n.name} {n.relation}{' (repeat)' if n.repeat else ''}")
        lines.extend(_outline(n.children, indent + "  "))
    return lines


@pytest.mark.parametrize(
    "entity, upstream, downstream",
    [
        ("kafka.orders", set(), {"orders_etl", "warehouse.orders", "revenue_dashboard", "churn_features", "churn_model"}),
        ("warehouse.orders", {"orders_etl", "kafka.orders"}, {"revenue_dashboard", "churn_features", "churn_model"}),
        ("churn_model", {"churn_features", "warehouse.orders", "orders_etl", "kafka.orders"}, set()),
        # Ownership is not lineage.
        ("data_platform_team", set(), set()),
    ],
)
def test_lineage_follows_flow_relations_whichever_way_they_were_said(
    platform: MemoryStore, entity: str, upstream: set[str], downstream: set[str]
):
    lineage = lineage_tree(platform, entity)
    assert _names(lineage.upstream) == upstream
    assert _names(lineage.downstream) == downstream


def test_the_tree_names_the_relation_at_each_step(platform: MemoryStore):
    lineage = lineage_tree(platform, "warehouse.orders")
    assert _outline(lineage.downstream) == [
        "churn_features reads_from",
        "  churn_model depends_on",
        "revenue_dashboard depends_on",
    ]
    assert _outline(lineage.upstream) == ["orders_etl feeds_data_to", "  kafka.orders feeds_data_to"]


def test_depth_limits_the_levels_followed(platform: MemoryStore):
    lineage = lineage_tree(platform, "kafka.orders", depth=2)
    assert _names(lineage.downstream) == {"orders_etl", "warehouse.orders"}


def test_a_cycle_ends_at_the_entity_already_shown(store: MemoryStore):
    store.add("a", type="data_pipeline", relations=[("feeds_data_to", "b")])
    store.add("b", type="data_pipeline", relations=[("feeds_data_to", "c")])
    store.add("c", type="data_pipeline", relations=[("feeds_data_to", "a"), ("feeds_data_to", "c")])
    lineage = lineage_tree(store, "a")
    assert _outline(lineage.downstream) == [
        "b feeds_data_to",
        "  c feeds_data_to",
        "    a feeds_data_to (repeat)",
        "    c feeds_data_to (repeat)",
    ]
    assert {(e.up, e.down) for e in lineage.edges} == {("a", "b"), ("b", "c"), ("c", "a"), ("c", "c")}
    assert len(lineage_tree(store).downstream) == 1, "a graph that is only a cycle still gets one tree"


def test_a_diamond_expands_the_shared_entity_once(store: MemoryStore):
    store.add("raw", type="dataset", relations=[("feeds_data_to", "left"), ("feeds_data_to", "right")])
    store.add("left", type="data_pipeline", relations=[("feeds_data_to", "mart")])
    store.add("right", type="data_pipeline", relations=[("feeds_data_to", "mart")])
    store.add("mart", type="dataset", relations=[("feeds_data_to", "report")])
    assert _outline(lineage_tree(store, "raw").downstream) == [
        "left feeds_data_to",
        "  mart feeds_data_to",
        "    report feeds_data_to",
        "right feeds_data_to",
        "  mart feeds_data_to (repeat)",
    ]


def test_a_long_chain_is_followed_to_the_end(store: MemoryStore):
    for i in range(60):
        store.add(f"step_{i}", type="data_pipeline", relations=[("feeds_data_to", f"step_{i + 1}")])
    lineage = lineage_tree(store, "step_0")
    assert len(_names(lineage.downstream)) == 60
    assert len(_names(lineage_tree(store, "step_60").upstream)) == 60


def test_the_whole_graph_starts_from_its_sources(platform: MemoryStore):
    lineage = lineage_tree(platform)
    assert [top.name for top in lineage.downstream] == ["kafka.orders"]
    assert _names(lineage.downstream) == {
        "kafka.orders", "orders_etl", "warehouse.orders", "revenue_dashboard", "churn_features", "churn_model",
    }


def test_mermaid_draws_the_flow_left_to_right(platform: MemoryStore):
    text = render_mermaid(lineage_tree(platform, "warehouse.orders"))
    lines = text.splitlines()
    assert lines[0] == "flowchart LR"
    labels = dict(re.findall(r'^\s+(n\d+)\["([^"]*)"\]$', text, re.M))
    edges = {
        (labels[a].split("<br/>")[0], arrow, label, labels[b].split("<br/>")[0])
        for a, arrow, label, b in re.findall(r"^\s+(n\d+) (-->|-\.->)\|([^|]*)\| (n\d+)$", text, re.M)
    }
    assert edges == {
        ("kafka.orders", "-->", "feeds_data_to", "orders_etl"),
        ("orders_etl", "-->", "feeds_data_to", "warehouse.orders"),
        # `revenue_dashboard depends_on warehouse.orders` is drawn the way data moves, dotted.
        ("warehouse.orders", "-.->", "needed by", "revenue_dashboard"),
        ("warehouse.orders", "-.->", "read by", "churn_features"),
        ("churn_features", "-.->", "needed by", "churn_model"),
    }
    root_id = next(k for k, v in labels.items() if v.startswith("warehouse.orders"))
    assert lines[-1] == f"    style {root_id} stroke-width:3px"


def test_mermaid_labels_cannot_break_the_diagram(store: MemoryStore):
    store.add('the "big" report', type="dashboard", relations=[("depends_on", "a|b")])
    text = render_mermaid(lineage_tree(store, 'the "big" report'))
    assert '"the #quot;big#quot; report<br/>dashboard"' in text
    assert "a#124;b" in text
