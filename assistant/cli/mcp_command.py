"""`deassist mcp`: serve the agents' checked tools to any MCP client, over stdio or streamable HTTP."""

from __future__ import annotations

from pathlib import Path

import click

from tools.errors import DeassistError


@click.command("mcp")
@click.option("--data", "sources", multiple=True, metavar="SRC", help="A source the tools see (repeatable).")
@click.option("--allow-run", is_flag=True, help="Offer the tools that read the data (run_sql, profile, check_quality).")
@click.option("--allow-write", is_flag=True, help="Offer the tools that write files (drafts, memory).")
@click.option("--http", "http", metavar="[HOST:]PORT", help="Serve streamable HTTP instead of stdio (host 127.0.0.1 unless named).")
def mcp(sources: tuple[str, ...], allow_run: bool, allow_write: bool, http: str | None) -> None:
    """Serve deassist's tools, tables and personas to an MCP client (Claude Code, Cursor, Zed, ...)."""
    address = _address(http) if http else None
    from assistant.mcp.server import DeassistMcp, McpOptions, build_server

    state = DeassistMcp(McpOptions(sources, allow_run, allow_write, Path.cwd()))
    server = build_server(state)
    try:
        if address is None:
            _serve_stdio(server)
        else:
            _serve_http(server, *address)
    finally:
        state.close()


def _address(value: str) -> tuple[str, int]:
    host, _, port = value.rpartition(":")
    if not port.isdigit() or not 0 < int(port) < 65536:
        raise DeassistError("DEA-MCP-ADDRESS", f"--http {value}: give PORT or HOST:PORT with a port from 1 to 65535")
    return host.strip("[]") or "127.0.0.1", int(port)


def _serve_stdio(server) -> None:  # type: ignore[no-untyped-def]
    import anyio
    from mcp.server.stdio import stdio_server

    async def main() -> None:
        async with stdio_server() as (read, write):
            await server.run(read, write, server.create_initialization_options())

    anyio.run(main)


def _serve_http(server, host: str, port: int) -> None:  # type: ignore[no-untyped-def]
    import uvicorn

    click.echo(f"deassist MCP server on http://{host}:{port}/mcp", err=True)
    uvicorn.run(server.streamable_http_app(host=host), host=host, port=port, log_level="warning")
