"""What validation reports: diagnostics with a stable code and a position, and the verdict."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any, Literal

Severity = Literal["error", "warning", "info"]

SYNTAX = "DEA-SQL-SYNTAX"
UNKNOWN_TABLE = "DEA-SQL-UNKNOWN-TABLE"
UNKNOWN_COLUMN = "DEA-SQL-UNKNOWN-COLUMN"
AMBIGUOUS_COLUMN = "DEA-SQL-AMBIGUOUS-COLUMN"
GROUP_BY = "DEA-SQL-GROUP-BY"
TYPE = "DEA-SQL-TYPE"
UNKNOWN_FUNCTION = "DEA-SQL-UNKNOWN-FUNCTION"
UNSUPPORTED_CONSTRUCT = "DEA-SQL-UNSUPPORTED-CONSTRUCT"
MULTIPLE_STATEMENTS = "DEA-SQL-MULTIPLE-STATEMENTS"
INVALID = "DEA-SQL-INVALID"


@dataclass(frozen=True)
class Diagnostic:
    """One finding. `line` and `column` are 1-based positions in the text that was validated."""

    severity: Severity
    code: str
    message: str
    line: int = 1
    column: int = 1
    suggestion: str | None = None

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


@dataclass
class ValidationReport:
    """The verdict on a piece of SQL: `valid` is False exactly when an error-severity diagnostic exists."""

    valid: bool = True
    diagnostics: list[Diagnostic] = field(default_factory=list)
    statements: list[str] = field(default_factory=list)

    @classmethod
    def of(cls, diagnostics: list[Diagnostic], statements: list[str]) -> ValidationReport:
        return cls(not any(d.severity == "error" for d in diagnostics), diagnostics, statements)

    def to_dict(self) -> dict[str, Any]:
        return {
            "valid": self.valid,
            "statements": list(self.statements),
            "diagnostics": [d.to_dict() for d in self.diagnostics],
        }


def position(text: str, offset: int) -> tuple[int, int]:
    """1-based (line, column) of a 0-based character offset in `text`."""
    offset = max(0, min(offset, len(text)))
    line = text.count("\n", 0, offset) + 1
    column = offset - (text.rfind("\n", 0, offset) + 1) + 1
    return line, column


def offset_of(text: str, line: int, column: int) -> int:
    """The 0-based offset of a 1-based (line, column) in `text`."""
    lines = text.split("\n")
    return sum(len(part) + 1 for part in lines[: line - 1]) + column - 1


__all__ = [
    "AMBIGUOUS_COLUMN",
    "GROUP_BY",
    "INVALID",
    "MULTIPLE_STATEMENTS",
    "SYNTAX",
    "TYPE",
    "UNKNOWN_COLUMN",
    "UNKNOWN_FUNCTION",
    "UNKNOWN_TABLE",
    "UNSUPPORTED_CONSTRUCT",
    "Diagnostic",
    "Severity",
    "ValidationReport",
    "offset_of",
    "position",
]
