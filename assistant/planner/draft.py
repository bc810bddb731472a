"""Drafting requests: a dbt project, a medallion pipeline, or data-quality checks, through the drafting tools.

The planner picks the tool from what the request asks to be written or run, reads the grain and the
tables to show from the words that name catalog tables, and, when the request asks for one, proposes
the commit message for the files it drafted.
"""

from __future__ import annotations

import re
from typing import Any

from assistant.planner import write
from assistant.planner.actions import Action, Call, Reply
from assistant.planner.conversation import Conversation
from assistant.planner.sources import has_sources, no_sources, source_tables
from assistant.planner.sql_repair import schema_columns
from assistant.planner.tables import named_tables

# A request to make an artifact, whatever the verb, per language (English, zh-TW, Korean).
MAKE = {
    "en": r"\b(draft|generate|create|write|scaffold|make|produce|export|build|set ?up|give me|i need|"
    r"can you (?:do|get)|run|show me)\b",
    "zh-TW": r"建立|建置|建構|製作|做一個|做個|撰寫|寫一|寫個|產生|生成|給我|設定|起草|執行",
    "ko": r"만들|작성|생성|구축|빌드|설정|짜\s*줘|짜 줘|줘|주세요|초안|실행",
}
# Asking how to design (or how one would build) something is a question, not a request for files.
DESIGN = r"\b(design|architect)\b|\bhow (?:do|would|should|could|can) (?:i|we|one)\b|設計|如何|怎麼|설계|어떻게"
# The artifact a request names, tried in order: a dbt project, then a pipeline, then quality checks.
ARTIFACTS = [
    ("draft_dbt_project", r"\bdbt\b"),
    (
        "draft_pipeline",
        r"\b(medallion|bronze|silver|gold layer|airflow|dags?|pipelines?|etl|elt|scd ?2|slowly changing|"
        r"incremental(?:ly)? (?:load|merge|upsert)|merge pipeline)\b|管線|管道|流水線|파이프라인",
    ),
    (
        "check_quality",
        r"\b(data[- ]quality|quality)\s+(checks?|tests?|rules?|expectations?)\b|\bexpectations\b|"
        r"品質檢查|資料品質|品質測試|품질 검사|데이터 품질|품질 체크",
    ),
]
OUT = {"draft_dbt_project": "dbt_project", "draft_pipeline": "pipeline"}
PARTS = {  # drafted parts a request can ask to see, by the words that name them
    "dags": r"\b(dags?|airflow)\b",
    "scd2": r"\bscd ?2?\b|slowly changing",
    "sources": r"\bsources(\.yml)?\b|\bfreshness\b",
}
# What a pipeline request may say, per language where it matters: SCD2 history, the columns whose
# change opens a version, the event-time column to keep the watermark on, and the lookback.
HISTORY = r"\bscd ?(?:type ?)?2\b|\bslowly changing\b|\bhistory\b|歷史|이력"
TRACK = (
    r"(?:track(?:s|ing|ed)?|detect(?:s|ing)?|record(?:s|ing)?)\s+changes?\s+(?:to|in|of|on)\s+([^.;]+)"
    r"|when(?:ever)?\s+([^.;]+?)\s+changes?\b|change detection (?:on|by|using)\s+([^.;]+)"
)
EVENT_TIME = (
    r"(?:event[- ]time|watermark)(?: column)?\s+(?:is\s+|on\s+|of\s+|=\s*|column\s+)?`?(\w+)"
    r"|`?(\w+)`?\s+as (?:the )?(?:event[- ]time|watermark)"
)
LOOKBACK = r"(\d+)[- ]?(minute|hour|day|week)s?\b"
FENCE = {"sql": "sql", "yml": "yaml", "py": "python", "json": "json"}
WHAT = {"draft_dbt_project": "a dbt project", "draft_pipeline": "a medallion pipeline"}


def drafting_tool(text: str) -> str | None:
    """The drafting tool a request asks for, or None: it must ask to make (or run) an artifact, in any
    of the supported languages and with any verb for making, and not ask how to design one."""
    text = text.lower()
    if not any(re.search(pattern, text) for pattern in MAKE.values()):
        return None
    if re.search(DESIGN, text):
        return None
    return next((name for name, pattern in ARTIFACTS if re.search(pattern, text)), None)


def asks_commit(text: str) -> bool:
    return bool(re.search(r"commit (message|msg)|提交訊息|커밋 메(시|세)지", text.lower()))


def pipeline_options(text: str, tables: list[str], columns: dict[str, set[str]]) -> dict[str, Any]:
    """The SCD2 tables, tracked columns, event-time column and lookback a pipeline request names."""
    lowered = text.lower()
    known = set().union(*columns.values()) if columns else set()
    options: dict[str, Any] = {}
    history = re.search(HISTORY, lowered)
    if history:
        near = lowered[max(0, history.start() - 40) : history.end() + 40]
        named = named_tables(near, tables)
        if named:
            options["history"] = named
    track = re.search(TRACK, lowered)
    if track:
        phrase = next(g for g in track.groups() if g)
        words = re.findall(r"\w+", phrase)
        tracked = [w for w in words if w in known]
        if tracked:
            options["track"] = list(dict.fromkeys(tracked))
    event = re.search(EVENT_TIME, lowered)
    if event and next(g for g in event.groups() if g) in known:
        options["event_time"] = next(g for g in event.groups() if g)
    elif re.search(r"\b(incremental|late|watermark)\b|增量|延遲|증분|지연", lowered):
        timed = [w for w in re.findall(r"\w+", lowered) if w in known and re.search(r"(_at|_time|_ts|_date)$", w)]
        if len(set(timed)) == 1:
            options["event_time"] = timed[0]
    lookback = re.search(LOOKBACK, lowered)
    if lookback and re.search(r"\b(late|lookback|look-back|window|watermark)\b|延遲|지연", lowered):
        options["lookback"] = f"{lookback.group(1)} {lookback.group(2)}s"
    return options


def grain_table(text: str, tables: list[str]) -> str | None:
    """The table a request names as the grain: `one row per X` (X follows) or `the X grain` (X precedes)."""
    lowered = text.lower()
    after = re.findall(r"(?:one row per|grain of|grain is one) ([a-z_]+(?: [a-z_]+){0,2})", lowered)
    before = re.findall(r"([a-z_]+(?: [a-z_]+){0,2}) grain\b", lowered)
    candidates = [" ".join(p.split()[:n]) for p in after for n in (3, 2, 1)]
    candidates += [" ".join(p.split()[-n:]) for p in before for n in (3, 2, 1)]
    for phrase in candidates:
        named = named_tables(phrase, tables)
        if named:
            return named[0]
    return None


def draft(conv: Conversation, system: str) -> Action:
    tool = drafting_tool(conv.request)
    if tool is None or not has_sources(conv):
        return no_sources(conv)
    tables = source_tables(conv)
    done = conv.last(tool)
    if done is None:
        arguments: dict[str, Any] = {}
        if tool in OUT:
            arguments["out"] = OUT[tool]
            grain = grain_table(conv.request, tables)
            if grain:
                arguments["grain"] = grain
            if tool == "draft_pipeline":
                arguments |= pipeline_options(conv.request, tables, schema_columns(conv.sources))
            named = named_tables(conv.request, tables)
            # the tables named are the tables drafted; a grain or an SCD2 dimension named alone is part of a whole
            if set(named) - {grain, *arguments.get("history", [])}:
                arguments["tables"] = named
            shown = list(named)
            shown += [part for part, words in PARTS.items() if re.search(words, conv.request.lower())]
            if shown:
                arguments["show"] = shown
        return Call(tool, arguments)
    if (
        tool == "draft_pipeline"
        and not done.is_error
        and re.search(r"\b(run|runs|execute)\b", conv.request.lower())
        and conv.last("run_pipeline") is None
    ):
        return Call("run_pipeline", {"directory": OUT[tool]})
    if asks_commit(conv.request) and not done.is_error and conv.last("propose_commit_message") is None:
        return Call("propose_commit_message", _commit_input(done.output, tables))
    return Reply(_answer(conv, tool, done))


def _commit_input(output: Any, tables: list[str]) -> dict[str, str]:
    """What the drafted files are, by kind and scope, as the convention summarizes them (checks that
    were run, not written, are recorded as such)."""
    from tools.attribution.message import ChangeSummary, summarize_paths

    files = output.get("files", []) if isinstance(output, dict) else []
    over = " and ".join(tables) if len(tables) <= 2 else f"{len(tables)} tables"
    summary = summarize_paths([("A", f) for f in files]) if files else ChangeSummary("feat", "quality", f"record data-quality checks for {over}")
    body = "Drafted by deassist's offline planner:\n" + "\n".join(f"- {f}" for f in files) if files else ""
    return {"type": summary.type, "scope": summary.scope or "", "description": summary.description, **({"body": body} if body else {})}


def _answer(conv: Conversation, tool: str, done: Any) -> str:
    from tools.drafting.writer import BESIDE

    lang = conv.language
    if done.is_error:
        return f"{write.heading(lang, 'implementation')}\n\nThe {tool} tool failed: {done.output}\n\n{write.label(lang)}"
    parts = [write.heading(lang, "quality" if tool == "check_quality" else "implementation")]
    out = done.output
    if tool == "check_quality":
        parts.append(_quality(out, conv))
    else:
        parts.append(f"Drafted {WHAT[tool]} in `{out['directory']}`:")
        parts.append("\n".join(f"- `{f}`" for f in out["files"]) or "- no file changed: every file already holds this draft")
        if out.get("kept"):
            parts.append(
                "Your changes are kept: these files were not overwritten, the new version is written beside each:\n"
                + "\n".join(f"- `{k['file']}` ({k['reason']}): new version in `{k['new_version']}`" for k in out["kept"])
            )
        if out.get("models"):
            label = "Models" if tool == "draft_dbt_project" else "Steps"
            parts.append(f"{label}: " + ", ".join(f"`{m}`" for m in out["models"]) + ".")
        parts.extend(f"- {note}" for note in out.get("notes", []))
        for path, text in (out.get("shown") or {}).items():
            language = FENCE.get(path.removesuffix(BESIDE).rsplit(".", 1)[-1], "text")
            parts.append(f"`{path}`:\n\n" + write.fence(text, language))
    ran = conv.last("run_pipeline")
    if ran is not None:
        if ran.is_error:
            parts.append(f"Running the pipeline failed: {ran.output}")
        else:
            steps = ", ".join(f"{name} ({rows} rows)" for name, rows in ran.output.get("steps", {}).items())
            parts.append(f"Ran batch {ran.output.get('batch')}: {steps}.")
    proposed = conv.last("propose_commit_message")
    if proposed is not None and isinstance(proposed.output, dict) and "message" in proposed.output:
        parts.append(write.heading(lang, "commit") + "\n\n" + write.fence(proposed.output["message"], "text"))
    parts.append(write.label(lang))
    return "\n\n".join(parts)


def _quality(report: dict[str, Any], conv: Conversation) -> str:
    wanted = set(named_tables(conv.request, source_tables(conv)))
    checks = [c for c in report.get("checks", []) if not wanted or c["table"] in wanted]
    failing = [c for c in checks if c["status"] == "fail"]
    summary = f"Ran {len(checks)} checks: {len(failing)} failed."
    rows = [[c["name"], c["kind"], c["severity"], c["status"], c.get("failing_rows")] for c in failing or checks]
    table = write.markdown_table(["check", "kind", "severity", "status", "failing rows"], rows, limit=40)
    return f"{summary}\n\n{table}"
