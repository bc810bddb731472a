"""Questions about what project memory holds: recall each entity the brief's <memory> names, answer from it."""

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
