"""SQL tools: validate against the session's schema, transpile, describe the parts of a query, and run
one read-only query (after validation and approval)."""

from __future__ import annotations

from typing import Any

from assistant.backends.base import ToolSpec
from assistant.toolbox import AgentTool, ToolContext, ToolError, ToolOutput, required
from tools.sql.depth import reads_nested_sql

RUN_LIMIT = 50


def validate(context: ToolContext, sql: str, dialect: str | None = None) -> dict[str, Any]:
    """The validation report as data; without any schema only syntax can be judged, and it says so."""
    from tools.sql import diagnostics as codes

    report = context.validator(dialect).validate(sql)
    data = report.to_dict() | {"dialect": dialect or context.dialect}
    if not context.catalog.tables:
        unchecked = {codes.UNKNOWN_TABLE, codes.UNKNOWN_COLUMN}
        kept = [d for d in data["diagnostics"] if d["code"] not in unchecked]
        data["diagnostics"] = kept
        data["valid"] = not any(d["severity"] == "error" for d in kept)
        data["note"] = "no sources in this session: syntax checked, names not"
    return data


def validate_tool(context: ToolContext, arguments: dict[str, Any]) -> ToolOutput:
    data = validate(context, str(required(arguments, "sql")), arguments.get("dialect"))
    return ToolOutput(data, is_error=not data["valid"])


def transpile_tool(context: ToolContext, arguments: dict[str, Any]) -> ToolOutput:
    from tools.sql import transpile_sql

    source = arguments.get("from_dialect") or context.dialect
    result = transpile_sql(str(required(arguments, "sql")), source, str(required(arguments, "to_dialect")))
    return ToolOutput(result.to_dict() | {"from": source, "to": arguments["to_dialect"]})


def describe_tool(context: ToolContext, arguments: dict[str, Any]) -> ToolOutput:
    """The parts of each statement, read by sqlglot, so an explanation rests on the parse, not a guess."""
    dialect = arguments.get("dialect") or context.dialect
    return ToolOutput({"dialect": dialect, "statements": statement_parts(str(required(arguments, "sql")), dialect)})


@reads_nested_sql
def statement_parts(sql: str, dialect: str) -> list[dict[str, Any]]:
    """What `describe_sql` shows of each statement; sqlglot reads it recursively, hence the nesting guard."""
    import sqlglot
    from sqlglot import exp
    from sqlglot.errors import ParseError, TokenError

    try:
        expressions = sqlglot.parse(sql, read=dialect)
    except (ParseError, TokenError) as exc:
        raise ToolError(f"DEA-SQL-SYNTAX: {str(exc).splitlines()[0]}") from None
    statements = []
    for expression in expressions:
        if expression is None:
            continue
        select = expression if isinstance(expression, exp.Select) else expression.find(exp.Select)
        part: dict[str, Any] = {"kind": expression.key.upper()}
        part["tables"] = sorted({t.name for t in expression.find_all(exp.Table)})
        part["ctes"] = [c.alias for c in expression.find_all(exp.CTE)]
        part["joins"] = [
            {
                "table": j.this.sql(dialect),
                "kind": (j.side or j.kind or "inner").lower(),
                "on": j.args["on"].sql(dialect),
            }
            for j in expression.find_all(exp.Join)
            if j.args.get("on") is not None
        ]
        if select is not None:
            part["columns"] = [e.sql(dialect) for e in select.expressions]
            where = select.args.get("where")
            part["filter"] = where.this.sql(dialect) if where else None
            group = select.args.get("group")
            part["group_by"] = [g.sql(dialect) for g in group.expressions] if group else []
            having = select.args.get("having")
            part["having"] = having.this.sql(dialect) if having else None
            order = select.args.get("order")
            part["order_by"] = [o.sql(dialect) for o in order.expressions] if order else []
            limit = select.args.get("limit")
            part["limit"] = limit.expression.sql(dialect) if limit and limit.expression else None
            part["aggregates"] = sorted({a.sql(dialect) for a in select.find_all(exp.AggFunc)})
        statements.append(part)
    return statements


def run_tool(context: ToolContext, arguments: dict[str, Any]) -> ToolOutput:
    from tools.sql import run_query

    sql = str(required(arguments, "sql"))
    report = validate(context, sql)
    if not report["valid"]:
        return ToolOutput({"ran": False, "validation": report}, is_error=True)
    result = run_query(
        sql, context.catalog, limit=int(arguments.get("limit") or RUN_LIMIT), policy=context.sql_policy
    )
    data = result.to_dict()
    masked = _mask_personal_data(context, sql, data)
    return ToolOutput(data | {"ran": True, "masked": masked})


def _mask_personal_data(context: ToolContext, sql: str, data: dict[str, Any]) -> list[str]:
    """Mask result columns whose values derive from personal data (traced through the query's lineage):
    rows reach the model and the session's transcript, and personal data must reach neither. Returns the
    masked column names."""
    from tools.privacy.masking import mask_result
    from tools.profile.model import jsonable

    masked = mask_result(sql, data["columns"], data["rows"], context.catalog, context.dialect, context.sql_policy)
    for row in data["rows"]:
        row[:] = [jsonable(v) for v in row]
    return masked


def _describe_run(context: ToolContext, arguments: dict[str, Any]) -> tuple[str, str]:
    sources = ", ".join(sorted({t.source.display for t in context.catalog.tables})) or "no source"
    return f"run a read-only query against {sources}", str(arguments.get("sql", ""))


SQL_INPUT = {"type": "string", "description": "one or more SQL statements"}
DIALECT_INPUT = {"type": "string", "description": "duckdb, postgres, sqlite, bigquery, snowflake, ..."}

TOOLS = [
    AgentTool(
        ToolSpec(
            "validate_sql",
            "Validate SQL against the session's schema in a dialect (default: the sources' engine). Binds every"
            " statement in an empty in-memory copy of the schema; nothing runs. Returns diagnostics with hints.",
            {"type": "object", "properties": {"sql": SQL_INPUT, "dialect": DIALECT_INPUT}, "required": ["sql"]},
        ),
        validate_tool,
    ),
    AgentTool(
        ToolSpec(
            "transpile_sql",
            "Translate SQL from one dialect to another, with a warning for every construct that does not carry over.",
            {
                "type": "object",
                "properties": {"sql": SQL_INPUT, "from_dialect": DIALECT_INPUT, "to_dialect": DIALECT_INPUT},
                "required": ["sql", "to_dialect"],
            },
        ),
        transpile_tool,
    ),
    AgentTool(
        ToolSpec(
            "describe_sql",
            "The parts of each statement as parsed: tables, joins, selected columns, filter, grouping, ordering, limit.",
            {"type": "object", "properties": {"sql": SQL_INPUT, "dialect": DIALECT_INPUT}, "required": ["sql"]},
        ),
        describe_tool,
    ),
    AgentTool(
        ToolSpec(
            "run_sql",
            "Run one read-only query against the session's sources (validated first) and return the first rows."
            " Needs the user's approval.",
            {
                "type": "object",
                "properties": {"sql": SQL_INPUT, "limit": {"type": "integer", "description": "rows, default 50"}},
                "required": ["sql"],
            },
        ),
        run_tool,
        approval="run_sql",
        describe=_describe_run,
    ),
]
