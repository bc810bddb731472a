"""The sources: inspect and profile them, and answer simple analytic questions over them."""

from __future__ import annotations

import re
from typing import Any

from assistant.planner import write
from assistant.planner.actions import Action, Call, Reply
from assistant.planner.conversation import Conversation
from assistant.planner.nlsql import plan_query
from assistant.planner.sql_requests import diagnostic_lines, validation_loop


def source_tables(conv: Conversation) -> list[str]:
    return re.findall(r"^table (\S+)", conv.sources, re.MULTILINE)


def has_sources(conv: Conversation) -> bool:
    return bool(conv.sources) and not conv.sources.startswith("none")


def no_sources(conv: Conversation) -> Reply:
    return Reply(
        "No sources were given, so there is nothing to inspect: pass files or databases with `--data`"
        " (for example `--data assistant/examples/shop`).\n\n" + write.label(conv.language)
    )


def inspect(conv: Conversation, system: str) -> Action:
    if not has_sources(conv):
        return no_sources(conv)
    done = conv.last("inspect")
    if done is None:
        return _call_on_named_tables(conv, "inspect")
    lang = conv.language
    parts = [write.heading(lang, "tables")]
    for table in done.output.get("tables", []) if isinstance(done.output, dict) else []:
        parts.append(_table_markdown(table))
    parts.append(write.label(lang))
    return Reply("\n\n".join(parts))


def _call_on_named_tables(conv: Conversation, tool: str) -> Action:
    """Call `tool` on the tables the request names, or on every table when it names none."""
    from assistant.planner.draft import named_tables

    tables = source_tables(conv)
    return Call(tool, {"tables": named_tables(conv.request, tables) or tables})


def _table_markdown(table: dict[str, Any]) -> str:
    rows = f", {table['row_count']} rows" if table.get("row_count") is not None else ""
    lines = [f"**{table['name']}** ({table['source']}{rows})", ""]
    lines.append(
        write.markdown_table(
            ["column", "type", "nullable"], [[c["name"], c["type"], c["nullable"]] for c in table["columns"]], 60
        )
    )
    if table.get("primary_key"):
        lines.append(f"\nPrimary key: {', '.join(table['primary_key'])}")
    for fk in table.get("foreign_keys", []):
        lines.append(
            f"\nForeign key: ({', '.join(fk['columns'])}) -> {fk['references']['table']}({', '.join(fk['references']['columns'])})"
        )
    return "\n".join(lines)


def profile(conv: Conversation, system: str) -> Action:
    if not has_sources(conv):
        return no_sources(conv)
    done = conv.last("profile")
    if done is None:
        return _call_on_named_tables(conv, "profile")
    lang = conv.language
    parts = [write.heading(lang, "profile")]
    if done.is_error:
        parts.append(f"The profile did not run: {done.output}")
    else:
        parts.extend(_profile_facts(done.output))
    parts.append(write.label(lang))
    return Reply("\n\n".join(parts))


def _broken_keys(table: dict[str, Any]) -> list[dict[str, Any]]:
    """Columns named like the table's identifier (`order_id` in orders, or `id`) with repeated values."""
    name = table["name"].lower()
    stem = name[:-3] + "y" if name.endswith("ies") else name.rstrip("s")
    return [
        c
        for c in table["profile"]["columns"]
        if c["name"].lower() in {f"{stem}_id", "id"}
        and c["null_fraction"] == 0
        and c["distinct"] is not None
        and 0 < c["distinct"] < table["row_count"]
    ]


def _profile_facts(output: Any) -> list[str]:
    facts = []
    for table in output.get("tables", []) if isinstance(output, dict) else []:
        profile = table["profile"]
        lines = [f"**{table['name']}**: {table['row_count']} rows"]
        keys = ", ".join("(" + ", ".join(k) + ")" for k in profile["primary_key_candidates"][:3])
        if keys:
            lines.append(f"- key candidates: {keys}")
        pii = [c["name"] for c in profile["columns"] if c["pii"]]
        if pii:
            lines.append(f"- personal data (PII): {', '.join(pii)}")
        nulls = [f"{c['name']} ({c['null_fraction']:.0%})" for c in profile["columns"] if c["null_fraction"] > 0]
        if nulls:
            lines.append(f"- nulls: {', '.join(nulls)}")
        for c in profile["columns"]:
            if c["top_values"] and c["distinct"] <= 12 and c["type"].upper().startswith("VARCHAR") and not c["pii"]:
                values = ", ".join(f"{t['value']} ({t['count']})" for t in c["top_values"][:6])
                lines.append(f"- {c['name']}: {values}")
        for fk in profile["foreign_key_candidates"]:
            lines.append(
                f"- {', '.join(fk['columns'])} -> {fk['references']['table']}.{', '.join(fk['references']['columns'])}"
                f" ({fk['inclusion']:.0%} of values found{', declared' if fk['declared'] else ', not declared'})"
            )
        for c in _broken_keys(table):
            dupes = table["row_count"] - c["distinct"]
            lines.append(f"- {c['name']} looks like the key but is not unique: {c['distinct']} distinct values"
                         f" in {table['row_count']} rows ({dupes} duplicate rows)")
        if profile.get("duplicate_rows"):
            lines.append(f"- duplicate rows: {profile['duplicate_rows']}")
        facts.append("\n".join(lines))
    return facts


def _values(conv: Conversation) -> dict[tuple[str, str], list[str]]:
    done = conv.last("profile")
    values: dict[tuple[str, str], list[str]] = {}
    if done is None or not isinstance(done.output, dict):
        return values
    for table in done.output.get("tables", []):
        for column in table["profile"]["columns"]:
            if column["top_values"] and not column["pii"]:
                values[(table["name"], column["name"])] = [str(t["value"]) for t in column["top_values"]]
    return values


def question(conv: Conversation, system: str) -> Action:
    inspected = conv.last("inspect")
    if inspected is None:
        if (
            conv.tools
            and "search_catalog" in conv.tools
            and "... and" in conv.sources
            and not conv.done("search_catalog")
        ):
            return Call("search_catalog", {"query": conv.request})
        names = source_tables(conv)
        searched = conv.last("search_catalog")
        if searched and isinstance(searched.output, dict):
            names = list(dict.fromkeys([*names, *(m["table"] for m in searched.output.get("matches", [])[:6])]))
        return Call("inspect", {"tables": names})
    tables = inspected.output.get("tables", []) if isinstance(inspected.output, dict) else []
    query = plan_query(conv.request, tables, _values(conv), conv.dialect)
    if (query is None or query.unmatched) and conv.last("profile") is None and "profile" in conv.tools:
        return Call("profile", {"tables": [t["name"] for t in tables]})
    if query is None:
        return Reply(_cannot_map(conv, tables))
    step = validation_loop(conv, query.sql)
    if isinstance(step, Call):
        return step
    sql, report, _ = step
    lang = conv.language
    if not report or not report.get("valid"):
        return Reply(
            "\n\n".join(
                [
                    write.heading(lang, "sql"),
                    "**The SQL written for this question does not pass validation**; it was not run:",
                    *diagnostic_lines(report),
                    write.fence(sql, "text"),
                    write.label(lang),
                ]
            )
        )
    ran = conv.last("run_sql")
    if ran is None and "run_sql" in conv.tools:
        return Call("run_sql", {"sql": sql, "limit": 50})
    parts = [write.heading(lang, "answer")]
    if ran is not None and not ran.is_error and isinstance(ran.output, dict):
        result = ran.output
        parts.append(_answer_sentence(result))
        parts.append(write.markdown_table(result["columns"], result["rows"]))
        if result.get("masked"):
            parts.append(f"Personal data masked in these rows: {', '.join(result['masked'])}.")
    else:
        reason = ran.output if ran is not None else "run_sql is not among this agent's tools"
        parts.append(f"The query was validated but not run ({reason}). Run it with `--yes` to see the result.")
    parts.append(write.heading(lang, "sql"))
    parts.append(write.fence(sql))
    parts.append(write.heading(lang, "how"))
    parts.append("\n".join(f"- {s}" for s in query.steps))
    if query.unmatched:
        parts.append(f"Words not mapped onto the schema or the data: {', '.join(query.unmatched)}.")
    parts.append(write.label(lang))
    return Reply("\n\n".join(parts))


def _answer_sentence(result: dict[str, Any]) -> str:
    rows = result["rows"]
    if not rows:
        return "The query returns no rows."
    if len(rows) == 1 and len(result["columns"]) == 1:
        return f"**{result['columns'][0]} = {rows[0][0]}**"
    first = ", ".join(
        f"{c} = {round(v, 2) if isinstance(v, float) else v}" for c, v in zip(result["columns"], rows[0], strict=True)
    )
    return (
        f"{len(rows)} row{'s' * (len(rows) != 1)}{' (truncated)' if result.get('truncated') else ''}; first: {first}."
    )


def _cannot_map(conv: Conversation, tables: list[dict[str, Any]]) -> str:
    names = ", ".join(t["name"] for t in tables)
    return (
        "The offline planner could not map this question onto the tables it knows "
        f"({names}): name a table, a column to aggregate or group by, or a value found in the data.\n\n"
        + write.label(conv.language)
    )
