"""What a query may call on a PostgreSQL server, decided from the server's own catalog before it runs.

A READ ONLY transaction stops writes to tables, not functions: `pg_read_file`, `lo_export`,
`dblink_exec`, `pg_terminate_backend` and `query_to_xml('...')` all run inside one. So every function
a statement calls (read by libpg_query, PostgreSQL's own parser, through pglast) is looked up in the
server's `pg_proc`: built-ins in `pg_catalog` that are immutable or stable are allowed, less the
denylist below; a handful of harmless volatile ones (`random()`) are allowed too; functions in any
other schema run only when `[tool.deassist.sql] allowed-functions` lists them; operators defined
outside `pg_catalog` are refused. The connected role is checked as well: a superuser or a member of
the server-file roles can do through a function what no check of the text can foresee, so it is
refused unless the user opts in (and even then the function check applies).
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from fnmatch import fnmatch
from typing import Any

from tools.errors import DeassistError
from tools.sql.policy import SqlPolicy

DENIED_FUNCTION = "DEA-SQL-DENIED-FUNCTION"
PRIVILEGED_ROLE = "DEA-SQL-PRIVILEGED-ROLE"

# Denied whatever their volatility or schema: what each class of function reaches.
DENIED = {
    "reads server files": (
        "pg_read_file",
        "pg_read_binary_file",
        "pg_stat_file",
        "pg_ls_*",
        "pg_file_*",
        "pg_logdir_ls",
        "pg_current_logfile",
    ),
    "reads or writes large objects (server files)": ("lo_*", "loread", "lowrite", "be_lo_*"),
    "signals or reconfigures the server": (
        "pg_cancel_backend",
        "pg_terminate_backend",
        "pg_reload_conf",
        "pg_rotate_logfile*",
        "pg_log_backend_memory_contexts",
        "pg_promote",
    ),
    "reads or changes configuration": ("current_setting", "set_config", "pg_show_all_settings", "pg_settings_get_flags"),
    "touches the WAL, backups or replication": (
        "pg_switch_wal",
        "pg_*_wal*",
        "pg_*wal_*",
        "pg_create_restore_point",
        "pg_backup_*",
        "pg_*_backup",
        "pg_*replication*",
        "pg_logical_*",
        "pg_create_*_slot",
        "pg_copy_*_slot",
        "pg_drop_replication_slot",
    ),
    "resets statistics": ("pg_stat_reset*",),
    "takes advisory locks": ("pg_advisory*", "pg_try_advisory*"),
    "sends notifications": ("pg_notify",),
    "assigns a transaction id": ("txid_current*", "pg_current_xact_id*"),
    "runs a query string": ("*_to_xml", "*_to_xmlschema", "*_to_xml_and_xmlschema", "ts_stat", "dblink*"),
    "sleeps or changes sequences": ("pg_sleep*", "nextval", "setval"),
}
# Volatile built-ins that neither write nor reach outside the query.
HARMLESS_VOLATILE = {
    "random",
    "random_normal",
    "clock_timestamp",
    "timeofday",
    "gen_random_uuid",
    "pg_relation_size",
    "pg_total_relation_size",
    "pg_table_size",
    "pg_indexes_size",
    "pg_database_size",
}
FILE_ROLES = ("pg_read_server_files", "pg_write_server_files", "pg_execute_server_program")
ROLE_SQL = (
    "SELECT current_user, rolsuper, pg_has_role(current_user, 'pg_read_server_files', 'MEMBER'), "
    "pg_has_role(current_user, 'pg_write_server_files', 'MEMBER'), "
    "pg_has_role(current_user, 'pg_execute_server_program', 'MEMBER') FROM pg_roles WHERE rolname = current_user"
)
FUNCTIONS_SQL = (
    "SELECT p.proname, n.nspname, p.provolatile FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace "
    "WHERE p.proname = ANY(%s)"
)
OPERATORS_SQL = (
    "SELECT o.oprname, n.nspname FROM pg_operator o JOIN pg_namespace n ON n.oid = o.oprnamespace "
    "WHERE o.oprname = ANY(%s) AND n.nspname <> 'pg_catalog'"
)


@dataclass(frozen=True)
class Call:
    """A function a statement calls: `schema` when the text qualifies it."""

    name: str
    schema: str | None


def denied_reason(name: str) -> str | None:
    """Why a function is denied on every server, or None."""
    lowered = name.lower()
    for reason, patterns in DENIED.items():
        if any(fnmatch(lowered, pattern) for pattern in patterns):
            return reason
    return None


def called_functions(sql: str) -> tuple[list[Call], set[tuple[str | None, str]]]:
    """The functions and the operators one statement uses, as PostgreSQL's parser reads it."""
    from pglast import parser

    tree = json.loads(parser.parse_sql_json(sql))
    calls: list[Call] = []
    operators: set[tuple[str | None, str]] = set()

    def walk(node: Any) -> None:
        if isinstance(node, list):
            for item in node:
                walk(item)
            return
        if not isinstance(node, dict):
            return
        call = node.get("FuncCall")
        if isinstance(call, dict):
            names = [n["String"]["sval"] for n in call.get("funcname", []) if "String" in n]
            if names:
                calls.append(Call(names[-1], names[-2] if len(names) > 1 else None))
        expr = node.get("A_Expr")
        if isinstance(expr, dict):
            names = [n["String"]["sval"] for n in expr.get("name", []) if "String" in n]
            if names:
                operators.add((names[-2] if len(names) > 1 else None, names[-1]))
        for value in node.values():
            walk(value)

    walk(tree)
    return calls, operators


def check_role(conn: Any, policy: SqlPolicy) -> None:
    """Refuse a role that can read or write server files or run programs, unless the user opted in."""
    row = conn.execute(ROLE_SQL).fetchone()
    if row is None or policy.allow_privileged_role:
        return
    user, superuser, *file_roles = row
    held = [name for name, has in zip(FILE_ROLES, file_roles, strict=True) if has]
    if not superuser and not held:
        return
    what = "a superuser" if superuser else f"a member of {', '.join(held)}"
    raise DeassistError(
        PRIVILEGED_ROLE,
        f"role {user} is {what}: its queries can read and write server files whatever the SQL says. "
        "Connect as a read-only role instead: CREATE ROLE deassist_reader LOGIN PASSWORD '...'; "
        "GRANT pg_read_all_data TO deassist_reader; then use postgresql://deassist_reader@host/dbname. "
        "To run as this role anyway, pass --allow-privileged-role (or set allow-privileged-role = true "
        "under [tool.deassist.sql])",
    )


def check_functions(conn: Any, sql: str, policy: SqlPolicy) -> None:
    """Refuse the statement when it calls a function or operator the policy does not allow."""
    calls, operators = called_functions(sql)
    for call in calls:
        reason = denied_reason(call.name)
        if reason:
            raise DeassistError(DENIED_FUNCTION, f"refused: {call.name}() {reason}; run only executes read-only queries")
    names = sorted({call.name for call in calls})
    found: dict[str, list[tuple[str, str]]] = {}
    if names:
        for name, schema, volatility in conn.execute(FUNCTIONS_SQL, [names]).fetchall():
            found.setdefault(name, []).append((schema, volatility))
    for call in calls:
        problem = _function_problem(call, found.get(call.name, []), policy)
        if problem:
            raise DeassistError(DENIED_FUNCTION, f"refused: {problem}")
    for schema, name in sorted(operators, key=str):
        if schema not in {None, "pg_catalog"}:
            raise DeassistError(DENIED_FUNCTION, f"refused: operator {schema}.{name} is user-defined and may call any function")
    if operators:
        for name, schema in conn.execute(OPERATORS_SQL, [sorted({name for _, name in operators})]).fetchall():
            raise DeassistError(
                DENIED_FUNCTION, f"refused: operator {schema}.{name} is user-defined and may call any function"
            )


def _function_problem(call: Call, candidates: list[tuple[str, str]], policy: SqlPolicy) -> str | None:
    allowed = policy.allowed_functions
    if call.schema is not None and call.schema != "pg_catalog":
        qualified = f"{call.schema}.{call.name}".lower()
        if qualified in allowed or call.name.lower() in allowed:
            return None
        return f"{qualified}() is not a built-in; list it under [tool.deassist.sql] allowed-functions to allow it"
    builtin = [v for schema, v in candidates if schema == "pg_catalog"]
    user_schemas = sorted({schema for schema, _ in candidates if schema != "pg_catalog"})
    if call.schema is None:
        unlisted = [s for s in user_schemas if f"{s}.{call.name}".lower() not in allowed and call.name.lower() not in allowed]
        if unlisted:
            return (
                f"{unlisted[0]}.{call.name}() is user-defined; list it under [tool.deassist.sql] allowed-functions "
                "to allow it"
            )
    if builtin and any(v == "v" for v in builtin) and call.name.lower() not in HARMLESS_VOLATILE:
        return f"{call.name}() is volatile (it can change state); run only calls immutable or stable built-ins"
    return None  # a name the server does not know fails there, with PostgreSQL's own message


__all__ = ["DENIED_FUNCTION", "PRIVILEGED_ROLE", "Call", "called_functions", "check_functions", "check_role", "denied_reason"]
