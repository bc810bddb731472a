"""The planner's decisions: what the request asks, the next tool call, and the answer from the results.

Each call to `next_action` looks at the conversation so far (the brief and the tool results) and
returns either a tool call or the final text, so the graph drives it exactly as it drives a model.
"""

from __future__ import annotations

import difflib
import re
from dataclasses import dataclass
from typing import Any

from assistant.planner import write
from assistant.planner.conversation import Conversation
from assistant.planner.nlsql import plan_query
from assistant.planner.text import related, tokens

DIALECTS = {
    "postgres": "postgres", "postgresql": "postgres", "duckdb": "duckdb", "sqlite": "sqlite", "mysql": "mysql",
    "bigquery": "bigquery", "snowflake": "snowflake", "redshift": "redshift", "spark": "spark", "databricks": "databricks",
    "tsql": "tsql", "sql server": "tsql", "oracle": "oracle", "trino": "trino", "presto": "presto", "clickhouse": "clickhouse",
}
SQL_START = re.compile(r"(?is)\b(select|with|insert\s+into|update|delete\s+from|create\s+(?:or\s+replace\s+)?(?:table|view))\b.*")
FENCED = re.compile(r"```[a-zA-Z]*\n(.*?)```", re.DOTALL)
MAX_SQL_REPAIRS = 3
# A question about what is known of an entity memory holds (its brief has a <memory> section).
MEMORY_QUESTION = re.compile(
    r"\b(what|who|which|where|tell|know|remember|recall|upstream|downstream|lineage|depends?|feeds?|owns?|owner)\b"
)
MEMORY_ENTITY = re.compile(r"^- (.+) \(([a-z][a-z0-9_]*)\)$", re.MULTILINE)


@dataclass
class Call:
    name: str
    input: dict[str, Any]


@dataclass
class Reply:
    text: str


Action = Call | Reply


def given_sql(request: str) -> str | None:
    fenced = FENCED.search(request)
    if fenced:
        return fenced.group(1).strip()
    found = SQL_START.search(request)
    if found and re.search(r"(?i)\b(from|table|view|values|set)\b", found.group(0)):
        return found.group(0).strip().rstrip(".")
    return None


def classify(conv: Conversation) -> str:
    text = conv.request.lower()
    if conv.role == "collaborator":
        return "notes"
    if re.search(r"commit message|commit msg|提交訊息|커밋 메시지|커밋 메세지", text):
        return "commit"
    sql = given_sql(conv.request)
    if sql:
        if re.search(r"\b(transpile|translate|convert|port|rewrite)\b|轉譯|轉換|변환", text) and _target_dialect(text, sql):
            return "transpile"
        if re.search(r"\b(explain|what does|describe|walk me through)\b|說明|解釋|설명", text):
            return "explain"
        return "validate"
    if re.search(r"\bprofile\b|剖析|프로파일", text):
        return "profile"
    if re.search(r"\b(inspect|what tables|which tables|list (the )?tables|show (me )?(the )?(tables|schema)|describe (the )?(tables|schema|source|data))\b|列出|資料表|테이블 목록", text):
        return "inspect"
    if conv.memory and "recall" in conv.tools and MEMORY_QUESTION.search(text):
        return "recall"
    design = re.search(
        r"\b(design|architect|architecture|build|set up|setup|implement|migrat\w*|pipeline|platform|plan|model(l)?ing|"
        r"feature store|cdc|stream\w*|ingest\w*|mask\w*|warehouse|lakehouse|orchestrat\w*|schema for)\b|設計|管線|파이프라인|설계",
        text,
    )
    if conv.sources and not conv.sources.startswith("none") and _analytic(text) and not design:
        return "question"
    if design:
        return "design"
    if conv.sources and not conv.sources.startswith("none") and _analytic(text):
        return "question"
    return "other"


def _analytic(text: str) -> bool:
    return bool(
        re.search(
            r"\b(how many|how much|count|number of|total|sum|average|avg|mean|top \d*|most|least|highest|lowest|which|who|"
            r"per|by|list|show)\b",
            text,
        )
    )


def _target_dialect(text: str, sql: str) -> str | None:
    outside = text.replace(sql.lower(), " ")
    found = re.search(r"\b(?:to|into|for|in)\s+(" + "|".join(re.escape(k) for k in DIALECTS) + r")\b", outside)
    return DIALECTS[found.group(1)] if found else None


def _source_dialect(text: str, sql: str, default: str) -> str:
    outside = text.replace(sql.lower(), " ")
    found = re.search(r"\bfrom\s+(" + "|".join(re.escape(k) for k in DIALECTS) + r")\b", outside)
    return DIALECTS[found.group(1)] if found else default


def next_action(conv: Conversation, system: str) -> Action:
    kind = classify(conv)
    return {
        "validate": _validate,
        "transpile": _transpile,
        "explain": _explain,
        "inspect": _inspect,
        "profile": _profile,
        "question": _question,
        "commit": _commit,
        "design": _design,
        "notes": _notes,
        "recall": _recall,
    }.get(kind, _other)(conv, system)


# -- SQL given in the request --------------------------------------------------------------------


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
        if wrong and fix and wrong != fix:
            repaired = re.sub(rf"\b{re.escape(wrong)}\b", fix, repaired)
    return repaired if repaired != sql else None


def _names(conv: Conversation) -> list[str]:
    return re.findall(r"\b([A-Za-z_][\w]*)\b", conv.sources)


def _validation_loop(conv: Conversation, sql: str, dialect: str | None = None) -> Call | tuple[str, dict[str, Any] | None, list[str]]:
    """Validate `sql`, repairing obvious misspellings; (final sql, last report, repairs made) when done."""
    checks = conv.done("validate_sql")
    if not checks:
        return Call("validate_sql", {"sql": sql, **({"dialect": dialect} if dialect else {})})
    last = checks[-1]
    report = last.output if isinstance(last.output, dict) else None
    current = last.input["sql"]
    fixes = [s.input["sql"] for s in checks[1:]]
    if report and not report.get("valid") and len(checks) <= MAX_SQL_REPAIRS:
        repaired = repair(current, report.get("diagnostics", []), _names(conv))
        if repaired and repaired not in [c.input["sql"] for c in checks]:
            return Call("validate_sql", {"sql": repaired, **({"dialect": dialect} if dialect else {})})
    return current, report, fixes


def _diagnostic_lines(report: dict[str, Any] | None) -> list[str]:
    if not report:
        return []
    lines = []
    for d in report.get("diagnostics", []):
        hint = f" — {d['suggestion']}" if d.get("suggestion") else ""
        lines.append(f"- `{d['code']}` line {d.get('line', 1)}, column {d.get('column', 1)}: {d['message']}{hint}")
    return lines


def _validate(conv: Conversation, system: str) -> Action:
    sql = given_sql(conv.request) or ""
    dialect = _named_dialect(conv.request.lower(), sql)
    step = _validation_loop(conv, sql, dialect)
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
        parts.extend(_diagnostic_lines(first))
        parts.append("Repaired from the diagnostics' suggestions, it validates:")
        parts.append(write.fence(final))
    else:
        parts.append("**The SQL does not pass validation**, and the diagnostics suggest no safe repair:")
        parts.extend(_diagnostic_lines(report))
        parts.append(write.fence(final, "text"))
    if report and report.get("note"):
        parts.append(f"_{report['note']}_")
    parts.append(write.label(lang))
    return Reply("\n\n".join(parts))


def _named_dialect(text: str, sql: str) -> str | None:
    outside = text.replace(sql.lower(), " ")
    found = re.search(r"\b(" + "|".join(re.escape(k) for k in DIALECTS) + r")\b", outside)
    return DIALECTS[found.group(1)] if found else None


def _transpile(conv: Conversation, system: str) -> Action:
    sql = given_sql(conv.request) or ""
    text = conv.request.lower()
    target = _target_dialect(text, sql) or "duckdb"
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
        if warnings:
            parts.append("What does not carry over faithfully:")
            parts.extend(f"- {w['message']}" for w in warnings)
        else:
            parts.append("Every construct carried over (sqlglot reported no loss).")
    parts.append(write.label(lang))
    return Reply("\n\n".join(parts))


def _explain(conv: Conversation, system: str) -> Action:
    sql = given_sql(conv.request) or ""
    described = conv.last("describe_sql")
    if described is None:
        return Call("describe_sql", {"sql": sql})
    if conv.sources and not conv.sources.startswith("none") and not conv.done("validate_sql"):
        return Call("validate_sql", {"sql": sql})
    lang = conv.language
    parts = [write.heading(lang, "explanation")]
    if described.is_error or not isinstance(described.output, dict):
        parts.append(f"The SQL does not parse: {described.output}")
    for part in (described.output.get("statements", []) if isinstance(described.output, dict) else []):
        parts.append(_explain_statement(part))
    check = conv.last("validate_sql")
    if check and isinstance(check.output, dict):
        if check.output.get("valid"):
            parts.append("It validates against the schema of the sources.")
        else:
            parts.append("Against the schema of the sources it does **not** validate:")
            parts.extend(_diagnostic_lines(check.output))
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


# -- the sources ---------------------------------------------------------------------------------


def _source_tables(conv: Conversation) -> list[str]:
    return re.findall(r"^table (\S+)", conv.sources, re.MULTILINE)


def _inspect(conv: Conversation, system: str) -> Action:
    if not _has_sources(conv):
        return _no_sources(conv)
    done = conv.last("inspect")
    if done is None:
        return Call("inspect", {"tables": _source_tables(conv)})
    lang = conv.language
    parts = [write.heading(lang, "tables")]
    for table in done.output.get("tables", []) if isinstance(done.output, dict) else []:
        parts.append(_table_markdown(table))
    parts.append(write.label(lang))
    return Reply("\n\n".join(parts))


def _table_markdown(table: dict[str, Any]) -> str:
    rows = f", {table['row_count']} rows" if table.get("row_count") is not None else ""
    lines = [f"**{table['name']}** ({table['source']}{rows})", ""]
    lines.append(write.markdown_table(["column", "type", "nullable"], [[c["name"], c["type"], c["nullable"]] for c in table["columns"]], 60))
    if table.get("primary_key"):
        lines.append(f"\nPrimary key: {', '.join(table['primary_key'])}")
    for fk in table.get("foreign_keys", []):
        lines.append(f"\nForeign key: ({', '.join(fk['columns'])}) -> {fk['references']['table']}({', '.join(fk['references']['columns'])})")
    return "\n".join(lines)


def _profile(conv: Conversation, system: str) -> Action:
    if not _has_sources(conv):
        return _no_sources(conv)
    done = conv.last("profile")
    if done is None:
        return Call("profile", {"tables": _source_tables(conv)})
    lang = conv.language
    parts = [write.heading(lang, "profile")]
    if done.is_error:
        parts.append(f"The profile did not run: {done.output}")
    else:
        parts.extend(_profile_facts(done.output))
    parts.append(write.label(lang))
    return Reply("\n\n".join(parts))


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
        if profile.get("duplicate_rows"):
            lines.append(f"- duplicate rows: {profile['duplicate_rows']}")
        facts.append("\n".join(lines))
    return facts


def _has_sources(conv: Conversation) -> bool:
    return bool(conv.sources) and not conv.sources.startswith("none")


def _no_sources(conv: Conversation) -> Reply:
    return Reply(
        "No sources were given, so there is nothing to inspect: pass files or databases with `--data`"
        " (for example `--data assistant/examples/shop`).\n\n" + write.label(conv.language)
    )


# -- analytic questions --------------------------------------------------------------------------


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


def _question(conv: Conversation, system: str) -> Action:
    inspected = conv.last("inspect")
    if inspected is None:
        if conv.tools and "search_catalog" in conv.tools and "... and" in conv.sources and not conv.done("search_catalog"):
            return Call("search_catalog", {"query": conv.request})
        names = _source_tables(conv)
        searched = conv.last("search_catalog")
        if searched and isinstance(searched.output, dict):
            names = list(dict.fromkeys([*names, *(m["table"] for m in searched.output.get("matches", [])[:6])]))
        return Call("inspect", {"tables": names})
    tables = inspected.output.get("tables", []) if isinstance(inspected.output, dict) else []
    query = plan_query(conv.request, tables, _values(conv))
    if (query is None or query.unmatched) and conv.last("profile") is None and "profile" in conv.tools:
        return Call("profile", {"tables": [t["name"] for t in tables]})
    if query is None:
        return Reply(_cannot_map(conv, tables))
    step = _validation_loop(conv, query.sql)
    if isinstance(step, Call):
        return step
    sql, report, _ = step
    lang = conv.language
    if not report or not report.get("valid"):
        return Reply("\n\n".join([
            write.heading(lang, "sql"),
            "**The SQL written for this question does not pass validation**; it was not run:",
            *_diagnostic_lines(report),
            write.fence(sql, "text"),
            write.label(lang),
        ]))
    ran = conv.last("run_sql")
    if ran is None and "run_sql" in conv.tools:
        return Call("run_sql", {"sql": sql, "limit": 50})
    parts = [write.heading(lang, "answer")]
    if ran is not None and not ran.is_error and isinstance(ran.output, dict):
        result = ran.output
        parts.append(_answer_sentence(result))
        parts.append(write.markdown_table(result["columns"], result["rows"]))
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
    first = ", ".join(f"{c} = {v}" for c, v in zip(result["columns"], rows[0]))
    return f"{len(rows)} row{'s' * (len(rows) != 1)}{' (truncated)' if result.get('truncated') else ''}; first: {first}."


def _cannot_map(conv: Conversation, tables: list[dict[str, Any]]) -> str:
    names = ", ".join(t["name"] for t in tables)
    return (
        "The offline planner could not map this question onto the tables it knows "
        f"({names}): name a table, a column to aggregate or group by, or a value found in the data.\n\n"
        + write.label(conv.language)
    )


# -- commit messages -----------------------------------------------------------------------------

COMMIT_TYPES = [
    ("fix", r"\b(fix|fixes|fixed|fixing|bug|repair|correct)\b"),
    ("docs", r"\b(doc|docs|documentation|readme)\b"),
    ("test", r"\b(test|tests|testing)\b"),
    ("refactor", r"\b(refactor|rename|restructure|clean up)\b"),
    ("perf", r"\b(faster|speed up|performance|optimi[sz]e)\b"),
    ("chore", r"\b(bump|upgrade|dependency|dependencies)\b"),
]
GERUND = {"adding": "add", "creating": "create", "fixing": "fix", "removing": "remove", "updating": "update", "renaming": "rename"}


def _commit(conv: Conversation, system: str) -> Action:
    done = conv.last("propose_commit_message")
    if done is None:
        text = conv.request.strip().rstrip(".")
        about = re.search(r"(?i)commit (?:message|msg)\s+(?:for|about|that|describing)?\s*(.+)", text)
        description = (about.group(1) if about else text).strip()
        words_ = description.split()
        if words_ and words_[0].lower() in GERUND:
            words_[0] = GERUND[words_[0].lower()]
        description = " ".join(words_)
        description = description[0].lower() + description[1:] if description else "update"
        kind = next((t for t, pattern in COMMIT_TYPES if re.search(pattern, description.lower())), "feat")
        scope = next((t for t in _source_tables(conv) if re.search(rf"\b{re.escape(t)}\b", description)), None)
        return Call("propose_commit_message", {"type": kind, "description": description, **({"scope": scope} if scope else {})})
    lang = conv.language
    if done.is_error:
        return Reply(f"{write.heading(lang, 'commit')}\n\nNo message could be proposed: {done.output}\n\n{write.label(lang)}")
    return Reply(
        f"{write.heading(lang, 'commit')}\n\n{write.fence(done.output['message'], 'text')}\n\n"
        f"Attributed to {', '.join('@' + a for a in done.output['agents'])}.\n\n{write.label(lang)}"
    )


# -- design requests and collaborators' notes ----------------------------------------------------


def _gather(conv: Conversation) -> Call | None:
    """Inspect, then profile, the tables of the brief before writing a grounded design or notes."""
    if not _has_sources(conv):
        return None
    if conv.last("inspect") is None and "inspect" in conv.tools:
        return Call("inspect", {"tables": _source_tables(conv)})
    if conv.last("profile") is None and "profile" in conv.tools:
        return Call("profile", {"tables": _source_tables(conv)})
    return None


def relevant_lines(system: str, request: str, limit: int = 4) -> list[str]:
    """The persona's own bullet lines that share the most words with the request."""
    asked = set(tokens(request))
    bullets = [line.strip()[2:].strip() for line in system.splitlines() if line.strip().startswith(("- ", "* "))]
    scored = []
    for index, bullet in enumerate(bullets):
        score = sum(1 for w in set(tokens(bullet)) if any(related(w, q) for q in asked))
        if score:
            scored.append((-score, index, bullet))
    return [b for _, _, b in sorted(scored)[:limit]]


def _facts(conv: Conversation) -> dict[str, Any]:
    inspected = conv.last("inspect")
    profiled = conv.last("profile")
    tables = inspected.output.get("tables", []) if inspected and isinstance(inspected.output, dict) else []
    profiles = profiled.output.get("tables", []) if profiled and not profiled.is_error and isinstance(profiled.output, dict) else []
    pii = [f"{t['name']}.{c['name']}" for t in profiles for c in t["profile"]["columns"] if c["pii"]]
    keys = {t["name"]: t["profile"]["primary_key_candidates"][:1] for t in profiles}
    fks = [
        f"{t['name']}.{fk['columns'][0]} -> {fk['references']['table']}.{fk['references']['columns'][0]}"
        for t in profiles
        for fk in t["profile"]["foreign_key_candidates"]
    ]
    for t in tables:
        fks.extend(f"{t['name']}.{fk['columns'][0]} -> {fk['references']['table']}.{fk['references']['columns'][0]}" for fk in t.get("foreign_keys", []))
    times = [f"{t['name']}.{c['name']}" for t in tables for c in t["columns"] if re.search(r"DATE|TIME", c["type"], re.I)]
    rows = {t["name"]: t.get("row_count") for t in profiles or tables}
    return {"tables": tables, "pii": pii, "keys": keys, "fks": sorted(set(fks)), "times": times, "rows": rows}


def _notes(conv: Conversation, system: str) -> Action:
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
        lines.append("- Sources: " + ", ".join(f"`{t}` ({n if n is not None else '?'} rows)" for t, n in facts["rows"].items()) + ".")
    keys = [f"`{t}` ({', '.join(k[0])})" for t, k in facts["keys"].items() if k]
    if keys:
        lines.append("- Keys found in the data: " + ", ".join(keys) + ".")
    if facts["fks"]:
        lines.append("- Relationships: " + ", ".join(f"`{f}`" for f in facts["fks"]) + ".")
    if facts["pii"]:
        lines.append("- Personal data to mask or restrict: " + ", ".join(f"`{p}`" for p in facts["pii"]) + ".")
    if facts["times"]:
        lines.append("- Event-time columns for incremental loads and freshness: " + ", ".join(f"`{t}`" for t in facts["times"]) + ".")
    return lines


def _design(conv: Conversation, system: str) -> Action:
    step = _gather(conv)
    if step:
        return step
    lang = conv.language
    facts = _facts(conv)
    lines = relevant_lines(system, conv.request, limit=8)
    sections: dict[str, list[str]] = {key: [] for key in ("requirements", "architecture", "implementation", "quality", "cost", "governance", "monitoring", "runbook")}
    sections["requirements"].append(f"- Asked: {conv.request.strip()}")
    if conv.memory:
        sections["requirements"].append("- Known from project memory:\n" + _indented(conv.memory))
    if facts["rows"]:
        sections["requirements"].append("- Sources given: " + ", ".join(f"`{t}` ({n if n is not None else '?'} rows)" for t, n in facts["rows"].items()) + ".")
    else:
        sections["requirements"].append("- No sources were given (`--data`), so volumes, keys and personal data are assumptions to confirm.")
    sections["requirements"].append("- To confirm: data volume and growth, latency (batch or real time), and who consumes the result.")
    if lines:
        sections["architecture"].extend(f"- {line}" for line in lines[:4])
    if facts["fks"]:
        sections["architecture"].append("- Join paths in the sources: " + ", ".join(f"`{f}`" for f in facts["fks"]) + ".")
    model_sql = _model_sql(facts)
    if model_sql:
        sections["implementation"].append("A first model over the sources, joining along the relationships found (validated against the schema):")
        sections["implementation"].append(write.fence(model_sql))
    else:
        sections["implementation"].append("- With sources given (`--data`), the offline planner drafts a first model over them and validates it.")
    for table, key in facts["keys"].items():
        if key:
            sections["quality"].append(f"- `{table}`: `{', '.join(key[0])}` unique and not null.")
    for fk in facts["fks"]:
        sections["quality"].append(f"- relationship `{fk}`: every child value found in the parent.")
    if not sections["quality"]:
        sections["quality"].append("- Not null and unique on every key, accepted values on status columns, relationships between tables, freshness.")
    if facts["times"]:
        sections["cost"].append("- Load incrementally and partition by the event-time columns: " + ", ".join(f"`{t}`" for t in facts["times"]) + ".")
    sections["cost"].append("- Process only new or changed rows; size compute for the largest table and measure before scaling.")
    if facts["pii"]:
        sections["governance"].append("- Personal data found by the profiler: " + ", ".join(f"`{p}`" for p in facts["pii"]) + "; mask or tokenize it before it leaves the raw layer, and restrict access.")
    sections["governance"].append("- Record the owner and lineage of each table; keep access least-privilege.")
    sections["monitoring"].append("- Alert on freshness (time since the last load), volume (row counts against the usual range) and failed quality checks.")
    if facts["times"]:
        sections["monitoring"].append("- Freshness from " + ", ".join(f"`max({t})`" for t in facts["times"][:3]) + ".")
    sections["runbook"].append("- Document each table's grain, keys and owner; describe how to rerun a load, backfill a date range and recover from a failed run.")
    parts = []
    for key, body in sections.items():
        if body:
            parts.append(write.heading(lang, key))
            parts.append("\n".join(body))
    parts += _notes_and_contributors(conv)
    parts.append(write.label(lang))
    return Reply("\n\n".join(parts))


def _notes_and_contributors(conv: Conversation) -> list[str]:
    parts = []
    for agent, note in conv.notes:
        parts.append(f"{write.heading(conv.language, 'notes', 3)}: {agent}")
        parts.append(note.replace(write.label(conv.language), "").strip())
    contributors = [conv.lead, *(agent for agent, _ in conv.notes)]
    parts.append(f"{write.heading(conv.language, 'contributors', 3)}: " + ", ".join(f"@{a}" for a in contributors))
    return parts


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
    for index, (child, column, parent, parent_column) in enumerate(e for e in edges if e[0] == fact):
        alias = f"d{index + 1}"
        joins.append(f"LEFT JOIN {parent} AS {alias} ON {alias}.{parent_column} = f.{column}")
        select += [f"{alias}.{c} AS {parent}_{c}" for c in columns.get(parent, []) if c != parent_column][:3]
    return "SELECT " + ",\n       ".join(select) + f"\nFROM {fact} AS f\n" + "\n".join(joins)


def _indented(memory: str) -> str:
    return "\n".join(f"  {line}" for line in memory.splitlines() if line.startswith(("-", " ")))


def _recall(conv: Conversation, system: str) -> Action:
    """Recall each entity of the brief's memory through the tool, then answer from what it returned."""
    names = [m.group(1) for m in MEMORY_ENTITY.finditer(conv.memory)]
    steps = {str(s.input.get("entity")): s for s in conv.done("recall")}
    for name in names:
        if name not in steps:
            return Call("recall", {"entity": name})
    parts = [write.heading(conv.language, "memory")]
    for name in names:
        entity = steps[name].output
        if steps[name].is_error or not isinstance(entity, dict):
            continue
        lines = [f"**{entity['name']}** ({entity['type']})"]
        lines += [f"- {o['date']}: {o['text']}" for o in entity.get("observations", [])]
        lines += [f"- `{r['source']}` {r['relation']} `{r['target']}`" for r in entity.get("relations", [])]
        for key in ("upstream", "downstream"):
            if entity.get(key):
                lines.append(f"- {key.capitalize()}: " + ", ".join(f"`{n}`" for n in entity[key]))
        parts.append("\n".join(lines))
    parts += _notes_and_contributors(conv)
    parts.append(write.label(conv.language))
    return Reply("\n\n".join(parts))


def _other(conv: Conversation, system: str) -> Action:
    lang = conv.language
    return Reply(
        f"{write.heading(lang, 'cannot')}\n\n"
        "The offline planner has no model, so it cannot answer this request. Offline it can: inspect and profile"
        " sources (`--data`); validate, repair, transpile and explain SQL you give it; answer simple analytic"
        " questions over a known schema (counts, sums, averages, top-N, grouping, filters on values in the data);"
        " draft an attributed commit message; and sketch a design grounded in your sources.\n\n"
        "To have Claude answer, set ANTHROPIC_API_KEY or pass `--model anthropic:sonnet`.\n\n" + write.label(lang)
    )
