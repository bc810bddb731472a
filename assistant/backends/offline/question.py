"""The analytic-question request: question -> reading -> SQL -> validate -> run -> answer, or a decline.

The schema comes from the typed brief's catalog; values seen in the data come from a profile, asked
for (it reads the data, so it needs approval) only when some word is not yet placed.
"""

from __future__ import annotations

from typing import Any

from assistant.backends.offline.lexicon import Lexicon, Phrase, lexicon, units_of
from assistant.backends.offline.schema import SchemaIndex
from assistant.backends.offline.to_sql import measure_alias, reading_sql
from assistant.backends.offline.understand import Decline, read
from assistant.planner import write
from assistant.planner.actions import Action, Call, Reply
from assistant.planner.conversation import Conversation
from assistant.planner.sql_requests import diagnostic_lines, validation_loop
from assistant.reading import ANSWERED, DECLINED, Reading, Verdict

PERSONAL = ("name", "email", "phone", "address", "street")
EXAMPLE = {"en": "How many {table} per {column}?", "zh-TW": "每個 {column} 有多少 {table}？", "ko": "{column}별 {table} 수는?"}


def asks_question(text: str, language: str) -> bool:
    """Whether the request uses an operator word of the lexicon (count, average, per, top, never, ...)."""
    return lexicon(language).mentions(text, "operator")


def understand(conv: Conversation) -> tuple[str, Reading | Decline]:
    """The question as read and its reading; a follow-up ("now only for 2025", "and by month") that reads
    as nothing on its own is read together with the session's last answered question."""
    profiled = conv.last("profile")
    schema = SchemaIndex.of(conv.brief.catalog, profiled.output if profiled and not profiled.is_error else None)
    lex = lexicon(conv.language)
    found = read(conv.request, lex, schema)
    earlier = next((t.verdict.question for t in reversed(conv.brief.history) if t.verdict.reading), None)
    if earlier and (isinstance(found, Decline) or _refines(conv.request, lex)):
        combined = f"{earlier} {conv.request}"
        again = read(combined, lex, schema)
        if not isinstance(again, Decline):
            return combined, again
    return conv.request, found


def follows_up(conv: Conversation) -> bool:
    """A request that starts like a follow-up, in a session whose last analytic answer it can refine."""
    has_reading = any(t.verdict.reading for t in conv.brief.history)
    return has_reading and _refines(conv.request, lexicon(conv.language))


def _refines(text: str, lex: Lexicon) -> bool:
    units = units_of(text)
    return any(lex.phrases.get(units[: size]) == Phrase("followup", "followup") for size in range(1, 4))


def question(conv: Conversation, system: str) -> Action:
    asked, found = understand(conv)
    if isinstance(found, Decline) and conv.last("profile") is None and "profile" in conv.tools:
        return Call("profile", {"tables": conv.brief.tables})
    if isinstance(found, Decline):
        return decline(conv, found)
    profiled = conv.last("profile")
    schema = SchemaIndex.of(conv.brief.catalog, profiled.output if profiled and not profiled.is_error else None)
    sql = reading_sql(found, schema, conv.dialect)
    step = validation_loop(conv, sql)
    if isinstance(step, Call):
        return step
    sql, report, _ = step
    lang = conv.language
    sentence = reading_sentence(found, lexicon(lang))
    if not report or not report.get("valid"):
        text = "\n\n".join(
            [
                write.heading(lang, "sql"),
                sentence,
                "**The SQL written for this question does not pass validation**; it was not run:",
                *diagnostic_lines(report),
                write.fence(sql, "text"),
                write.label(lang),
            ]
        )
        return Reply(text, Verdict(DECLINED, "the SQL for this reading did not pass validation", found, asked))
    ran = conv.last("run_sql")
    if ran is None and "run_sql" in conv.tools:
        return Call("run_sql", {"sql": sql, "limit": 50})
    parts = [write.heading(lang, "answer"), sentence]
    if ran is not None and not ran.is_error and isinstance(ran.output, dict):
        result = ran.output
        parts.append(_result_line(result, lexicon(lang)))
        parts.append(write.markdown_table(result["columns"], result["rows"]))
        if result.get("masked"):
            parts.append(f"Personal data masked in these rows: {', '.join(result['masked'])}.")
    else:
        reason = ran.output if ran is not None else "run_sql is not among this agent's tools"
        parts.append(f"The query was validated but not run ({reason}). Run it with `--yes` to see the result.")
    parts += [write.heading(lang, "sql"), write.fence(sql), write.label(lang)]
    return Reply("\n\n".join(parts), Verdict(ANSWERED, None, found, asked))


def decline(conv: Conversation, why: Decline) -> Reply:
    lex = lexicon(conv.language)
    t = lex.reading
    reasons = []
    if why.unplaced:
        reasons.append(t["unplaced"].format(words=", ".join(f"'{w}'" for w in why.unplaced)))
    if why.unsupported:
        reasons.append(t["unsupported"].format(operators=", ".join(why.unsupported)))
    if why.reason:
        reasons.append(why.reason)
    reason = "; ".join(reasons)
    text = "\n\n".join(
        [write.heading(conv.language, "cannot"), f"{t['decline']}: {reason}.", t["offer"].format(example=_example(conv)),
         write.label(conv.language)]
    )
    return Reply(text, Verdict(DECLINED, reason, None))


def _example(conv: Conversation) -> str:
    """A question over the user's own schema that the planner can answer."""
    catalog = conv.brief.catalog
    for table in catalog.tables:
        column = next(
            (
                c.name
                for c in table.columns
                if not c.name.lower().endswith("id") and "char" in c.type.lower() and not any(p in c.name.lower() for p in PERSONAL)
            ),
            None,
        )
        if column:
            return EXAMPLE.get(conv.language, EXAMPLE["en"]).format(table=table.name, column=column.replace("_", " "))
    return EXAMPLE.get(conv.language, EXAMPLE["en"]).format(table="orders", column="status")


def reading_sentence(reading: Reading, lex: Lexicon) -> str:
    """The reading in one or two plain sentences in the question's language."""
    t = lex.reading
    parts = []
    for m in reading.measures:
        if m.function == "count":
            parts.append(t["count"].format(table=m.table))
        elif m.function == "count_distinct":
            parts.append(t["count_distinct"].format(table=m.table, column=m.column))
        else:
            parts.append(t["measure"].format(function=m.function, table=m.table, column=m.column))
    if not reading.measures:
        parts.append(f"{reading.subject}")
    if reading.dimensions:
        dims = []
        for d in reading.dimensions:
            if d.grain is None:
                dims.append(f"{d.table}.{d.column}")
            else:
                dims.append(t["grain"].format(column=f"{d.table}.{d.column}", grain=d.grain))
                if d.grain not in {"month_of_year", "year"}:
                    dims[-1] += " " + t["grain_year_kept"].format(grain=d.grain)
        parts.append(t["per"].format(dimensions=", ".join(dims)))
    if reading.filters:
        parts.append(t["where"].format(filters=", ".join(_filter(f) for f in reading.filters)))
    for h in reading.having:
        function = measure_alias(reading.measures[0]) if reading.measures else ""
        parts.append(t["having"].format(function=function, op=h.op, value=_number(h.value)))
    if reading.count_groups and reading.dimensions:
        parts.append(t["groups"].format(column=reading.dimensions[0].column))
    if reading.joins:
        parts.append(
            t["joined"].format(
                joins=", ".join(f"{j.left}.{j.left_column} = {j.right}.{j.right_column}" for j in reading.joins)
            )
        )
    if reading.order and reading.limit:
        parts.append(t["top" if reading.order == "desc" else "bottom"].format(limit=reading.limit))
    elif reading.order:
        parts.append(t["highest" if reading.order == "desc" else "lowest"])
    return f"{t['intro']}: " + "; ".join(parts) + "."


def _filter(f: Any) -> str:
    if f.op == "year":
        return f"year({f.table}.{f.column}) = {f.value}"
    if f.op == "is_null":
        return f"{f.table}.{f.column} is null"
    if f.op == "not_in":
        return f"{f.table}.{f.column} not in {f.value}"
    value = f.value if isinstance(f.value, int | float) else f"'{f.value}'"
    return f"{f.table}.{f.column} {f.op} {value}"


def _number(value: float | int | str | None) -> str:
    number = float(str(value))
    return str(int(number)) if number.is_integer() else str(number)


def _result_line(result: dict[str, Any], lex: Lexicon) -> str:
    rows = result["rows"]
    if not rows:
        return lex.reading["no_rows"]
    if len(rows) == 1 and len(result["columns"]) == 1:
        return f"**{result['columns'][0]} = {rows[0][0]}**"
    first = ", ".join(
        f"{c} = {round(v, 2) if isinstance(v, float) else v}" for c, v in zip(result["columns"], rows[0], strict=True)
    )
    truncated = lex.reading["truncated"] if result.get("truncated") else ""
    return lex.reading["rows"].format(n=len(rows), truncated=truncated, first=first)
