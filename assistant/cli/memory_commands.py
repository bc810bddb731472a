"""`deassist memory ...`: what the agents remember about the project's platform, as thin shells over `tools.memory`."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import TYPE_CHECKING

import click

from tools.errors import DeassistError

if TYPE_CHECKING:
    from tools.memory import Entity, Lineage, LineageNode, MemoryStore


def _store() -> MemoryStore:
    from tools.memory import MemoryStore

    return MemoryStore.for_project(Path.cwd())


def _json(data: object) -> None:
    click.echo(json.dumps(data, indent=2, ensure_ascii=False))


FORMAT = click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text", show_default=True)


@click.group()
def memory() -> None:
    """Add, search and show what the agents remember about your platform.

    Memory lives in .deassist/memory.duckdb at the root of the enclosing git work tree (or the
    current directory outside git).
    """


@memory.command()
@click.argument("name")
@click.option("--type", "entity_type", help="data_pipeline, streaming_system, dataset, dashboard, feature_store, ...")
@click.option("--observe", "observations", multiple=True, help="A fact about it (repeatable).")
@click.option("--relation", "relations", multiple=True, metavar="RELATION:TARGET", help="e.g. feeds_data_to:warehouse.orders (repeatable).")
@click.option("--date", "day", metavar="YYYY-MM-DD", help="When the observations were true (default: today, UTC).")
@FORMAT
def add(
    name: str, entity_type: str | None, observations: tuple[str, ...], relations: tuple[str, ...], day: str | None, fmt: str
) -> None:
    """Remember an entity, facts about it and what it is related to.

    \b
    deassist memory add orders_etl --type data_pipeline \\
        --observe "processes 50 GB a day from 15 sources" --relation feeds_data_to:warehouse.orders
    """
    from tools.memory.store import parse_relation

    links = [parse_relation(spec) for spec in relations]
    entity = _store().add(name, type=entity_type, observations=observations, relations=links, date=day)
    if fmt == "json":
        _json(entity.to_json())
        return
    added = []
    if observations:
        added.append(f"{len(observations)} observation{'s' * (len(observations) != 1)}")
    if links:
        added.append(f"{len(links)} relation{'s' * (len(links) != 1)}")
    click.echo(f"remembered {entity.name} ({entity.type})" + (": " + ", ".join(added) if added else ""))


@memory.command()
@click.argument("name", required=False)
@FORMAT
def show(name: str | None, fmt: str) -> None:
    """Show one entity with its observations and relations, or list every entity."""
    store = _store()
    if name is not None:
        entity = store.entity(name)
        if fmt == "json":
            _json(entity.to_json())
        else:
            click.echo(_entity_text(entity))
        return
    entities = store.entities()
    if fmt == "json":
        _json({"entities": [e.to_json() for e in entities]})
        return
    if not entities:
        click.echo(f"nothing remembered yet in {store.path}")
        return
    width = max(len(e.name) for e in entities)
    type_width = max(len(e.type) for e in entities)
    for e in entities:
        click.echo(
            f"{e.name:<{width}}  {e.type:<{type_width}}  {len(e.observations)} observations, {len(e.relations)} relations"
        )


def _entity_text(entity: Entity) -> str:
    lines = [f"{entity.name} ({entity.type})"]
    if entity.observations:
        lines.append("observations:")
        lines.extend(f"  [{o.id}] {o.date}  {o.text}" for o in entity.observations)
    if entity.relations:
        lines.append("relations:")
        lines.extend(f"  {r.source} {r.relation} {r.target}" for r in entity.relations)
    return "\n".join(lines)


@memory.command()
@click.argument("query", nargs=-1, required=True)
@click.option("--limit", default=10, show_default=True, type=click.IntRange(min=1))
@FORMAT
def search(query: tuple[str, ...], limit: int, fmt: str) -> None:
    """Find observations and entities by the words they contain, best matches first."""
    hits = _store().search(" ".join(query), limit=limit)
    if fmt == "json":
        _json({"hits": [h.to_json() for h in hits]})
        return
    if not hits:
        click.echo("no matches")
        raise SystemExit(1)
    for h in hits:
        where = f"{h.entity} ({h.type})"
        click.echo(f"{where}  [{h.observation.id}] {h.observation.date}  {h.observation.text}" if h.observation else where)


@memory.command()
@click.argument("name")
@click.option("--observation", "observation_id", type=int, metavar="ID", help="Forget only this observation (ids: memory show).")
@click.option("--relation", "relation", metavar="RELATION:TARGET", help="Forget only this relation.")
def forget(name: str, observation_id: int | None, relation: str | None) -> None:
    """Forget an entity (its observations and relations too), or one observation or relation of it."""
    from tools.memory.store import parse_relation

    store = _store()
    if observation_id is not None and relation is not None:
        raise DeassistError("DEA-USAGE", "give --observation or --relation, not both")
    if observation_id is not None:
        o = store.forget_observation(name, observation_id)
        click.echo(f"forgot observation {o.id} of {o.entity}")
    elif relation is not None:
        r = store.forget_relation(name, *parse_relation(relation))
        click.echo(f"forgot {r.source} {r.relation} {r.target}")
    else:
        e = store.forget(name)
        click.echo(f"forgot {e.name}: {len(e.observations)} observations, {len(e.relations)} relations")


@memory.command()
@click.argument("file", default="-")
def export(file: str) -> None:
    """Write the whole memory as JSON to FILE (default: stdout)."""
    text = json.dumps(_store().export_snapshot().to_json(), indent=2, ensure_ascii=False) + "\n"
    if file == "-":
        click.echo(text, nl=False)
        return
    try:
        Path(file).write_text(text, encoding="utf-8")
    except OSError as exc:
        raise DeassistError("DEA-MEMORY-UNWRITABLE", f"cannot write {file}: {exc.strerror or exc}") from None


@memory.command(name="import")
@click.argument("file")
@click.option("--replace", is_flag=True, help="Replace the memory with the file instead of merging into it.")
def import_(file: str, replace: bool) -> None:
    """Merge a JSON export into memory (entities and relations are matched by name)."""
    from tools.memory.store import snapshot_from_json

    try:
        text = sys.stdin.read() if file == "-" else Path(file).read_text(encoding="utf-8")
    except FileNotFoundError:
        raise DeassistError("DEA-INPUT-MISSING", f"{file}: no such file") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise DeassistError("DEA-INPUT-UNREADABLE", f"{file}: {getattr(exc, 'strerror', None) or exc}") from None
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        raise DeassistError("DEA-MEMORY-BAD-IMPORT", f"{file}: not JSON ({exc.msg} at line {exc.lineno})") from None
    snapshot = _store().import_snapshot(snapshot_from_json(data), replace=replace)
    click.echo(f"memory now holds {len(snapshot.entities)} entities and {len(snapshot.relations)} relations")


@memory.command()
@click.argument("name", required=False)
@click.option("--depth", type=click.IntRange(min=1), help="Levels to follow (default: all).")
@click.option("--format", "fmt", type=click.Choice(["tree", "mermaid", "json"]), default="tree", show_default=True)
def graph(name: str | None, depth: int | None, fmt: str) -> None:
    """Lineage: what is upstream and downstream of NAME (or of every source) along data-flow relations."""
    from tools.memory import lineage_tree, render_mermaid

    lineage = lineage_tree(_store(), name, depth=depth)
    if fmt == "json":
        _json(lineage.to_json())
    elif fmt == "mermaid":
        click.echo(render_mermaid(lineage), nl=False)
    else:
        _print_tree(lineage)


def _print_tree(lineage: Lineage) -> None:
    from rich.console import Console
    from rich.text import Text
    from rich.tree import Tree

    console = Console(soft_wrap=True)

    def label(node: LineageNode) -> Text:
        text = Text(node.name, style="bold")
        text.append(f" ({node.type})", style="dim")
        if node.relation:
            text.append(f"  {node.relation}", style="cyan")
        if node.repeat:
            text.append("  (shown above)", style="yellow")
        return text

    def grow(branch: Tree, nodes: list[LineageNode]) -> None:
        for node in nodes:
            grow(branch.add(label(node)), node.children)

    if lineage.root is None:
        if not lineage.downstream:
            console.print("no lineage remembered yet (relations like feeds_data_to, depends_on)")
        for top in lineage.downstream:
            tree = Tree(label(top))
            grow(tree, top.children)
            console.print(tree)
        return
    tree = Tree(label(lineage.root))
    for title, nodes in (("upstream", lineage.upstream), ("downstream", lineage.downstream)):
        branch = tree.add(Text(title, style="italic"))
        if not nodes:
            branch.add(Text("nothing remembered", style="dim"))
        grow(branch, nodes)
    console.print(tree)
