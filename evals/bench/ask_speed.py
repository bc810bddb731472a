"""Benchmark: `deassist ask` with the offline planner on the README's example, as a fresh process.

Measured in the same run, best of --repeat: the README command (`deassist ask "Who are the top 5
customers by total order value?" --data assistant/examples/shop --yes`), `deassist --help`, and
`python -c pass`, each a new process with a fresh DEASSIST_HOME. Also reported: how much of the ask
is importing LangGraph (a fresh `python -c "import langgraph.graph"`).
Targets: ask <= 2 s; `deassist --help` <= 200 ms.

    python evals/bench/ask_speed.py [--repeat 5]
"""

from __future__ import annotations

import argparse
import os
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


def best(argv: list[str], repeat: int, env: dict[str, str]) -> float:
    times = []
    for _ in range(repeat):
        started = time.perf_counter()
        done = subprocess.run(argv, cwd=ROOT, env=env, capture_output=True, text=True)
        times.append(time.perf_counter() - started)
        if done.returncode != 0:
            raise SystemExit(f"{' '.join(argv[:2])} failed ({done.returncode}): {done.stderr.strip()[-300:]}")
    return min(times)


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
    print(f"python -c pass            {python * 1000:7.0f} ms")
    print(f"import langgraph.graph    {langgraph * 1000:7.0f} ms")
    print(f"deassist --help           {help_ * 1000:7.0f} ms   target <= {HELP_TARGET_S * 1000:.0f} ms   {'ok' if help_ <= HELP_TARGET_S else 'SLOW'}")
    print(f"deassist ask (offline)    {ask * 1000:7.0f} ms   target <= {ASK_TARGET_S * 1000:.0f} ms   {'ok' if ask <= ASK_TARGET_S else 'SLOW'}")
    print(f"ratios: ask / python -c pass = {ask / python:.1f}x, ask / --help = {ask / help_:.1f}x, "
          f"langgraph import share = {langgraph / ask:.0%}; load average {load:.1f} on {os.cpu_count()} cores")


if __name__ == "__main__":
    main()
