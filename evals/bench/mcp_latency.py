"""`tools/call validate_sql` round trips on a warm `deassist mcp` server, beside the same validation in process.

Starts the installed console script as an MCP server over stdio on the example shop, warms it up,
then times N calls through the SDK's client and N calls of the validator in this process, on the
same queries, in the same run. Target: server median <= 20 ms.

    python evals/bench/mcp_latency.py [--runs 200]
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from pathlib import Path

import anyio

ROOT = Path(__file__).resolve().parents[2]
SHOP = ROOT / "assistant" / "examples" / "shop"
TARGET_MS = 20.0
QUERIES = [
    "SELECT name, email FROM customers WHERE country = 'DE'",
    "SELECT o.customer_id, count(*) FROM orders o JOIN customers c USING (customer_id) GROUP BY 1",
    "SELECT nmae FROM customers",
]


async def _server_times(runs: int) -> list[float]:
    from mcp import Client
    from mcp.client.stdio import StdioServerParameters

    deassist = str(Path(sys.executable).with_name("deassist"))
    with tempfile.TemporaryDirectory() as workdir:
        params = StdioServerParameters(command=deassist, args=["mcp", "--data", str(SHOP)], cwd=workdir)
        async with Client(params) as client:
            for sql in QUERIES:  # warm-up: the validator is built on first use
                await client.call_tool("validate_sql", {"sql": sql})
            times = []
            for i in range(runs):
                start = time.perf_counter()
                await client.call_tool("validate_sql", {"sql": QUERIES[i % len(QUERIES)]})
                times.append((time.perf_counter() - start) * 1000)
    return times


def _in_process_times(runs: int) -> list[float]:
    from tools.catalog import load_catalog
    from tools.sql.validate import SqlValidator

    validator = SqlValidator(load_catalog([str(SHOP)]), "duckdb")
    for sql in QUERIES:
        validator.validate(sql)
    times = []
    for i in range(runs):
        start = time.perf_counter()
        validator.validate(QUERIES[i % len(QUERIES)])
        times.append((time.perf_counter() - start) * 1000)
    return times


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=200)
    args = parser.parse_args()
    server = anyio.run(_server_times, args.runs)
    local = _in_process_times(args.runs)
    s, l = statistics.median(server), statistics.median(local)
    print(f"validate_sql over MCP (stdio, warm): median {s:.2f} ms, p95 {statistics.quantiles(server, n=20)[18]:.2f} ms")
    print(f"validate in process (baseline):      median {l:.2f} ms, p95 {statistics.quantiles(local, n=20)[18]:.2f} ms")
    print(f"overhead {s - l:.2f} ms, ratio {s / l:.2f}x; target median <= {TARGET_MS:.0f} ms: {'met' if s <= TARGET_MS else 'missed'}")


if __name__ == "__main__":
    main()
