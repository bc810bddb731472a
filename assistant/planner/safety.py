"""SQL the planner will not run or hand over: statements that change data or rights, and SQL that
reaches files, URLs or extensions outside the sources (the sandbox refuses them anyway; the user
deserves a plain answer saying so rather than a validation report)."""

from __future__ import annotations

import re

from assistant.planner import write
from assistant.planner.actions import Reply
from assistant.planner.conversation import Conversation

WRITES = re.compile(
    r"(?is)^\s*(delete|drop|truncate|update|insert|merge|alter|grant|revoke|copy|install|load|attach|detach)\b"
)
OUTSIDE = re.compile(
    r"(?i)\b(read_\w+|glob|sniff_csv|read_text|read_blob)\s*\(\s*'[^']*'|'(/|~|\.\.?/|[a-z0-9]+://)[^']*'|\.env\b"
)


def unsafe_reason(sql: str) -> str | None:
    """Why `sql` must not run, or None."""
    found = WRITES.match(sql)
    if found:
        return f"it is a {found.group(1).upper()} statement: it would change the database, its rights or its extensions"
    if OUTSIDE.search(sql):
        return "it reads or writes files, paths or URLs outside the sources you gave"
    return None


def refuse(conv: Conversation, sql: str, reason: str) -> Reply:
    lang = conv.language
    return Reply(
        f"{write.heading(lang, 'validation')}\n\nI will not run this SQL: {reason}. deassist runs SQL only in a"
        " read-only, sandboxed DuckDB over the sources passed with `--data` (external access disabled), and"
        " nothing changes a database without your own tools and review.\n\n"
        # Quoted as refused, not as SQL on offer: the validation gate checks what an answer proposes.
        f"{write.fence(sql, 'refused')}\n\n{write.label(lang)}"
    )
