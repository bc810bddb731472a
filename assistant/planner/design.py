"""Design requests in the lead's shape, and collaborators' notes, grounded in the sources and the persona."""

from __future__ import annotations

import re
from typing import Any

from assistant.planner import write
from assistant.planner.actions import Action, Call, Reply
from assistant.planner.conversation import Conversation
from assistant.planner.memory import known_facts
from assistant.planner.sources import has_sources, source_tables
from assistant.planner.text import related, tokens


def _gather(conv: Conversation) -> Call | None:
    """Inspect, then profile, the tables of the brief before writing a grounded design or notes."""
    if not has_sources(conv):
        return None
    if conv.last("inspect") is None and "inspect" in conv.tools:
        return Call("inspect", {"tables": source_tables(conv)})
    if conv.last("profile") is None and "profile" in conv.tools:
        return Call("profile", {"tables": source_tables(conv)})
    return None


def persona_bullets(system: str) -> list[str]:
    """The bullet points of a persona's prompt (continuation lines joined), outside its tools and rules."""
    bullets: list[str] = []
    skipping = False
    for line in system.splitlines():
        stripped = line.strip()
        if stripped.startswith("#"):
            skipping = bool(re.search(r"(?i)tool|rule|工具|規則|도구|규칙", stripped))
        elif skipping:
            continue
        elif stripped.startswith(("- ", "* ")):
            bullets.append(stripped[2:].strip())
        elif stripped and bullets and line.startswith("  "):
            bullets[-1] += " " + stripped
        elif not stripped and bullets and not bullets[-1].endswith("\n"):
            bullets[-1] += "\n"
    return [b.strip() for b in bullets]


def relevant_lines(system: str, request: str, limit: int = 4) -> list[str]:
    """The persona's own bullet points that share the most words with the request."""
    asked = set(tokens(request))
    scored = []
    for index, bullet in enumerate(persona_bullets(system)):
        score = sum(1 for w in set(tokens(bullet)) if any(related(w, q) for q in asked))
        if score:
            scored.append((-score, index, bullet))
    return [b for _, _, b in sorted(scored)[:limit]]


def _facts(conv: Conversation) -> dict[str, Any]:
    inspected = conv.last("inspect")
    profiled = conv.last("profile")
    tables = inspected.output.get("tables", []) if inspected and isinstance(inspected.output, dict) else []
    profiles = (
        profiled.output.get("tables", [])
        if profiled and not profiled.is_error and isinstance(profiled.output, dict)
        else []
    )
    pii = [f"{t['name']}.{c['name']}" for t in profiles for c in t["profile"]["columns"] if c["pii"]]
    keys = {t["name"]: t["profile"]["primary_key_candidates"][:1] for t in profiles}
    fks = [
        f"{t['name']}.{fk['columns'][0]} -> {fk['references']['table']}.{fk['references']['columns'][0]}"
        for t in profiles
        for fk in t["profile"]["foreign_key_candidates"]
    ]
    for t in tables:
        fks.extend(
            f"{t['name']}.{fk['columns'][0]} -> {fk['references']['table']}.{fk['references']['columns'][0]}"
            for fk in t.get("foreign_keys", [])
        )
    times = [
        f"{t['name']}.{c['name']}" for t in tables for c in t["columns"] if re.search(r"DATE|TIME", c["type"], re.I)
    ]
    rows = {t["name"]: t.get("row_count") for t in profiles or tables}
    return {"tables": tables, "pii": pii, "keys": keys, "fks": sorted(set(fks)), "times": times, "rows": rows}


def notes(conv: Conversation, system: str) -> Action:
    step = _gather(conv)
    if step:
        return step
    facts = _facts(conv)
    lines = [f"- {line}" for line in relevant_lines(system, conv.request)]
    lines += _grounded(facts)
    if not lines:
        lines = ["- Nothing in my area stands out for this request."]
    return Reply("\n".join(lines) + "\n\n" + write.label(conv.language))


def _grounded(facts: dict[str, Any]) -> list[str]:
    lines = []
    if facts["rows"]:
        lines.append(
            "- Sources: "
            + ", ".join(f"`{t}` ({n if n is not None else '?'} rows)" for t, n in facts["rows"].items())
            + "."
        )
    keys = [f"`{t}` ({', '.join(k[0])})" for t, k in facts["keys"].items() if k]
    if keys:
        lines.append("- Keys found in the data: " + ", ".join(keys) + ".")
    if facts["fks"]:
        lines.append("- Relationships: " + ", ".join(f"`{f}`" for f in facts["fks"]) + ".")
    if facts["pii"]:
        lines.append("- Personal data to mask or restrict: " + ", ".join(f"`{p}`" for p in facts["pii"]) + ".")
    if facts["times"]:
        lines.append(
            "- Event-time columns for incremental loads and freshness: "
            + ", ".join(f"`{t}`" for t in facts["times"])
            + "."
        )
    return lines


def _validated(conv: Conversation, candidates: list[str]) -> Call | dict[str, bool]:
    """Validate each candidate statement through the tool, one call each; sql -> valid when all are done."""
    verdicts = {
        s.input["sql"]: bool(isinstance(s.output, dict) and s.output.get("valid")) for s in conv.done("validate_sql")
    }
    for sql in candidates:
        if sql not in verdicts and "validate_sql" in conv.tools:
            return Call("validate_sql", {"sql": sql})
    return verdicts


def design(conv: Conversation, system: str) -> Action:
    step = _gather(conv)
    if step:
        return step
    lang = conv.language
    facts = _facts(conv)
    model_sql, masked_sql = _model_sql(facts), _masked_sql(facts)
    verdicts = _validated(conv, [sql for sql in (model_sql, masked_sql) if sql])
    if isinstance(verdicts, Call):
        return verdicts
    lines = relevant_lines(system, conv.request, limit=8)
    sections: dict[str, list[str]] = {
        key: []
        for key in (
            "requirements",
            "architecture",
            "implementation",
            "quality",
            "cost",
            "governance",
            "monitoring",
            "runbook",
        )
    }
    sections["requirements"].append(f"- Asked: {conv.request.strip()}")
    remembered = known_facts(conv)
    if remembered:
        sections["requirements"].append(remembered)
    if facts["rows"]:
        sections["requirements"].append(
            "- Sources given: "
            + ", ".join(f"`{t}` ({n if n is not None else '?'} rows)" for t, n in facts["rows"].items())
            + "."
        )
    else:
        sections["requirements"].append(
            "- No sources were given (`--data`), so volumes, keys and personal data are assumptions to confirm."
        )
    sections["requirements"].append(
        "- To confirm: data volume and growth, latency (batch or real time), and who consumes the result."
    )
    if lines:
        sections["architecture"].extend(f"- {line}" for line in lines[:4])
    if facts["fks"]:
        sections["architecture"].append(
            "- Join paths in the sources: " + ", ".join(f"`{f}`" for f in facts["fks"]) + "."
        )
    if model_sql and verdicts.get(model_sql):
        sections["implementation"].append(
            "A first model over the sources, joining along the relationships found (validated against the schema):"
        )
        sections["implementation"].append(write.fence(model_sql))
    else:
        sections["implementation"].append(
            "- With sources given (`--data`), the offline planner drafts a first model over them and validates it."
        )
    for table, key in facts["keys"].items():
        if key:
            sections["quality"].append(f"- `{table}`: `{', '.join(key[0])}` unique and not null.")
    for fk in facts["fks"]:
        sections["quality"].append(f"- relationship `{fk}`: every child value found in the parent.")
    if not sections["quality"]:
        sections["quality"].append(
            "- Not null and unique on every key, accepted values on status columns, relationships between tables, freshness."
        )
    if facts["times"]:
        sections["cost"].append(
            "- Load incrementally and partition by the event-time columns: "
            + ", ".join(f"`{t}`" for t in facts["times"])
            + "."
        )
    sections["cost"].append(
        "- Process only new or changed rows; size compute for the largest table and measure before scaling."
    )
    if facts["pii"]:
        sections["governance"].append(
            "- Personal data found by the profiler: "
            + ", ".join(f"`{p}`" for p in facts["pii"])
            + "; mask or tokenize it before it leaves the raw layer, and restrict access."
        )
        if masked_sql and verdicts.get(masked_sql):
            sections["governance"].append(
                "A masked view for readers without access to personal data (validated against the schema):"
            )
            sections["governance"].append(write.fence(masked_sql))
    sections["governance"].append("- Record the owner and lineage of each table; keep access least-privilege.")
    sections["monitoring"].append(
        "- Alert on freshness (time since the last load), volume (row counts against the usual range) and failed quality checks."
    )
    if facts["times"]:
        sections["monitoring"].append("- Freshness from " + ", ".join(f"`max({t})`" for t in facts["times"][:3]) + ".")
    sections["runbook"].append(
        "- Document each table's grain, keys and owner; describe how to rerun a load, backfill a date range and recover from a failed run."
    )
    parts = []
    for key, body in sections.items():
        if body:
            parts.append(write.heading(lang, key))
            parts.append("\n".join(body))
    for agent, note in conv.notes:
        parts.append(f"{write.heading(lang, 'notes', 3)}: {agent}")
        parts.append(note.replace(write.label(lang), "").strip())
    contributors = [conv.lead, *(agent for agent, _ in conv.notes)]
    parts.append(f"{write.heading(lang, 'contributors', 3)}: " + ", ".join(f"@{a}" for a in contributors))
    parts.append(write.label(lang))
    return Reply("\n\n".join(parts))


def _model_sql(facts: dict[str, Any]) -> str | None:
    """A join of the table with the most relationships to the tables it references (a fact and its dimensions)."""
    if not facts["fks"] or not facts["tables"]:
        return None
    edges = [re.match(r"(\w+)\.(\w+) -> (\w+)\.(\w+)", f).groups() for f in facts["fks"]]  # type: ignore[union-attr]
    counts: dict[str, int] = {}
    for child, *_ in edges:
        counts[child] = counts.get(child, 0) + 1
    fact = max(counts, key=lambda t: (counts[t], t))
    columns = {t["name"]: [c["name"] for c in t["columns"]] for t in facts["tables"]}
    select = [f"f.{c}" for c in columns.get(fact, [])]
    joins = []
    for index, (_, column, parent, parent_column) in enumerate(e for e in edges if e[0] == fact):
        alias = f"d{index + 1}"
        joins.append(f"LEFT JOIN {parent} AS {alias} ON {alias}.{parent_column} = f.{column}")
        select += [f"{alias}.{c} AS {parent}_{c}" for c in columns.get(parent, []) if c != parent_column][:3]
    return "SELECT " + ",\n       ".join(select) + f"\nFROM {fact} AS f\n" + "\n".join(joins)


def _masked_sql(facts: dict[str, Any]) -> str | None:
    """A view of the first table holding personal data with those columns hashed (emails keep their domain)."""
    if not facts["pii"]:
        return None
    table = facts["pii"][0].split(".")[0]
    personal = {p.split(".")[1] for p in facts["pii"] if p.startswith(table + ".")}
    info = next((t for t in facts["tables"] if t["name"] == table), None)
    if info is None:
        return None
    select = []
    for column in (c["name"] for c in info["columns"]):
        if column not in personal:
            select.append(column)
        elif "mail" in column.lower():
            select.append(f"md5({column}) || '@' || split_part({column}, '@', 2) AS {column}_masked")
        else:
            select.append(f"md5({column}) AS {column}_hash")
    return "SELECT " + ",\n       ".join(select) + f"\nFROM {table}"
