"""The memory file: entities, dated observations and relations kept in a real DuckDB file."""

from __future__ import annotations

from pathlib import Path

import duckdb
import pytest

from tools.errors import DeassistError
from tools.memory import MemoryStore, project_root


def test_what_is_added_is_in_the_file_after_the_store_is_gone(store: MemoryStore):
    store.add("orders_etl", type="data_pipeline", observations=["Spark on EMR"], date="2026-10-01")
    with duckdb.connect(str(store.path), read_only=True) as con:
        assert con.execute("SELECT name, type FROM entities").fetchall() == [("orders_etl", "data_pipeline")]
    reopened = MemoryStore(store.path).entity("orders_etl")
    assert [(o.text, o.date) for o in reopened.observations] == [("Spark on EMR", "2026-10-01")]


def test_observations_accumulate_and_the_same_fact_on_the_same_day_is_kept_once(store: MemoryStore):
    store.add("orders_etl", type="data_pipeline", observations=["2-hour SLA"], date="2026-10-01")
    store.add("orders_etl", observations=["2-hour SLA"], date="2026-10-01")
    entity = store.add("orders_etl", observations=["2-hour SLA", "98% success rate"], date="2026-11-01")
    assert [(o.date, o.text) for o in entity.observations] == [
        ("2026-10-01", "2-hour SLA"),
        ("2026-11-01", "2-hour SLA"),
        ("2026-11-01", "98% success rate"),
    ]


def test_a_new_entity_needs_a_type_and_a_known_one_can_change_it(store: MemoryStore):
    with pytest.raises(DeassistError) as exc:
        store.add("orders_etl", observations=["x"])
    assert exc.value.code == "DEA-MEMORY-NO-TYPE"
    assert not store.names(), "a refused add writes nothing"
    store.add("orders_etl", type="data_pipeline")
    assert store.add("orders_etl", type="Streaming_System").type == "streaming_system"


def test_relation_targets_not_yet_known_are_created_to_be_described_later(store: MemoryStore):
    store.add("orders_etl", type="data_pipeline", relations=[("feeds_data_to", "warehouse.orders")])
    assert store.entity("warehouse.orders").type == "unknown"
    described = store.add("warehouse.orders", type="dataset", observations=["partitioned by day"])
    assert described.type == "dataset"
    assert [(r.source, r.relation, r.target) for r in described.relations] == [
        ("orders_etl", "feeds_data_to", "warehouse.orders")
    ]


def test_names_are_found_ignoring_case_but_kept_as_first_written(store: MemoryStore):
    store.add("Orders_ETL", type="data_pipeline")
    store.add("orders_etl", observations=["nightly"])
    assert store.names() == ["Orders_ETL"]
    assert store.entity("ORDERS_etl").observations[0].text == "nightly"


def test_unknown_entity_is_an_error_with_a_suggestion(platform: MemoryStore):
    with pytest.raises(DeassistError) as exc:
        platform.entity("order_etl")
    assert exc.value.code == "DEA-MEMORY-UNKNOWN-ENTITY"
    assert "did you mean orders_etl?" in exc.value.message


def test_forget_an_entity_takes_its_observations_and_relations_both_ways(platform: MemoryStore):
    removed = platform.forget("warehouse.orders")
    assert removed.name == "warehouse.orders" and len(removed.relations) == 3
    assert "warehouse.orders" not in platform.names()
    assert all("warehouse.orders" not in (r.source, r.target) for e in platform.entities() for r in e.relations)
    with duckdb.connect(str(platform.path), read_only=True) as con:
        assert con.execute("SELECT count(*) FROM observations WHERE entity = 'warehouse.orders'").fetchone() == (0,)


def test_forget_one_observation_or_one_relation(platform: MemoryStore):
    etl = platform.entity("orders_etl")
    platform.forget_observation("orders_etl", etl.observations[0].id)
    platform.forget_relation("orders_etl", "owned_by", "data_platform_team")
    after = platform.entity("orders_etl")
    assert [o.text for o in after.observations] == ["Spark on EMR, 2-hour SLA"]
    assert ("owned_by", "data_platform_team") not in [(r.relation, r.target) for r in after.relations]
    with pytest.raises(DeassistError) as exc:
        platform.forget_observation("orders_etl", etl.observations[0].id)
    assert exc.value.code == "DEA-MEMORY-UNKNOWN-OBSERVATION"
    with pytest.raises(DeassistError) as exc:
        platform.forget_relation("orders_etl", "owned_by", "data_platform_team")
    assert exc.value.code == "DEA-MEMORY-UNKNOWN-RELATION"


def test_reading_a_project_without_memory_creates_nothing(tmp_path: Path):
    store = MemoryStore.for_project(tmp_path)
    assert store.names() == [] and store.search("spark") == []
    assert not (tmp_path / ".deassist").exists()


def test_the_project_is_the_enclosing_git_work_tree(tmp_path: Path):
    (tmp_path / "repo" / ".git").mkdir(parents=True)
    (tmp_path / "repo" / "models" / "staging").mkdir(parents=True)
    assert project_root(tmp_path / "repo" / "models" / "staging") == (tmp_path / "repo").resolve()
    assert MemoryStore.for_project(tmp_path / "repo" / "models").path == (tmp_path / "repo").resolve() / ".deassist" / "memory.duckdb"
    assert project_root(tmp_path) == tmp_path.resolve()


@pytest.mark.parametrize(
    "call, code",
    [
        (lambda s: s.add("x", type="data pipeline"), "DEA-MEMORY-BAD-NAME"),
        (lambda s: s.add("", type="dataset"), "DEA-MEMORY-BAD-NAME"),
        (lambda s: s.add("two\nlines", type="dataset"), "DEA-MEMORY-BAD-NAME"),
        (lambda s: s.add("x", type="dataset", observations=["  "]), "DEA-MEMORY-BAD-OBSERVATION"),
        (lambda s: s.add("x", type="dataset", date="yesterday"), "DEA-MEMORY-BAD-DATE"),
        (lambda s: s.add("x", type="dataset", relations=[("feeds-data-to", "y")]), "DEA-MEMORY-BAD-NAME"),
        (lambda s: s.search("the of a"), "DEA-MEMORY-EMPTY-QUERY"),
    ],
)
def test_bad_input_is_refused_with_a_code_and_nothing_is_written(store: MemoryStore, call, code: str):
    with pytest.raises(DeassistError) as exc:
        call(store)
    assert exc.value.code == code
    assert store.names() == []


def test_an_unwritable_project_is_a_one_line_error(tmp_path: Path):
    (tmp_path / ".deassist").write_text("a file where the memory folder should be")
    with pytest.raises(DeassistError) as exc:
        MemoryStore.for_project(tmp_path).add("x", type="dataset")
    assert exc.value.code == "DEA-MEMORY-UNWRITABLE"


def test_a_file_that_is_not_a_memory_file_is_unreadable(tmp_path: Path):
    path = tmp_path / ".deassist" / "memory.duckdb"
    path.parent.mkdir()
    path.write_bytes(b"not a database" * 1000)
    with pytest.raises(DeassistError) as exc:
        MemoryStore(path).names()
    assert exc.value.code == "DEA-MEMORY-UNREADABLE"


def test_search_ranks_by_the_share_of_query_words_found(platform: MemoryStore):
    hits = platform.search("which pipelines run Spark on EMR")
    assert hits[0].entity == "orders_etl" and hits[0].observation.text == "Spark on EMR, 2-hour SLA"
    assert hits[0].score > hits[1].score
    assert [h.entity for h in platform.search("redis")] == ["churn_features"]
    assert platform.search("hourly superset")[0].observation.text == "refreshed hourly in Superset"
    assert platform.search("nothing like this zzz") == []


def test_search_finds_entities_by_name_and_type(platform: MemoryStore):
    assert {h.entity for h in platform.search("feature_store")} == {"churn_features"}
    assert {h.entity for h in platform.search("dashboards")} == {"revenue_dashboard"}
