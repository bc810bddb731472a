"""`deassist memory ...` through the installed console script, as a data engineer would type it."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

import pytest

from tests.memory.conftest import PLATFORM


@pytest.fixture
def project(run_cli, tmp_path: Path) -> Path:
    """A git repository whose memory holds the sample platform, added through the CLI."""
    root = tmp_path / "repo"
    root.mkdir()
    subprocess.run(["git", "init", "-q", str(root)], check=True)
    document = {
        "version": 1,
        "entities": [
            {"name": n, "type": t, "observations": [{"text": o, "date": "2026-11-02"} for o in obs]}
            for n, t, obs, _ in PLATFORM
        ],
        "relations": [{"source": n, "relation": r, "target": target} for n, _, _, rels in PLATFORM for r, target in rels],
    }
    (tmp_path / "platform.json").write_text(json.dumps(document))
    result = run_cli("memory", "import", str(tmp_path / "platform.json"), cwd=root)
    assert result.code == 0, result.err
    assert result.out.strip() == "memory now holds 7 entities and 6 relations"
    return root


def test_add_then_show_from_a_subfolder_of_the_repository(run_cli, tmp_path: Path):
    root = tmp_path / "repo"
    (root / "models" / "staging").mkdir(parents=True)
    subprocess.run(["git", "init", "-q", str(root)], check=True)
    added = run_cli(
        "memory", "add", "orders_etl", "--type", "data_pipeline",
        "--observe", "processes 50 GB a day from 15 sources", "--observe", "Spark on EMR, 2-hour SLA",
        "--relation", "feeds_data_to:warehouse.orders", "--date", "2026-11-30",
        cwd=root / "models" / "staging",
    )
    assert added.code == 0, added.err
    assert added.out == "remembered orders_etl (data_pipeline): 2 observations, 1 relation\n"
    assert (root / ".deassist" / "memory.duckdb").is_file()
    shown = run_cli("memory", "show", "orders_etl", cwd=root)
    assert shown.out.splitlines() == [
        "orders_etl (data_pipeline)",
        "observations:",
        "  [1] 2026-11-30  processes 50 GB a day from 15 sources",
        "  [2] 2026-11-30  Spark on EMR, 2-hour SLA",
        "relations:",
        "  orders_etl feeds_data_to warehouse.orders",
    ]


def test_show_json_and_the_listing(run_cli, project: Path):
    entity = json.loads(run_cli("memory", "show", "warehouse.orders", "--format", "json", cwd=project).out)
    assert entity["name"] == "warehouse.orders" and entity["type"] == "dataset"
    assert entity["observations"] == [{"id": entity["observations"][0]["id"], "text": "partitioned by order_date", "date": "2026-11-02"}]
    assert {"source": "revenue_dashboard", "relation": "depends_on", "target": "warehouse.orders"} in entity["relations"]
    listing = run_cli("memory", "show", cwd=project).out.splitlines()
    assert len(listing) == 7 and listing[0].split()[:2] == ["churn_features", "feature_store"]


def test_search(run_cli, project: Path):
    found = run_cli("memory", "search", "spark", "emr", cwd=project)
    assert found.code == 0 and found.out.startswith("orders_etl (data_pipeline)  [")
    assert found.out.rstrip().endswith("2026-11-02  Spark on EMR, 2-hour SLA")
    hits = json.loads(run_cli("memory", "search", "redis", "--format", "json", cwd=project).out)["hits"]
    assert [(h["entity"], h["observation"]["text"]) for h in hits] == [("churn_features", "Feast, online store in Redis")]
    missing = run_cli("memory", "search", "zzz", cwd=project)
    assert missing.code == 1 and missing.out == "no matches\n"


def test_graph_as_a_tree_and_as_mermaid(run_cli, project: Path):
    tree = run_cli("memory", "graph", "warehouse.orders", cwd=project)
    assert tree.code == 0, tree.err
    assert tree.out.splitlines() == [
        "warehouse.orders (dataset)",
        "├── upstream",
        "│   └── orders_etl (data_pipeline)  feeds_data_to",
        "│       └── kafka.orders (streaming_system)  feeds_data_to",
        "└── downstream",
        "    ├── churn_features (feature_store)  reads_from",
        "    │   └── churn_model (ml_model)  depends_on",
        "    └── revenue_dashboard (dashboard)  depends_on",
    ]
    mermaid = run_cli("memory", "graph", "orders_etl", "--format", "mermaid", cwd=project).out
    assert mermaid.startswith("flowchart LR\n") and "-->|feeds_data_to|" in mermaid
    whole = json.loads(run_cli("memory", "graph", "--format", "json", cwd=project).out)
    assert whole["root"] is None and [t["name"] for t in whole["downstream"]] == ["kafka.orders"]
    assert len(whole["edges"]) == 5, "owned_by is not lineage"


def test_forget(run_cli, project: Path):
    assert run_cli("memory", "forget", "orders_etl", "--relation", "owned_by:data_platform_team", cwd=project).code == 0
    gone = run_cli("memory", "forget", "churn_model", cwd=project)
    assert gone.out == "forgot churn_model: 1 observations, 1 relations\n"
    assert run_cli("memory", "show", "churn_model", cwd=project).code == 2


def test_export_import_round_trip_through_files(run_cli, project: Path, tmp_path: Path):
    exported = tmp_path / "memory.json"
    assert run_cli("memory", "export", str(exported), cwd=project).code == 0
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    assert run_cli("memory", "import", str(exported), cwd=elsewhere).code == 0
    assert run_cli("memory", "export", cwd=elsewhere).out == exported.read_text()


@pytest.mark.parametrize(
    "args, code",
    [
        (["memory", "show", "nope"], "DEA-MEMORY-UNKNOWN-ENTITY"),
        (["memory", "graph", "nope"], "DEA-MEMORY-UNKNOWN-ENTITY"),
        (["memory", "add", "orders_etl", "--relation", "feeds_data_to"], "DEA-MEMORY-BAD-RELATION"),
        (["memory", "add", "orders_etl", "--relation", "feeds data to:x"], "DEA-MEMORY-BAD-RELATION"),
        (["memory", "add", "brand_new", "--observe", "x"], "DEA-MEMORY-NO-TYPE"),
        (["memory", "add", "orders_etl", "--observe", "password=hunter2"], "DEA-MEMORY-SECRET"),
        (["memory", "add", "orders_etl", "--observe", "pages ada@example.com"], "DEA-MEMORY-PII"),
        (["memory", "add", "orders_etl", "--date", "30/11/2026", "--observe", "x"], "DEA-MEMORY-BAD-DATE"),
        (["memory", "forget", "orders_etl", "--observation", "999"], "DEA-MEMORY-UNKNOWN-OBSERVATION"),
        (["memory", "import", "missing.json"], "DEA-INPUT-MISSING"),
    ],
)
def test_bad_input_is_one_line_and_exit_2(run_cli, project: Path, args: list[str], code: str):
    result = run_cli(*args, cwd=project)
    assert result.code == 2
    assert result.err.startswith(f"error {code}: ") and result.err.count("\n") == 1
    assert "hunter2" not in result.err and "ada@" not in result.err


def test_import_of_bad_json_is_one_line(run_cli, tmp_path: Path):
    (tmp_path / "bad.json").write_text('{"entities": [')
    result = run_cli("memory", "import", "bad.json")
    assert result.code == 2 and result.err.startswith("error DEA-MEMORY-BAD-IMPORT: bad.json: not JSON")
    (tmp_path / "shape.json").write_text('{"entities": [{"name": "x"}]}')
    result = run_cli("memory", "import", "shape.json")
    assert result.err == 'error DEA-MEMORY-BAD-IMPORT: entities[0] should be an object with string "name" and "type"\n'
    assert not (tmp_path / ".deassist").exists()


def test_an_unwritable_project_is_one_line(run_cli, tmp_path: Path):
    (tmp_path / ".deassist").write_text("not a folder")
    result = run_cli("memory", "add", "orders_etl", "--type", "data_pipeline")
    assert result.code == 2 and result.err.startswith("error DEA-MEMORY-UNWRITABLE: cannot create ")
    assert result.err.count("\n") == 1


@pytest.mark.parametrize("argv", [["memory", "show"], ["memory", "graph", "--format", "mermaid"]])
def test_memory_commands_do_not_import_the_llm_stack(argv: list[str]):
    from tests.test_architecture import HEAVY, _modules_loaded_by

    loaded = _modules_loaded_by(argv)
    assert not loaded & set(HEAVY), f"{argv} imported {sorted(loaded & set(HEAVY))}"
