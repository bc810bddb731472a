"""The kinds of request the offline planner handles, and the next step for the one a request is.

Each call to `next_action` looks at the conversation so far (the typed brief and the tool results)
and returns either a tool call or the final text, so the graph drives it exactly as it drives a model.
"""

from __future__ import annotations

from assistant.backends.offline import question
from assistant.backends.offline.lexicon import lexicon
from assistant.planner import commit, design, draft, memory, safety, sources, sql_requests, write
from assistant.planner.actions import Action, Reply
from assistant.planner.conversation import Conversation
from assistant.planner.sql_requests import given_sql, target_dialect
from assistant.reading import DECLINED, Verdict


def classify(conv: Conversation) -> str:
    """The kind of request, first match in this order; each kind's phrases are in the lexicon files."""
    text = conv.request
    lex = lexicon(conv.language)
    if conv.role == "collaborator":
        return "notes"
    if memory.states_fact(conv):
        return "remember"
    sql = given_sql(conv.request)
    if draft.drafting_tool(text.lower()) and sources.has_sources(conv) and not sql:
        return "draft"
    if lex.mentions(text, "commit"):
        return "commit"
    if sql:
        if lex.mentions(text, "transpile") and target_dialect(text.lower(), sql):
            return "transpile"
        if lex.mentions(text, "explain"):
            return "explain"
        return "unsafe" if safety.unsafe_reason(sql) else "validate"
    if lex.mentions(text, "profile"):
        return "profile"
    if lex.mentions(text, "inspect") or lex.mentions(text, "schema"):
        return "inspect"
    if memory.asks_memory(conv, text.lower()):
        return "recall"
    designing = lex.mentions(text, "design")
    if sources.has_sources(conv) and (question.asks_question(text, conv.language) or question.follows_up(conv)) and not designing:
        return "question"
    if designing:
        return "design"
    return "other"


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
        "remember": memory.record,
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
