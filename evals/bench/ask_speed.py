"""Benchmark: `deassist ask` with the offline planner on the README's example, as a fresh process.

Measured in the same run, best of --repeat: the README command (`deassist ask "Who are the top 5
customers by total order value?" --data assistant/examples/shop --yes`), `deassist --help`, and
`python -c pass`, each a new process with a fresh DEASSIST_HOME. Also reported: how much of the ask
is importing LangGraph (a fresh `python -c "import langgraph.graph"`).
Targets: ask <= 2 s; `deassist --help` <= 200 ms. Wall-clock and CPU time are both printed: on a
shared machine the wall clock mostly measures the load.

    python evals/bench/ask_speed.py [--repeat 5]
"""

from __future__ import annotations

import argparse
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
QUESTION = "Who are the top 5 customers by total order value?"
ASK_TARGET_S = 2.0
HELP_TARGET_S = 0.2


def console_script() -> str:
    candidate = Path(sys.executable).with_name("deassist")
    return str(candidate) if candidate.exists() else "deassist"


def best(argv: list[str], repeat: int, env: dict[str, str]) -> tuple[float, float]:
    """Best wall-clock time and best CPU time (user + system) of `repeat` fresh processes.

    On a shared machine the wall clock mostly measures the neighbours; CPU time is what the
    command itself costs, and equals the wall clock on an idle machine (the ask is single-threaded
    but for short waits)."""
    walls, cpus = [], []
    for _ in range(repeat):
        before = resource.getrusage(resource.RUSAGE_CHILDREN)
        started = time.perf_counter()
        done = subprocess.run(argv, cwd=ROOT, env=env, capture_output=True, text=True)
        walls.append(time.perf_counter() - started)
        after = resource.getrusage(resource.RUSAGE_CHILDREN)
        cpus.append(after.ru_utime - before.ru_utime + after.ru_stime - before.ru_stime)
        if done.returncode != 0:
            raise SystemExit(f"{' '.join(argv[:2])} failed ({done.returncode}): {done.stderr.strip()[-300:]}")
    return min(walls), min(cpus)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    deassist = console_script()
    with tempfile.TemporaryDirectory() as home:
        env = {**os.environ, "DEASSIST_HOME": home, "NO_COLOR": "1"}
        env.pop("ANTHROPIC_API_KEY", None)
        python = best([sys.executable, "-c", "pass"], args.repeat, env)
        langgraph = best([sys.executable, "-c", "import langgraph.graph"], args.repeat, env)
        help_ = best([deassist, "--help"], args.repeat, env)
        ask = best([deassist, "ask", QUESTION, "--data", "assistant/examples/shop", "--yes"], args.repeat, env)
    load = os.getloadavg()[0]
    print(f"{'':26}{'wall':>9}{'cpu':>9}")
    for label, (wall, cpu), target in [
        ("python -c pass", python, None),
        ("import langgraph.graph", langgraph, None),
        ("deassist --help", help_, HELP_TARGET_S),
        ("deassist ask (offline)", ask, ASK_TARGET_S),
    ]:
        verdict = (
            ""
            if target is None
            else f"   target <= {target * 1000:.0f} ms: {'ok' if min(wall, cpu) <= target else 'SLOW'}"
        )
        print(f"{label:26}{wall * 1000:7.0f}ms{cpu * 1000:7.0f}ms{verdict}")
    print(
        f"ratios (cpu): ask / python -c pass = {ask[1] / python[1]:.1f}x, ask / --help = {ask[1] / help_[1]:.1f}x,"
        f" langgraph import = {langgraph[1] / ask[1]:.0%} of the ask; load average {load:.1f} on {os.cpu_count()} cores"
    )


if __name__ == "__main__":
    main()
