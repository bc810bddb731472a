"""The sources: inspect and profile them (analytic questions are assistant/backends/offline/question.py)."""

from __future__ import annotations

from typing import Any

from assistant.planner import write
from assistant.planner.actions import Action, Call, Reply
from assistant.planner.conversation import Conversation
from assistant.planner.tables import named_tables
from tools.words import singular


def source_tables(conv: Conversation) -> list[str]:
    """The tables relevant to the request, as the brief chose them."""
    return list(conv.brief.tables)


def has_sources(conv: Conversation) -> bool:
    return bool(conv.brief.catalog.tables)


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
    stem = singular(table["name"])
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
