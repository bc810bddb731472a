"""Project memory in the offline planner: answer questions from what it holds, and record facts the user states.

"note that orders_etl now also loads refunds and runs hourly" becomes one `remember` call (which the
graph puts to the user for approval): the entity, each clause as an observation, and a relation for
each clause whose verb names one (`loads refunds` -> loads -> refunds). The patterns are data below.
"""

from __future__ import annotations

import re

from assistant.planner import write
from assistant.planner.actions import Action, Call, Reply
from assistant.planner.conversation import Conversation

# A question about a remembered entity (the brief carries a <memory> section only when one is named).
QUESTION = re.compile(
    r"\b(what|who|which|where|tell|know|remember|recall|upstream|downstream|lineage|depends?|feeds?|owns?|owner)\b"
)
ENTITY_LINE = re.compile(r"^- (.+) \(([a-z][a-z0-9_]*)\)$", re.MULTILINE)

# A stated fact: the request opens with one of these, then the entity and what is true of it.
STATEMENT = re.compile(
    r"^\s*(?:please\s+)?(?:note|remember|record|keep in mind|for the record|fyi)\s*(?:that\b|:|,)\s*(?P<fact>.+)$",
    re.IGNORECASE | re.DOTALL,
)
# The entity a fact is about: a name like orders_etl or warehouse.orders, else the first word.
SUBJECT = re.compile(r"(?:the\s+)?`?(?P<name>[A-Za-z][\w-]*(?:\.[A-Za-z][\w-]*)*)`?\s+(?P<rest>.+)$", re.DOTALL)
CLAUSE_SPLIT = re.compile(r"\s*(?:,\s*and\s+|\band\b|;|,)\s*")
# Verb phrase -> relation, tried in order (longer phrases first); the target is the name after it.
RELATION_VERBS: list[tuple[str, str]] = [
    ("is owned by", "owned_by"),
    ("owned by", "owned_by"),
    ("belongs to", "owned_by"),
    ("depends on", "depends_on"),
    ("reads from", "reads_from"),
    ("pulls from", "reads_from"),
    ("ingests", "reads_from"),
    ("reads", "reads_from"),
    ("writes to", "feeds_data_to"),
    ("feeds", "feeds_data_to"),
    ("loads into", "feeds_data_to"),
    ("loads", "loads"),
    ("has sla", "has_sla"),
]
ADVERBS = ("now", "also", "still", "only", "no longer")
TARGET = re.compile(r"`?(?P<name>[A-Za-z][\w-]*(?:\.[A-Za-z][\w-]*)*)`?")
# A new entity's type from its name; a name matching none is a dataset.
TYPE_SUFFIXES: dict[str, tuple[str, ...]] = {
    "data_pipeline": ("_etl", "_elt", "_pipeline", "_job", "_dag", "_sync", "_ingest", "_loader"),
    "dashboard": ("_dashboard", "_report"),
    "owner": ("-team", "_team"),
}


def states_fact(conv: Conversation) -> bool:
    return "remember" in conv.tools and STATEMENT.match(conv.request) is not None


def record(conv: Conversation, system: str) -> Action:
    """Propose the stated fact as one `remember` call; once it ran (or was declined), say what happened."""
    step = conv.last("remember")
    if step is None:
        fact = read_fact(conv.request, known_types(conv))
        if fact is None:
            return Reply(
                "I could not tell which entity this fact is about. Say it as `note that <name> <fact>`, for"
                " example: note that orders_etl runs hourly.\n\n" + write.label(conv.language)
            )
        return Call("remember", fact)
    if step.is_error:
        return Reply(f"Nothing was recorded: {step.output}\n\n{write.label(conv.language)}")
    entity = step.output
    lines = [write.heading(conv.language, "memory"), f"Recorded **{entity['name']}** ({entity['type']}):"]
    new = [str(o) for o in step.input.get("observations") or []]
    lines += [f"- {o['date']}: {o['text']}" for o in entity.get("observations", []) if o["text"] in new]
    links = {(r["relation"], r["target"]) for r in step.input.get("relations") or []}
    lines += [f"- `{r['source']}` {r['relation']} `{r['target']}`" for r in entity.get("relations", [])
              if (r["relation"], r["target"]) in links]
    return Reply("\n".join(lines) + "\n\n" + write.label(conv.language))


def known_types(conv: Conversation) -> dict[str, str]:
    """The entities the brief's memory names, with their types."""
    return {m.group(1): m.group(2) for m in ENTITY_LINE.finditer(conv.memory)}


def read_fact(request: str, known: dict[str, str]) -> dict[str, object] | None:
    """The `remember` input for a stated fact, or None when no entity can be read from it."""
    statement = STATEMENT.match(request)
    subject = SUBJECT.match(statement.group("fact").strip().rstrip(".")) if statement else None
    if subject is None:
        return None
    name = subject.group("name")
    clauses = [c.strip() for c in CLAUSE_SPLIT.split(subject.group("rest")) if c.strip()]
    relations = [link for link in (relation_of(c) for c in clauses) if link is not None]
    fact: dict[str, object] = {"entity": name, "observations": clauses}
    if relations:
        fact["relations"] = [{"relation": r, "target": t} for r, t in relations]
    if name not in known:
        fact["type"] = type_of(name)
    return fact


def relation_of(clause: str) -> tuple[str, str] | None:
    words = clause.lower()
    for adverb in ADVERBS:
        words = re.sub(rf"^{adverb}\s+", "", words)
    for verb, relation in RELATION_VERBS:
        if words.startswith(verb + " "):
            target = TARGET.match(clause[len(clause) - len(words) + len(verb):].strip())
            return (relation, target.group("name")) if target else None
    return None


def type_of(name: str) -> str:
    lowered = name.lower()
    return next((kind for kind, ends in TYPE_SUFFIXES.items() if lowered.endswith(ends)), "dataset")


def asks_memory(conv: Conversation, text: str) -> bool:
    return bool(conv.memory) and "recall" in conv.tools and QUESTION.search(text) is not None


def known_facts(conv: Conversation) -> str | None:
    """The brief's memory as an indented list for a design's requirements, or None without memory."""
    if not conv.memory:
        return None
    lines = [f"  {line}" for line in conv.memory.splitlines() if line.startswith(("-", " "))]
    return "- Known from project memory:\n" + "\n".join(lines)


def recall(conv: Conversation, system: str) -> Action:
    """Recall each entity of the brief's memory through the tool, then answer from what it returned."""
    names = [m.group(1) for m in ENTITY_LINE.finditer(conv.memory)]
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
    for agent, note in conv.notes:
        parts.append(f"{write.heading(conv.language, 'notes', 3)}: {agent}")
        parts.append(note.replace(write.label(conv.language), "").strip())
    parts.append(write.label(conv.language))
    return Reply("\n\n".join(parts))
