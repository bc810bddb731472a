"""The kinds of request the offline planner handles, and the next step for the one a request is.

Each call to `next_action` looks at the conversation so far (the typed brief and the tool results)
and returns either a tool call or the final text, so the graph drives it exactly as it drives a model.
"""

from __future__ import annotations

import re

from assistant.backends.offline import question
from assistant.backends.offline.lexicon import lexicon
from assistant.planner import commit, design, draft, memory, safety, sources, sql_requests, write
from assistant.planner.actions import Action, Reply
from assistant.planner.conversation import Conversation
from assistant.planner.sql_requests import given_sql, target_dialect
from assistant.reading import DECLINED, Verdict


def classify(conv: Conversation) -> str:
    text = conv.request.lower()
    if conv.role == "collaborator":
        return "notes"
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
    if sources.has_sources(conv) and (question.asks_question(text, conv.language) or question.follows_up(conv)) and not designing:
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


def next_action(conv: Conversation, system: str) -> Action:
    kind = classify(conv)
    return {
        "validate": sql_requests.validate,
        "transpile": sql_requests.transpile,
        "explain": sql_requests.explain,
        "inspect": sources.inspect,
        "profile": sources.profile,
        "question": question.question,
        "commit": commit.commit,
        "design": design.design,
        "draft": draft.draft,
        "unsafe": _refuse,
        "notes": design.notes,
        "recall": memory.recall,
    }.get(kind, other)(conv, system)


def _refuse(conv: Conversation, system: str) -> Action:
    sql = given_sql(conv.request) or ""
    return safety.refuse(conv, sql, safety.unsafe_reason(sql) or "it is not a read-only query")


def other(conv: Conversation, system: str) -> Action:
    lang = conv.language
    return Reply(
        f"{write.heading(lang, 'cannot')}\n\n{lexicon(lang).reading['cannot']}\n\n{write.label(lang)}",
        Verdict(DECLINED, "the offline planner has no model for this kind of request"),
    )
