"""Side panels and the status line: the agents at work, the catalog of the session's sources, the totals."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from rich.text import Text
from textual.reactive import reactive
from textual.widgets import Static, Tree

from tools.catalog.model import Catalog, Table

STATE_STYLES = {"working": "bold yellow", "waiting for you": "bold magenta", "done": "green", "idle": "dim", "cancelled": "red"}


@dataclass
class AgentState:
    role: str
    state: str


class AgentsPanel(Static):
    """Who is working on the turn (coordinator, lead, collaborators) and what each is doing."""

    def __init__(self) -> None:
        super().__init__(id="agents")
        self.border_title = "agents"
        self.agents: dict[str, AgentState] = {}

    def set_state(self, agent: str, state: str, role: str | None = None) -> None:
        known = self.agents.get(agent)
        self.agents[agent] = AgentState(role or (known.role if known else ""), state)
        self.update(self._render_text())

    def new_turn(self) -> None:
        for agent in self.agents.values():
            agent.state = "idle"
        self.update(self._render_text())

    def end_turn(self, state: str = "done") -> None:
        """Whoever is still marked working when the turn ends stopped with it."""
        for agent in self.agents.values():
            if agent.state in {"working", "waiting for you"}:
                agent.state = state
        self.update(self._render_text())

    def _render_text(self) -> Text:
        text = Text()
        for name, agent in self.agents.items():
            text.append("● ", style=STATE_STYLES.get(agent.state, ""))
            text.append(name, style="bold")
            text.append(f"\n  {agent.role} · {agent.state}\n", style="dim")
        return text.rstrip() or text


class CatalogTree(Tree[Table]):
    """Sources -> tables -> columns with their types, as Harlequin's data catalog shows them."""

    def __init__(self) -> None:
        super().__init__("sources", id="catalog")
        self.border_title = "catalog"
        self.show_root = False

    def show_catalog(self, catalog: Catalog) -> None:
        self.clear()
        by_source: dict[str, list[Table]] = {}
        for table in catalog.tables:
            by_source.setdefault(_source_label(table), []).append(table)
        for display, tables in by_source.items():
            source_node = self.root.add(Text(display, style="bold"), expand=True)
            for table in tables:
                name = f"{table.schema}.{table.name}" if table.schema else table.name
                label = Text(name)
                if table.row_count is not None:
                    label.append(f" {table.row_count:,}", style="dim")
                table_node = source_node.add(label, data=table)
                for column in table.columns:
                    leaf = Text(column.name, style="bold" if column.name in table.primary_key else "")
                    leaf.append(f" {column.type}", style="dim cyan")
                    table_node.add_leaf(leaf, data=table)
        if not catalog.tables:
            self.root.add_leaf(Text("no sources: /data SRC", style="dim"))


def _source_label(table: Table) -> str:
    """Files are grouped by their folder, shown relative to the working directory when inside it."""
    display = table.source.display
    if table.source.kind != "files":
        return display
    folder = Path(display).parent
    try:
        return str(folder.resolve().relative_to(Path.cwd().resolve())) + "/"
    except ValueError:
        return str(folder) + "/"


class StatusLine(Static):
    """Model, session, tokens and cost so far, and whether a turn is running."""

    model: reactive[str] = reactive("…")
    session: reactive[str] = reactive("…")
    input_tokens: reactive[int] = reactive(0)
    output_tokens: reactive[int] = reactive(0)
    cost: reactive[float] = reactive(0.0)
    busy: reactive[bool] = reactive(False)

    def __init__(self) -> None:
        super().__init__(id="status")

    def render(self) -> Text:
        text = Text()
        text.append(" working " if self.busy else " ready ", style="black on yellow" if self.busy else "black on green")
        text.append(f"  model {self.model}", style="bold")
        text.append(f"  session {self.session}")
        text.append(f"  tokens {self.input_tokens:,} in / {self.output_tokens:,} out")
        text.append(f"  cost ${self.cost:.4f}")
        return text
