"""Benchmark: project memory operations against the cost of opening its DuckDB file once.

Every memory operation opens the file, runs one transaction and closes it (so the CLI, the TUI and a
session can share the file), so the floor is one `duckdb.connect` + a trivial query + close, measured
in the same run. Reported: the context an agent's brief gets (a request naming three entities), one
add, a text search, and the lineage of the source of a long chain, on a memory of --entities entities
(three observations each, a tree of feeds_data_to relations). Target: the brief's context within 5x
of one open (it is one open and a handful of queries, and every request pays it).

    python evals/bench/memory_speed.py [--entities 1000] [--repeat 5]
"""

from __future__ import annotations

import argparse
import tempfile
import time
from collections.abc import Callable
from pathlib import Path


def best(fn: Callable[[], object], repeat: int) -> float:
    times = []
    for _ in range(repeat):
        started = time.perf_counter()
        fn()
        times.append(time.perf_counter() - started)
    return min(times)


def main() -> None:
    import duckdb

    from tools.memory import MemoryStore, lineage_tree, memory_context
    from tools.memory.store import snapshot_from_json

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--entities", type=int, default=1000)
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()

    with tempfile.TemporaryDirectory() as folder:
        store = MemoryStore(Path(folder) / ".deassist" / "memory.duckdb")
        document = {
            "entities": [
                {
                    "name": f"job_{i:05d}",
                    "type": "data_pipeline",
                    "observations": [{"text": f"run {k} of job {i} loads {i * k} GB", "date": "2026-11-02"} for k in range(3)],
                }
                for i in range(args.entities)
            ],
            # A binary tree: job_i feeds job_2i+1 and job_2i+2.
            "relations": [
                {"source": f"job_{(i - 1) // 2:05d}", "relation": "feeds_data_to", "target": f"job_{i:05d}"}
                for i in range(1, args.entities)
            ],
        }
        started = time.perf_counter()
        store.import_snapshot(snapshot_from_json(document))
        print(f"memory of {args.entities} entities imported in {(time.perf_counter() - started) * 1000:.0f} ms")

        def open_once() -> None:
            con = duckdb.connect(str(store.path))
            con.execute("SELECT 1").fetchall()
            con.close()

        request = f"why did job_{args.entities // 2:05d} and job_00001 fail after job_00003 changed?"
        counter = iter(range(10**9))
        measured = {
            "brief context (3 entities)": lambda: memory_context(store, request),
            "add one observation": lambda: store.add("job_00000", observations=[f"note {next(counter)}"]),
            "search": lambda: store.search("loads 42 GB"),
            "lineage of the root": lambda: lineage_tree(store, "job_00000"),
        }
        baseline = best(open_once, args.repeat)
        print(f"baseline: open the file, SELECT 1, close: {baseline * 1000:.1f} ms")
        for label, fn in measured.items():
            seconds = best(fn, args.repeat)
            target = " (target <= 5) " + ("OK" if seconds / baseline <= 5 else "OVER") if label.startswith("brief") else ""
            print(f"{label}: {seconds * 1000:.1f} ms, ratio {seconds / baseline:.2f}{target}")


if __name__ == "__main__":
    main()
