"""Benchmark: the offline planner's planning alone, and an offline `ask` end to end.

Planning is question -> reading -> SQL (understand.read, to_sql.reading_sql) over the shop example's
catalog, per question of the reading fixtures (tests/agents/fixtures/planner_readings.yaml, shop
lines), best of --repeat; its baseline in the same run is sqlglot parsing the SQL the planner wrote
(the least any SQL-producing step costs). The ask is the README Quick start question as a fresh
process; its baselines are `deassist --help` and `python -c pass` in the same run.
Targets: planning <= 50 ms per question; ask <= 1.5 s.

    python evals/bench/planning_speed.py [--repeat 5]
"""

from __future__ import annotations

import argparse
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import sqlglot
import yaml

ROOT = Path(__file__).resolve().parents[2]
SHOP = ROOT / "assistant" / "examples" / "shop"
QUESTION = "Who are the top 5 customers by total order value?"
PLAN_TARGET_MS = 50.0
ASK_TARGET_S = 1.5


def shop_questions() -> list[str]:
    fixtures = yaml.safe_load((ROOT / "tests" / "agents" / "fixtures" / "planner_readings.yaml").read_text("utf-8"))
    return [line.split("=>")[0].strip() for line in fixtures["readings"]["shop"].splitlines() if "=>" in line]


def planning(repeat: int) -> tuple[list[float], list[float]]:
    """Per question: best planning time and best time to parse the planner's SQL, in milliseconds."""
    from assistant.backends.offline.lexicon import lexicon
    from assistant.backends.offline.schema import SchemaIndex
    from assistant.backends.offline.to_sql import reading_sql
    from assistant.backends.offline.understand import Decline, read
    from tools.catalog import read_source

    catalog = read_source(str(SHOP))
    lex = lexicon("en")
    plans, parses = [], []
    for question in shop_questions():
        best_plan = best_parse = float("inf")
        for _ in range(repeat):
            started = time.perf_counter()
            schema = SchemaIndex.of(catalog)
            found = read(question, lex, schema)
            sql = None if isinstance(found, Decline) else reading_sql(found, schema, "duckdb")
            best_plan = min(best_plan, time.perf_counter() - started)
            if sql is not None:
                started = time.perf_counter()
                sqlglot.parse_one(sql, read="duckdb")
                best_parse = min(best_parse, time.perf_counter() - started)
        plans.append(best_plan * 1000)
        if best_parse != float("inf"):
            parses.append(best_parse * 1000)
    return plans, parses


def best_process(argv: list[str], repeat: int, env: dict[str, str]) -> tuple[float, float]:
    """Best wall-clock and best CPU (user + system) seconds of fresh processes: on a shared machine the
    wall clock mostly measures the neighbours, the CPU time what the command costs."""
    walls, cpus = [], []
    for _ in range(repeat):
        with tempfile.TemporaryDirectory() as home:
            before = resource.getrusage(resource.RUSAGE_CHILDREN)
            started = time.perf_counter()
            subprocess.run(argv, env=env | {"DEASSIST_HOME": home}, cwd=ROOT, capture_output=True, check=False)
            walls.append(time.perf_counter() - started)
            after = resource.getrusage(resource.RUSAGE_CHILDREN)
            cpus.append(after.ru_utime - before.ru_utime + after.ru_stime - before.ru_stime)
    return min(walls), min(cpus)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    plans, parses = planning(args.repeat)
    print(f"planning, {len(plans)} shop questions (best of {args.repeat} each):")
    print(f"  median {statistics.median(plans):.2f} ms, max {max(plans):.2f} ms (target <= {PLAN_TARGET_MS:g} ms)")
    print(f"  baseline, parsing the SQL written: median {statistics.median(parses):.2f} ms"
          f" -> planning is {statistics.median(plans) / statistics.median(parses):.1f}x a parse")
    script = str(Path(sys.executable).with_name("deassist"))
    env = {k: v for k, v in os.environ.items() if k != "ANTHROPIC_API_KEY"}
    ask = best_process([script, "ask", QUESTION, "--data", str(SHOP), "--yes"], args.repeat, env)
    helped = best_process([script, "--help"], args.repeat, env)
    bare = best_process([sys.executable, "-c", "pass"], args.repeat, env)
    print(f"offline ask on the Quick start question: wall {ask[0]:.2f} s, CPU {ask[1]:.2f} s (target <= {ASK_TARGET_S:g} s)")
    print(f"  baselines: deassist --help wall {helped[0] * 1000:.0f} ms / CPU {helped[1] * 1000:.0f} ms,"
          f" python -c pass wall {bare[0] * 1000:.0f} ms / CPU {bare[1] * 1000:.0f} ms"
          f" -> ask is {ask[1] / helped[1]:.1f}x --help in CPU time")


if __name__ == "__main__":
    main()
