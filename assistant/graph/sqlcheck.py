"""Every SQL statement an agent shows the user is validated first; what fails goes back for repair.

SQL is found in the fenced ```sql blocks of an agent's text; SQL in tool inputs is validated by the
tools themselves (`run_sql` validates before it runs), and so is SQL a tool drafted and proved in
its own context (a pipeline step, run after the steps that create its tables).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from assistant.toolbox import ToolContext
from assistant.toolbox.sql import validate

FENCE = re.compile(
    r"```[ \t]*(sql|postgres(?:ql)?|duckdb|sqlite|mysql|bigquery|snowflake|tsql|text)?[ \t]*\n(.*?)```",
    re.DOTALL | re.IGNORECASE,
)
# A block tagged `text` (or untagged) is SQL shown to the user when it starts like a statement: the gate
# checks it too, so SQL shown as plain text cannot pass unvalidated.
STATEMENT_START = re.compile(r"^\s*(select|with|insert|update|delete|merge|create)\b", re.IGNORECASE)
DIALECT_TAGS = {"postgresql": "postgres", "sql": None}
MAX_REPAIRS = 3


@dataclass
class SqlCheck:
    sql: str
    dialect: str
    valid: bool
    diagnostics: list[dict[str, Any]] = field(default_factory=list)


def fenced_sql(text: str) -> list[tuple[str, str | None]]:
    """(sql, dialect or None) of each fenced SQL block in `text`."""
    blocks = []
    for match in FENCE.finditer(text):
        tag = (match.group(1) or "text").lower()
        body = match.group(2).strip()
        if tag == "text":
            if not STATEMENT_START.match(body):
                continue
            tag = "sql"
        if body:
            blocks.append((body, DIALECT_TAGS.get(tag, tag)))
    return blocks


def check_text(context: ToolContext, text: str) -> list[SqlCheck]:
    """Validate each fenced SQL block of `text` against the session's schema."""
    from tools.errors import DeassistError

    checks = []
    for sql, dialect in fenced_sql(text):
        name = dialect or context.dialect
        if sql in context.proven_sql:
            checks.append(SqlCheck(sql, name, True))
            continue
        try:
            report = validate(context, sql, name)
        except DeassistError as exc:
            checks.append(SqlCheck(sql, name, False, [{"severity": "error", "code": exc.code, "message": exc.message}]))
            continue
        checks.append(SqlCheck(sql, name, report["valid"], report["diagnostics"]))
    return checks


def repair_request(failed: list[SqlCheck], attempt: int) -> str:
    """The message that sends failing SQL back to the agent, with each diagnostic and hint."""
    lines = [f'<validation attempt="{attempt}" of="{MAX_REPAIRS}">']
    for check in failed:
        lines.append("<sql>\n" + check.sql + "\n</sql>")
        lines.extend(f"<error>{diagnostic_line(d)}</error>" for d in check.diagnostics if d["severity"] == "error")
    lines.append("</validation>")
    lines.append(
        "The SQL above failed validation against the schema. Repair it (use the hints) and write your answer"
        " again, with the repaired SQL in ```sql blocks."
    )
    return "\n".join(lines)


def diagnostic_line(diagnostic: dict[str, Any]) -> str:
    text = f"{diagnostic['code']}: {diagnostic['message']}"
    if diagnostic.get("suggestion"):
        text += f" (hint: {diagnostic['suggestion']})"
    return text


FAILURE_NOTE = {
    "en": "**Warning: the SQL above did not pass validation** after {n} repair attempts; do not run it as is:",
    "zh-TW": "**警告：上面的 SQL 經過 {n} 次修正仍未通過驗證**，請勿直接執行：",
    "ko": "**경고: 위 SQL은 {n}번 수정한 뒤에도 검증을 통과하지 못했습니다.** 그대로 실행하지 마세요:",
}


def failure_note(failed: list[SqlCheck], language: str = "en") -> str:
    """Said plainly at the end of an answer whose SQL still fails after the repairs."""
    lines = ["", FAILURE_NOTE.get(language, FAILURE_NOTE["en"]).format(n=MAX_REPAIRS)]
    for check in failed:
        lines.extend(f"- {diagnostic_line(d)}" for d in check.diagnostics if d["severity"] == "error")
    return "\n".join(lines)
