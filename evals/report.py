"""The eval report: correct / wrong / declined by category, and per case what passed, why not, and what it cost."""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from evals.runner import CaseResult, categories, tally


@dataclass
class RunReport:
    model: str
    suites: list[str]
    started: str  # ISO-8601 UTC
    seconds: float
    results: list[CaseResult]

    @property
    def passed(self) -> int:
        return sum(r.passed for r in self.results)

    @property
    def score(self) -> float:
        return self.passed / len(self.results) if self.results else 0.0

    def to_dict(self) -> dict[str, Any]:
        return {
            "model": self.model,
            "suites": self.suites,
            "started": self.started,
            "seconds": round(self.seconds, 2),
            "score": round(self.score, 4),
            "passed": self.passed,
            "total": len(self.results),
            **{k: getattr(tally(self.results), k) for k in ("correct", "wrong", "declined")},
            "by_category": {
                name: {
                    "passed": t.passed,
                    "total": t.total,
                    "score": round(t.passed / t.total, 4),
                    "correct": t.correct,
                    "wrong": t.wrong,
                    "declined": t.declined,
                }
                for name, t in categories(self.results).items()
            },
            "tokens": {"input": sum(r.input_tokens for r in self.results),
                       "output": sum(r.output_tokens for r in self.results)},
            "cost_usd": round(sum(r.cost_usd for r in self.results), 6),
            "cases": [
                {
                    "id": r.id,
                    "category": r.category,
                    "passed": r.passed,
                    "result": r.result,
                    "why": r.why,
                    "checks": [{"kind": c.kind, "passed": c.passed, "why": c.why} for c in r.checks],
                    "agents": r.agents,
                    "tool_calls": r.tool_calls,
                    "tokens": {"input": r.input_tokens, "output": r.output_tokens},
                    "cost_usd": round(r.cost_usd, 6),
                    "seconds": round(r.seconds, 2),
                    "error": r.error,
                    "answer": r.answer,
                }
                for r in self.results
            ],
        }

    def to_markdown(self) -> str:
        lines = [
            f"# deassist eval: {self.passed}/{len(self.results)} passed ({self.score:.0%})",
            "",
            f"Model `{self.model}`, started {self.started}, {self.seconds:.1f} s.",
            "",
            "| category | correct | wrong | declined | total | score |",
            "| --- | ---: | ---: | ---: | ---: | ---: |",
        ]
        for name, t in categories(self.results).items():
            lines.append(f"| {name} | {t.correct} | {t.wrong} | {t.declined} | {t.total} | {t.passed / t.total:.0%} |")
        all_ = tally(self.results)
        lines.append(
            f"| **all** | **{all_.correct}** | **{all_.wrong}** | **{all_.declined}** | **{all_.total}** | **{self.score:.0%}** |"
        )
        lines += ["", "## Cases", "", "| case | category | result | why | tool calls | tokens in/out | cost (USD) | seconds |",
                  "| --- | --- | --- | --- | ---: | ---: | ---: | ---: |"]
        for r in self.results:
            why = r.why.replace("|", "\\|").replace("\n", " ")
            lines.append(
                f"| {r.id} | {r.category} | {r.result} | {why} | {r.tool_calls} | "
                f"{r.input_tokens}/{r.output_tokens} | {r.cost_usd:.4f} | {r.seconds:.1f} |"
            )
        return "\n".join(lines) + "\n"

    def write(self, path: Path) -> tuple[Path, Path]:
        """`path` with suffix .json and .md: the two reports side by side."""
        json_path, md_path = path.with_suffix(".json"), path.with_suffix(".md")
        json_path.parent.mkdir(parents=True, exist_ok=True)
        json_path.write_text(json.dumps(self.to_dict(), indent=2) + "\n", encoding="utf-8")
        md_path.write_text(self.to_markdown(), encoding="utf-8")
        return json_path, md_path
