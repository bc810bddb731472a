"""`deassist models`: the backends, their models, which answer now, and the default (a thin shell over probe)."""

from __future__ import annotations

import json

import click


@click.command()
@click.option("--timeout", type=click.FloatRange(0.1, 30), default=1.5, show_default=True,
              help="Seconds each server has to answer.")
@click.option("--json", "as_json", is_flag=True, help="Print one JSON document.")
def models(timeout: float, as_json: bool) -> None:
    """List the backends, their models, which are reachable now, and the default."""
    from dataclasses import asdict

    from assistant.backends import default_model
    from assistant.backends.probe import backend_statuses

    statuses = backend_statuses(timeout)
    default, why = default_model()
    if as_json:
        document = {"default": default, "default_from": why, "backends": [asdict(s) for s in statuses]}
        click.echo(json.dumps(document, indent=2))
        return
    for status in statuses:
        mark = "reachable" if status.reachable else "not reachable"
        where = f" at {status.base_url}" if status.base_url else ""
        click.echo(f"{status.name}{where}: {mark}{' · ' + status.detail if status.detail else ''}")
        for model in status.models:
            click.echo(f"  {status.name}:{model}" if status.name != "offline" else "  offline")
    click.echo(f"default: {default} ({why})")
