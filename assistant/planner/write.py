"""The planner's answers: headings in the user's language, the offline label, Markdown tables."""

from __future__ import annotations

from typing import Any

LABEL = {
    "en": "_Offline planner — no model. Answers come from deassist's tools, not from Claude; set ANTHROPIC_API_KEY"
    " (or pass `--model anthropic:sonnet`) to have Claude answer._",
    "zh-TW": "_離線規劃器 — 沒有使用模型（offline planner — no model）。答案來自 deassist 的工具；設定 ANTHROPIC_API_KEY"
    "（或使用 `--model anthropic:sonnet`）即可改由 Claude 回答。_",
    "ko": "_오프라인 플래너 — 모델 없음(offline planner — no model). 답변은 deassist 도구의 결과입니다. ANTHROPIC_API_KEY를"
    " 설정하거나 `--model anthropic:sonnet`을 쓰면 Claude가 답합니다._",
}

HEADINGS = {
    "en": {
        "requirements": "Requirements",
        "architecture": "Architecture",
        "implementation": "Implementation",
        "quality": "Quality checks",
        "cost": "Cost and performance",
        "governance": "Governance",
        "monitoring": "Monitoring and alerting",
        "runbook": "Documentation and runbook",
        "answer": "Answer",
        "sql": "SQL",
        "result": "Result",
        "how": "How the question was read",
        "validation": "Validation",
        "explanation": "Explanation",
        "transpiled": "Transpiled SQL",
        "tables": "Tables",
        "profile": "Profile",
        "commit": "Commit message",
        "contributors": "Contributors",
        "cannot": "What the offline planner cannot do",
        "notes": "Notes",
        "memory": "What project memory holds",
    },
    "zh-TW": {
        "requirements": "需求",
        "architecture": "架構",
        "implementation": "實作",
        "quality": "品質檢查",
        "cost": "成本與效能",
        "governance": "治理",
        "monitoring": "監控與警示",
        "runbook": "文件與維運手冊",
        "answer": "答案",
        "sql": "SQL",
        "result": "結果",
        "how": "問題的解讀方式",
        "validation": "驗證",
        "explanation": "說明",
        "transpiled": "轉譯後的 SQL",
        "tables": "資料表",
        "profile": "剖析",
        "commit": "提交訊息",
        "contributors": "參與者",
        "cannot": "離線規劃器無法處理的事",
        "notes": "備註",
        "memory": "專案記憶中的資訊",
    },
    "ko": {
        "requirements": "요구 사항",
        "architecture": "아키텍처",
        "implementation": "구현",
        "quality": "품질 검사",
        "cost": "비용과 성능",
        "governance": "거버넌스",
        "monitoring": "모니터링과 알림",
        "runbook": "문서와 런북",
        "answer": "답변",
        "sql": "SQL",
        "result": "결과",
        "how": "질문을 읽은 방식",
        "validation": "검증",
        "explanation": "설명",
        "transpiled": "변환된 SQL",
        "tables": "테이블",
        "profile": "프로파일",
        "commit": "커밋 메시지",
        "contributors": "참여자",
        "cannot": "오프라인 플래너가 할 수 없는 일",
        "notes": "메모",
        "memory": "프로젝트 메모리의 내용",
    },
}


def heading(language: str, key: str, level: int = 2) -> str:
    return "#" * level + " " + HEADINGS.get(language, HEADINGS["en"])[key]


def label(language: str) -> str:
    return LABEL.get(language, LABEL["en"])


def markdown_table(columns: list[str], rows: list[list[Any]], limit: int = 20) -> str:
    def cell(value: Any) -> str:
        text = "NULL" if value is None else (f"{value:,.2f}" if isinstance(value, float) else str(value))
        return text.replace("|", "\\|")

    lines = ["| " + " | ".join(columns) + " |", "|" + "---|" * len(columns)]
    lines.extend("| " + " | ".join(cell(v) for v in row) + " |" for row in rows[:limit])
    if len(rows) > limit:
        lines.append(f"\n({len(rows) - limit} more rows)")
    return "\n".join(lines)


def fence(sql: str, tag: str = "sql") -> str:
    return f"```{tag}\n{sql.strip()}\n```"
