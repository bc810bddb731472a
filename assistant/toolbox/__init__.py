"""The agents' tools: thin wrappers over `tools.*`, each a ToolSpec, a function, and whether it needs approval.

One module per area (`sql`, `catalog`, `commit`; drafting and memory add theirs the same way). A
tool reads what it needs from the `ToolContext` of the running session and returns a `ToolOutput`:
`data` is what the faces see in a ToolResult event, `content` what the model reads.
"""

from __future__ import annotations

import difflib
import json
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal

from assistant.backends.base import ToolSpec

from tools.sql.policy import SqlPolicy

if TYPE_CHECKING:
    from assistant.events import PlannedChange
    from tools.catalog.model import Catalog, Table
    from tools.sql.validate import SqlValidator

ApprovalKind = Literal["run_sql", "write_file", "commit"]


@dataclass
class ToolOutput:
    data: Any
    is_error: bool = False

    @property
    def content(self) -> str:
        """What the model reads: the data as compact JSON (text stays text)."""
        return self.data if isinstance(self.data, str) else json.dumps(self.data, default=str, ensure_ascii=False)


@dataclass
class ToolContext:
    """What tools may touch in one session: its catalog, its work directory, who is contributing."""

    catalog: Catalog
    workdir: Path
    dialect: str = "duckdb"
    agents: list[str] = field(default_factory=list)
    written: list[str] = field(default_factory=list)
    sql_policy: SqlPolicy = field(default_factory=SqlPolicy)  # what run_sql may do beyond the defaults
    # SQL a tool proved where it belongs (a drafted pipeline step, run after the steps before it):
    # shown verbatim in an answer, it is not validated again out of that context.
    proven_sql: set[str] = field(default_factory=set)
    _validators: dict[str, SqlValidator] = field(default_factory=dict, repr=False)

    def validator(self, dialect: str | None = None) -> SqlValidator:
        """One validator per dialect, built on first use and reused (building loads the schema)."""
        from tools.sql.validate import SqlValidator

        name = dialect or self.dialect
        if name not in self._validators:
            self._validators[name] = SqlValidator(self.catalog, name)
        return self._validators[name]

    def table(self, name: str) -> Table:
        """A catalog table by name, or a ToolError naming the closest ones."""
        table = self.catalog.table(name)
        if table is None:
            names = [t.name for t in self.catalog.tables]
            close = difflib.get_close_matches(name, names, n=3, cutoff=0.6)
            hint = f"; did you mean {', '.join(close)}?" if close else "; call inspect to see the tables"
            raise ToolError(f"no table {name!r} in the catalog{hint}")
        return table

    def close(self) -> None:
        for validator in self._validators.values():
            validator.close()
        self._validators.clear()


class ToolError(Exception):
    """A tool call that cannot be carried out; its message goes back to the agent as an error result."""


@dataclass(frozen=True)
class AgentTool:
    spec: ToolSpec
    run: Callable[[ToolContext, dict[str, Any]], ToolOutput]
    approval: ApprovalKind | None = None
    # (summary, detail) shown in the approval request; only for tools that need approval.
    describe: Callable[[ToolContext, dict[str, Any]], tuple[str, str]] | None = None
    # The files an approved write would create or change, listed in its approval request.
    changes: Callable[[ToolContext, dict[str, Any]], list[PlannedChange]] | None = None

    @property
    def name(self) -> str:
        return self.spec.name


def toolbox(names: list[str] | None = None) -> dict[str, AgentTool]:
    """Every agent tool by name, or only those in `names` (a persona's `tools` list)."""
    from assistant.toolbox import catalog, commit, drafting, memory, sql

    tools = {t.name: t for module in (catalog, sql, commit, drafting, memory) for t in module.TOOLS}
    if names is None:
        return tools
    return {name: tool for name, tool in tools.items() if name in names}


def call_tool(tool: AgentTool, context: ToolContext, arguments: dict[str, Any]) -> ToolOutput:
    """Run a tool; a tool or user error becomes an error result the agent can read and repair."""
    from tools.errors import DeassistError

    try:
        return tool.run(context, arguments)
    except ToolError as exc:
        return ToolOutput(str(exc), is_error=True)
    except DeassistError as exc:
        return ToolOutput(f"{exc.code}: {exc.message}", is_error=True)
    except (KeyError, TypeError, ValueError) as exc:
        return ToolOutput(f"bad input for {tool.name}: {exc}", is_error=True)


def required(arguments: dict[str, Any], key: str) -> Any:
    if key not in arguments or arguments[key] in (None, ""):
        raise ToolError(f"missing required input {key!r}")
    return arguments[key]


__all__ = ["AgentTool", "ApprovalKind", "ToolContext", "ToolError", "ToolOutput", "call_tool", "required", "toolbox"]
