"""Two processes writing one memory file at once lose nothing: DuckDB's file lock is waited for, not failed on."""

from __future__ import annotations

import subprocess
import sys
import time
from pathlib import Path

import duckdb

from tests.conftest import ROOT
from tools.memory import MemoryStore

WRITER = """
import sys, time
from pathlib import Path
from tools.memory import MemoryStore

path, who, count, go = sys.argv[1:]
store = MemoryStore(Path(path))
while not Path(go).exists():
    time.sleep(0.001)
for i in range(int(count)):
    store.add("orders_etl", type="data_pipeline", observations=[f"{who} run {i}"],
              relations=[("feeds_data_to", f"{who}_target_{i}")])
    store.add(f"{who}_job_{i}", type="data_pipeline", observations=["written concurrently"])
print("done")
"""


def _writer(path: Path, who: str, count: int, go: Path) -> subprocess.Popen:
    return subprocess.Popen(
        [sys.executable, "-c", WRITER, str(path), who, str(count), str(go)],
        cwd=ROOT,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def test_two_processes_writing_at_once_lose_no_writes(store: MemoryStore, tmp_path: Path):
    go = tmp_path / "go"
    count = 25
    writers = [_writer(store.path, who, count, go) for who in ("cli", "tui")]
    time.sleep(0.5)  # both interpreters are up and waiting
    go.touch()
    for proc in writers:
        out, err = proc.communicate(timeout=240)
        assert proc.returncode == 0 and out.strip() == "done", err
    etl = store.entity("orders_etl")
    assert sorted(o.text for o in etl.observations) == sorted(
        f"{who} run {i}" for who in ("cli", "tui") for i in range(count)
    )
    assert len([r for r in etl.relations if r.source == "orders_etl"]) == 2 * count
    assert len([n for n in store.names() if "_job_" in n]) == 2 * count


def test_a_write_waits_for_a_process_holding_the_file(store: MemoryStore, deassist_bin: str):
    store.add("orders_etl", type="data_pipeline")
    holder = duckdb.connect(str(store.path))  # another process's view: the CLI below cannot open the file yet
    try:
        project = store.path.parent.parent
        proc = subprocess.Popen(
            [deassist_bin, "memory", "add", "orders_etl", "--observe", "waited for the lock"],
            cwd=project, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
        )
        time.sleep(1.5)
        assert proc.poll() is None, "the writer should still be waiting for the lock"
    finally:
        holder.close()
    out, err = proc.communicate(timeout=60)
    assert proc.returncode == 0, err
    assert [o.text for o in store.entity("orders_etl").observations] == ["waited for the lock"]


def test_a_lock_held_too_long_is_a_one_line_error(store: MemoryStore):
    store.add("orders_etl", type="data_pipeline")
    script = (
        "import sys\nfrom pathlib import Path\nfrom tools.errors import DeassistError\nfrom tools.memory import MemoryStore\n"
        "try:\n    MemoryStore(Path(sys.argv[1]), lock_timeout=0.3).add('orders_etl', observations=['x'])\n"
        "except DeassistError as exc:\n    print(exc.code, exc.exit_code)\n"
    )
    with duckdb.connect(str(store.path)):
        proc = subprocess.run([sys.executable, "-c", script, str(store.path)], cwd=ROOT, capture_output=True, text=True, timeout=60)
    assert proc.stdout.split() == ["DEA-MEMORY-LOCKED", "1"], proc.stderr
    assert store.entity("orders_etl").observations == []
