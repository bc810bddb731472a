"""Drafting an attributed commit message from what the request says the change is."""

from __future__ import annotations

import re

from assistant.planner import write
from assistant.planner.actions import Action, Call, Reply
from assistant.planner.conversation import Conversation
from assistant.planner.sources import source_tables

COMMIT_TYPES = [
    ("fix", r"\b(fix|fixes|fixed|fixing|bug|repair|correct)\b"),
    ("docs", r"\b(doc|docs|documentation|readme)\b"),
    ("test", r"\b(test|tests|testing)\b"),
    ("refactor", r"\b(refactor|rename|restructure|clean up)\b"),
    ("perf", r"\b(faster|speed up|performance|optimi[sz]e)\b"),
    ("chore", r"\b(bump|upgrade|dependency|dependencies)\b"),
]


GERUND = {
    "adding": "add",
    "creating": "create",
    "fixing": "fix",
    "removing": "remove",
    "updating": "update",
    "renaming": "rename",
}


def commit(conv: Conversation, system: str) -> Action:
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
        scope = next((t for t in source_tables(conv) if re.search(rf"\b{re.escape(t)}\b", description)), None)
        return Call(
            "propose_commit_message", {"type": kind, "description": description, **({"scope": scope} if scope else {})}
        )
    lang = conv.language
    if done.is_error and not isinstance(done.output, dict):
        return Reply(
            f"{write.heading(lang, 'commit')}\n\nNo message could be proposed: {done.output}\n\n{write.label(lang)}"
        )
    problems = "".join(f"\n- `{p['code']}`: {p['message']}" for p in done.output.get("problems", []))
    if problems:
        problems = "\n\nThe repository's commit-msg hook would object:" + problems
    return Reply(
        f"{write.heading(lang, 'commit')}\n\n{write.fence(done.output['message'], 'text')}\n\n"
        f"Attributed to {', '.join('@' + a for a in done.output['agents'])}.{problems}\n\n{write.label(lang)}"
    )
