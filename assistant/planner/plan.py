"""The planner's decisions: what the request asks, the next tool call, and the answer from the results.

Each call to `next_action` looks at the conversation so far (the brief and the tool results) and
returns either a tool call or the final text, so the graph drives it exactly as it drives a model.
"""

from __future__ import annotations

import re

from assistant.planner import commit, design, draft, memory, safety, sources, sql_requests, write
from assistant.planner.actions import Action, Reply
from assistant.planner.conversation import Conversation
from assistant.planner.sql_requests import given_sql, target_dialect


def classify(conv: Conversation) -> str:
    text = conv.request.lower()
    if conv.role == "collaborator":
        return "notes"
    if memory.states_fact(conv):
        return "remember"
    if draft.drafting_tool(text) and sources.has_sources(conv) and not given_sql(conv.request):
        return "draft"
    if re.search(r"commit message|commit msg|提交訊息|커밋 메시지|커밋 메세지", text):
        return "commit"
    sql = given_sql(conv.request)
    if sql:
        if re.search(r"\b(transpile|translate|convert|port|rewrite|work in|run (?:in|on)|mov(?:e|ing))\b|轉譯|轉換|변환", text) and target_dialect(
            text, sql
        ):
            return "transpile"
        if re.search(r"\b(explain|what does|describe|walk me through)\b|說明|解釋|설명", text):
            return "explain"
        return "unsafe" if safety.unsafe_reason(sql) else "validate"
    if re.search(r"\bprofile\b|剖析|프로파일", text):
        return "profile"
    if re.search(
        r"\b(inspect|what tables|which tables|list (the )?tables|show (me )?(the )?(tables|schema)|describe (the )?(tables|schema|source|data))\b|列出|資料表|테이블 목록",
        text,
    ):
        return "inspect"
    if _about_schema(text):
        return "inspect"
    if memory.asks_memory(conv, text):
        return "recall"
    designing = re.search(
        r"\b(design|architect|architecture|build|set up|setup|implement|migrat\w*|pipeline|platform|plan|model(l)?ing|"
        r"feature store|cdc|stream\w*|ingest\w*|mask\w*|warehouse|lakehouse|orchestrat\w*|schema for)\b|設計|管線|파이프라인|설계",
        text,
    )
    if sources.has_sources(conv) and _analytic(text) and not designing:
        return "question"
    if designing:
        return "design"
    return "other"


def _about_schema(text: str) -> bool:
    """A question about the schema itself (columns, types, keys, links, row counts), not about the rows."""
    return bool(
        re.search(
            r"\bcolumns? (of|in)\b|\b(their|its|column|data) types?\b|\bwhat type\b|\b(primary|foreign) keys?\b"
            r"|\bhow (are|is) .{0,40}\b(related|linked|connected)\b|\bwhich column (links|joins|connects)\b"
            r"|\brows does each\b|\brow counts?\b",
            text,
        )
    )


def _analytic(text: str) -> bool:
    return bool(
        re.search(
            r"\b(how many|how much|count|number of|total|sum|average|avg|mean|top \d*|most|least|highest|lowest|which|who|"
            r"per|by|list|show|how often|what values|distribution|frequency)\b",
            text,
        )
    )


def next_action(conv: Conversation, system: str) -> Action:
    kind = classify(conv)
    return {
        "validate": sql_requests.validate,
        "transpile": sql_requests.transpile,
        "explain": sql_requests.explain,
        "inspect": sources.inspect,
        "profile": sources.profile,
        "question": sources.question,
        "commit": commit.commit,
        "design": design.design,
        "draft": draft.draft,
        "unsafe": _refuse,
        "notes": design.notes,
        "recall": memory.recall,
        "remember": memory.record,
    }.get(kind, other)(conv, system)


def _refuse(conv: Conversation, system: str) -> Action:
    sql = given_sql(conv.request) or ""
    return safety.refuse(conv, sql, safety.unsafe_reason(sql) or "it is not a read-only query")


def other(conv: Conversation, system: str) -> Action:
    lang = conv.language
    return Reply(
        f"{write.heading(lang, 'cannot')}\n\n"
        "The offline planner has no model, so it cannot answer this request. Offline it can: inspect and profile"
        " sources (`--data`); validate, repair, transpile and explain SQL you give it; answer simple analytic"
        " questions over a known schema (counts, sums, averages, top-N, grouping, filters on values in the data);"
        " draft an attributed commit message; and sketch a design grounded in your sources.\n\n"
        "To have Claude answer, set ANTHROPIC_API_KEY or pass `--model anthropic:sonnet`.\n\n" + write.label(lang)
    )
