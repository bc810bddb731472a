"""The drafted Airflow DAG: read back with `ast`, its tasks and dependencies are the pipeline's."""

from __future__ import annotations

from pathlib import Path

import pytest

from tools.drafting import draft_pipeline_project
from tools.drafting.orchestration import check_dag, dag_edges, step_edges
from tools.drafting.runner import load_spec
from tools.errors import DeassistError


@pytest.fixture(scope="module")
def drafted(shop_dir: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("dag") / "shop"
    draft_pipeline_project([str(shop_dir)], out, grain="orders")
    return out


def test_the_dag_has_a_task_per_step_wired_as_the_steps_depend(drafted: Path) -> None:
    spec = load_spec(drafted)
    tasks, edges = dag_edges((drafted / "dags" / "shop_pipeline.py").read_text())
    assert tasks == {s.name for s in spec.steps}
    assert edges == step_edges(spec)
    assert ("silver_customers", "silver_orders") in edges  # orders link to customers: RI is checked after both
    assert ("silver_orders", "gold_orders") in edges and ("silver_customers", "scd2_customers") in edges


def test_a_dag_that_lost_a_dependency_is_caught(drafted: Path, tmp_path: Path) -> None:
    source = (drafted / "dags" / "shop_pipeline.py").read_text()
    broken = tmp_path / "broken.py"
    broken.write_text(source.replace("    silver_orders_done >> gold_orders_done\n", ""))
    with pytest.raises(DeassistError) as raised:
        check_dag(broken, load_spec(drafted))
    assert raised.value.code == "DEA-DRAFT-DAG"
    assert "('silver_orders', 'gold_orders')" in raised.value.message
