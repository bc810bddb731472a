"""SQL given in a request: validate it (repairing obvious slips), transpile it, explain it."""

from __future__ import annotations

import difflib
import re
from typing import Any

from assistant.planner import write
from assistant.planner.actions import Action, Call, Reply
from assistant.planner.conversation import Conversation

DIALECTS = {
    "postgres": "postgres",
    "postgresql": "postgres",
    "duckdb": "duckdb",
    "sqlite": "sqlite",
    "mysql": "mysql",
    "bigquery": "bigquery",
    "snowflake": "snowflake",
    "redshift": "redshift",
    "spark": "spark",
    "databricks": "databricks",
    "tsql": "tsql",
    "t-sql": "tsql",
    "transact-sql": "tsql",
    "mssql": "tsql",
    "sql server": "tsql",
    "oracle": "oracle",
    "trino": "trino",
    "presto": "presto",
    "clickhouse": "clickhouse",
}


SQL_START = re.compile(
    r"(?is)\b(select|with|insert\s+into|update|delete\s+from|create\s+(?:or\s+replace\s+)?(?:table|view))\b.*"
)


FENCED = re.compile(r"```[a-zA-Z]*\n(.*?)```", re.DOTALL)


MAX_SQL_REPAIRS = 3
MAX_SQL_WORDS = 80  # unfenced SQL longer than this is taken whole


def given_sql(request: str) -> str | None:
    fenced = FENCED.search(request)
    if fenced:
        return fenced.group(1).strip()
    found = SQL_START.search(request)
    if found and re.search(r"(?i)\b(from|table|view|values|set)\b", found.group(0)):
        return _statement(found.group(0).strip().rstrip("."))
    return None


def _statement(text: str) -> str | None:
    """The SQL at the start of unfenced text: the longest run of words that parses, without trailing prose.

    Text whose keyword is in capitals and that never parses is broken SQL to repair; lower-case text
    that never parses ("with a fact table at the order grain") is prose.
    """
    words = text.split(" ")
    for end in range(min(len(words), MAX_SQL_WORDS), 1, -1):
        candidate = " ".join(words[:end]).rstrip(",;")
        if _parses(candidate):
            return candidate
    return text if words[0].isupper() and words[0] != "CREATE" else None


def _parses(text: str) -> bool:
    import logging

    import sqlglot
    from sqlglot import exp
    from sqlglot.errors import SqlglotError

    log = logging.getLogger("sqlglot")
    level = log.level
    log.setLevel(logging.ERROR)  # its "falling back to a Command" warning is about prose here, not the user's SQL
    try:
        tree = sqlglot.parse_one(text)
    except SqlglotError:
        return False
    finally:
        log.setLevel(level)
    if isinstance(tree, exp.Create):  # `CREATE TABLE statements ...` in a sentence defines nothing
        return isinstance(tree.this, exp.Schema) or tree.expression is not None
    if isinstance(tree, exp.Select) and not tree.expressions:  # "select from the source": prose
        return False
    return not isinstance(tree, exp.Command)


NAMES = "|".join(re.escape(k) for k in sorted(DIALECTS, key=len, reverse=True))


def target_dialect(text: str, sql: str) -> str | None:
    """The dialect the request asks for: `to X`, `into X`, `in (the) X (dialect)`, `for X`, `on X`."""
    outside = text.replace(sql.lower(), " ")
    found = re.search(r"\b(?:to|into|for|in|on)\s+(?:the\s+)?(" + NAMES + r")\b", outside)
    return DIALECTS[found.group(1)] if found else None


def _source_dialect(text: str, sql: str, default: str) -> str:
    """`from X`, else the first dialect the request names that is not the target."""
    outside = text.replace(sql.lower(), " ")
    found = re.search(r"\bfrom\s+(" + NAMES + r")\b", outside)
    if found:
        return DIALECTS[found.group(1)]
    target = target_dialect(text, sql)
    named = [DIALECTS[m.group(1)] for m in re.finditer(r"(?<![\w-])(" + NAMES + r")\b", outside)]
    return next((d for d in named if d != target), default)


def _named_dialect(text: str, sql: str) -> str | None:
    outside = text.replace(sql.lower(), " ")
    found = re.search(r"(?<![\w-])(" + NAMES + r")\b", outside)
    return DIALECTS[found.group(1)] if found else None


def repair(sql: str, diagnostics: list[dict[str, Any]], names: list[str]) -> str | None:
    """`sql` with the misspelt names of its diagnostics replaced by the suggested (or closest) names."""
    repaired = sql
    for d in diagnostics:
        if d.get("severity") != "error":
            continue
        bad = re.findall(r'"([^"]+)"|name (\w+) does not', d.get("message", ""))
        wrong = next((b[0] or b[1] for b in reversed(bad) if (b[0] or b[1])), None)
        suggestion = re.search(r"did you mean \"?([\w.]+)\"?", d.get("suggestion") or "")
        fix = suggestion.group(1).split(".")[-1] if suggestion else None
        if wrong and fix is None:
            close = difflib.get_close_matches(wrong, names, n=1, cutoff=0.7)
            fix = close[0] if close else None
        # Only an obvious slip is repaired: a suggestion far from what was written changes the meaning.
        close_enough = bool(wrong and fix) and difflib.SequenceMatcher(None, wrong.lower(), fix.lower()).ratio() >= 0.7
        if wrong and fix and wrong != fix and close_enough:
            repaired = re.sub(rf"\b{re.escape(wrong)}\b", fix, repaired)
    return repaired if repaired != sql else None


def _names(conv: Conversation) -> list[str]:
    return re.findall(r"\b([A-Za-z_][\w]*)\b", conv.sources)


def validation_loop(
    conv: Conversation, sql: str, dialect: str | None = None
) -> Call | tuple[str, dict[str, Any] | None, list[str]]:
    """Validate `sql`, repairing obvious misspellings; (final sql, last report, repairs made) when done."""
    checks = conv.done("validate_sql")
    if not checks:
        return Call("validate_sql", {"sql": sql, **({"dialect": dialect} if dialect else {})})
    last = checks[-1]
    report = last.output if isinstance(last.output, dict) else None
    current = last.input["sql"]
    fixes = [s.input["sql"] for s in checks[1:]]
    if report and not report.get("valid") and len(checks) <= MAX_SQL_REPAIRS:
        tried = [c.input["sql"] for c in checks]
        repaired = repair(current, report.get("diagnostics", []), _names(conv))
        if not repaired or repaired in tried:
            from assistant.planner.sql_repair import schema_columns, structural_repair

            repaired = structural_repair(current, schema_columns(conv.sources), dialect or conv.dialect)
        if repaired and repaired not in tried:
            return Call("validate_sql", {"sql": repaired, **({"dialect": dialect} if dialect else {})})
    return current, report, fixes


def diagnostic_lines(report: dict[str, Any] | None) -> list[str]:
    if not report:
        return []
    lines = []
    for d in report.get("diagnostics", []):
        hint = f" — {d['suggestion']}" if d.get("suggestion") else ""
        lines.append(f"- `{d['code']}` line {d.get('line', 1)}, column {d.get('column', 1)}: {d['message']}{hint}")
    return lines


def validate(conv: Conversation, system: str) -> Action:
    sql = given_sql(conv.request) or ""
    dialect = _named_dialect(conv.request.lower(), sql)
    step = validation_loop(conv, sql, dialect)
    if isinstance(step, Call):
        return step
    final, report, fixes = step
    lang = conv.language
    parts = [write.heading(lang, "validation")]
    first = conv.done("validate_sql")[0].output
    if isinstance(first, str):
        return Reply("\n\n".join([*parts, first, write.label(lang)]))
    if report and report.get("valid") and not fixes:
        parts.append(f"The SQL is valid against the schema ({report.get('dialect')}).")
        parts.append(write.fence(final))
    elif report and report.get("valid"):
        parts.append("The SQL as given does not validate:")
        parts.extend(diagnostic_lines(first))
        parts.append("Repaired from the diagnostics' suggestions, it validates:")
        parts.append(write.fence(final))
    else:
        parts.append("**The SQL does not pass validation**, and the diagnostics suggest no safe repair:")
        parts.extend(diagnostic_lines(report))
        parts.append(write.fence(final, "text"))
    if report and report.get("note"):
        parts.append(f"_{report['note']}_")
    parts.append(write.label(lang))
    return Reply("\n\n".join(parts))


def transpile(conv: Conversation, system: str) -> Action:
    sql = given_sql(conv.request) or ""
    text = conv.request.lower()
    target = target_dialect(text, sql) or "duckdb"
    source = _source_dialect(text, sql, "duckdb")
    done = conv.last("transpile_sql")
    if done is None:
        return Call("transpile_sql", {"sql": sql, "from_dialect": source, "to_dialect": target})
    lang = conv.language
    parts = [write.heading(lang, "transpiled")]
    if done.is_error or not isinstance(done.output, dict):
        parts.append(f"The SQL could not be transpiled from {source}: {done.output}")
    else:
        tag = target if target in {"postgres", "duckdb", "sqlite", "mysql", "bigquery", "snowflake", "tsql"} else "text"
        parts.append(f"From {source} to {target}:")
        parts.append(write.fence(done.output["sql"], tag))
        warnings = done.output.get("warnings") or []
        rewrites = done.output.get("rewrites") or []
        if rewrites:
            parts.append("Rewritten for the target:")
            parts.extend(f"- {r}" for r in rewrites)
        if warnings:
            parts.append("What does not carry over faithfully:")
            parts.extend(f"- {w['message']}" for w in warnings)
        elif done.output.get("checked"):
            parts.append(f"No problem found: {done.output['checked']}.")
    parts.append(write.label(lang))
    return Reply("\n\n".join(parts))


def explain(conv: Conversation, system: str) -> Action:
    sql = given_sql(conv.request) or ""
    described = conv.last("describe_sql")
    if described is None:
        return Call("describe_sql", {"sql": sql})
    if conv.brief.catalog.tables and not conv.done("validate_sql"):
        return Call("validate_sql", {"sql": sql})
    lang = conv.language
    parts = [write.heading(lang, "explanation")]
    if described.is_error or not isinstance(described.output, dict):
        parts.append(f"The SQL does not parse: {described.output}")
    for part in described.output.get("statements", []) if isinstance(described.output, dict) else []:
        parts.append(_explain_statement(part))
    check = conv.last("validate_sql")
    if check and isinstance(check.output, dict):
        if check.output.get("valid"):
            parts.append("It validates against the schema of the sources.")
        else:
            parts.append("Against the schema of the sources it does **not** validate:")
            parts.extend(diagnostic_lines(check.output))
    parts.append(write.label(lang))
    return Reply("\n\n".join(parts))


def _explain_statement(part: dict[str, Any]) -> str:
    lines = [f"A `{part['kind']}` statement."]
    if part.get("ctes"):
        lines.append(f"- It first defines the named subqueries {', '.join(f'`{c}`' for c in part['ctes'])}.")
    if part.get("tables"):
        lines.append(f"- It reads {', '.join(f'`{t}`' for t in part['tables'])}.")
    for join in part.get("joins", []):
        lines.append(f"- It joins `{join['table']}` ({join['kind']} join) on `{join['on']}`.")
    if part.get("filter"):
        lines.append(f"- It keeps the rows where `{part['filter']}`.")
    if part.get("group_by"):
        lines.append(f"- It groups them by {', '.join(f'`{g}`' for g in part['group_by'])}.")
    if part.get("aggregates"):
        lines.append(f"- It computes {', '.join(f'`{a}`' for a in part['aggregates'])} per group.")
    if part.get("having"):
        lines.append(f"- It keeps the groups where `{part['having']}`.")
    if part.get("columns"):
        lines.append(f"- It returns {', '.join(f'`{c}`' for c in part['columns'])}.")
    if part.get("order_by"):
        lines.append(f"- It orders the result by {', '.join(f'`{o}`' for o in part['order_by'])}.")
    if part.get("limit"):
        lines.append(f"- It returns at most {part['limit']} rows.")
    return "\n".join(lines)
