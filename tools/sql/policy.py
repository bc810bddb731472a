"""What a user allows a query to do beyond the defaults: `[tool.deassist.sql]` in pyproject.toml or
the `sql` table of `.deassist.toml` (which wins), and the `--allow-privileged-role` flag.

    [tool.deassist.sql]
    allowed-functions = ["public.fiscal_week", "tax_rate"]   # user-defined PostgreSQL functions
    allow-privileged-role = false                            # run as a superuser / file-reading role
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from pathlib import Path

from tools.errors import DeassistError

CONFIG = "DEA-SQL-CONFIG"
_KEYS = {"allowed-functions", "allow-privileged-role"}


@dataclass(frozen=True)
class SqlPolicy:
    """`allowed_functions` holds `schema.name` or bare `name` entries (any schema), lower-cased."""

    allowed_functions: frozenset[str] = frozenset()
    allow_privileged_role: bool = False

    def allowing_privileged_role(self, allow: bool) -> SqlPolicy:
        """This policy, with the privileged-role opt-in turned on when `allow` (a flag never turns it off)."""
        return replace(self, allow_privileged_role=True) if allow else self


def load_sql_policy(directory: Path) -> SqlPolicy:
    """The policy configured for `directory` (its pyproject.toml and .deassist.toml); defaults without them."""
    from tools.project_config import project_settings

    policy = SqlPolicy()
    for path, data in reversed(project_settings(directory, CONFIG)):  # the file that wins is applied last
        if "sql" in data:
            policy = _apply(policy, path, data["sql"])
    return policy


def _apply(policy: SqlPolicy, path: str, table: object) -> SqlPolicy:
    if not isinstance(table, dict):
        raise DeassistError(CONFIG, f"{path}: sql must be a table")
    unknown = sorted(set(table) - _KEYS)
    if unknown:
        raise DeassistError(CONFIG, f"{path}: unknown sql setting {unknown[0]!r} (known: {', '.join(sorted(_KEYS))})")
    functions = table.get("allowed-functions", sorted(policy.allowed_functions))
    if not isinstance(functions, list) or not all(isinstance(f, str) and f.strip() for f in functions):
        raise DeassistError(CONFIG, f"{path}: sql.allowed-functions must be a list of function names")
    privileged = table.get("allow-privileged-role", policy.allow_privileged_role)
    if not isinstance(privileged, bool):
        raise DeassistError(CONFIG, f"{path}: sql.allow-privileged-role must be true or false")
    return SqlPolicy(frozenset(f.strip().lower() for f in functions), privileged)


__all__ = ["SqlPolicy", "load_sql_policy"]
