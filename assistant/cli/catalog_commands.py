"""`deassist inspect` and `deassist profile`: read sources into a catalog, profile it, render."""

from __future__ import annotations

import sys
from collections.abc import Iterator
from contextlib import contextmanager

import click


@click.command()
@click.argument("sources", nargs=-1, required=True)
@click.option(
    "--format", "fmt", type=click.Choice(["text", "json", "ddl", "markdown"]), default="text", show_default=True
)
@click.option(
    "--dialect", default="duckdb", show_default=True, help="Dialect DDL sources are read in and --format ddl writes."
)
def inspect(sources: tuple[str, ...], fmt: str, dialect: str) -> None:
    """Show the tables and columns of files, globs, folders, DuckDB/SQLite files, DDL or postgresql:// URLs."""
    from tools.catalog import load_catalog
    from tools.catalog.render import render_catalog

    click.echo(render_catalog(load_catalog(sources, dialect), fmt, dialect=dialect))


@click.command()
@click.argument("sources", nargs=-1, required=True)
@click.option("--table", "tables", multiple=True, help="Profile only this table (repeatable).")
@click.option("--sample", default=5, show_default=True, type=click.IntRange(min=0), help="Sample rows to show.")
@click.option("--format", "fmt", type=click.Choice(["text", "json", "markdown"]), default="text", show_default=True)
@click.option("--show-pii", is_flag=True, help="Show personal data unmasked in values and sample rows.")
@click.option(
    "--allow-privileged-role",
    is_flag=True,
    help="Profile PostgreSQL as a superuser or server-file role (its views run as that role).",
)
def profile(
    sources: tuple[str, ...], tables: tuple[str, ...], sample: int, fmt: str, show_pii: bool, allow_privileged_role: bool
) -> None:
    """Profile columns (nulls, distincts, ranges, semantic types, PII) and find key candidates."""
    from pathlib import Path

    from tools.catalog import load_catalog
    from tools.profile import profile_catalog
    from tools.profile.render import render_profiles
    from tools.sql.policy import load_sql_policy

    policy = load_sql_policy(Path.cwd()).allowing_privileged_role(allow_privileged_role)
    catalog = load_catalog(sources)
    count = len(tables) if tables else len(catalog.tables)
    with _progress(count + 1) as step:
        profiles = profile_catalog(catalog, tables=tables or None, sample=sample, show_pii=show_pii, on_progress=step, policy=policy)
    click.echo(render_profiles(profiles, fmt))


@contextmanager
def _progress(total: int) -> Iterator:
    """A rich progress bar on stderr when it is a terminal; otherwise nothing is drawn."""
    if not sys.stderr.isatty():
        yield lambda _label: None
        return
    from rich.console import Console
    from rich.progress import BarColumn, Progress, TextColumn, TimeElapsedColumn

    with Progress(
        TextColumn("{task.description}"),
        BarColumn(),
        TextColumn("{task.completed}/{task.total}"),
        TimeElapsedColumn(),
        console=Console(stderr=True),
        transient=True,
    ) as bar:
        task = bar.add_task("reading sources", total=total)
        started = False

        def step(label: str) -> None:
            nonlocal started
            if started:
                bar.advance(task)
            started = True
            # Draw each stage as it starts: rich's timed refresh can miss every stage of a fast run.
            bar.update(task, description=label, refresh=True)

        yield step
