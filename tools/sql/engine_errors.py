"""Engine error messages (DuckDB, SQLite) read into diagnostic codes, names and suggestions."""

from __future__ import annotations

import difflib
import re
from dataclasses import dataclass

from tools.sql import diagnostics as codes

EXTERNAL_ACCESS = "DEA-SQL-EXTERNAL-ACCESS"


@dataclass(frozen=True)
class EngineError:
    code: str
    message: str
    name: str | None = None  # the offending name, to place the caret
    suggestion: str | None = None
    line: int | None = None  # where the engine itself points, in the text it was given
    column: int | None = None


DUCKDB_PATTERNS: list[tuple[str, str]] = [
    (r'Referenced column "(?P<name>[^"]+)" not found', codes.UNKNOWN_COLUMN),
    (r'Values list "(?P<name>[^"]+)" does not have a column named "(?P<col>[^"]+)"', codes.UNKNOWN_COLUMN),
    (r'Table "(?P<table>[^"]+)" does not have a column (?:named|with name) "(?P<name>[^"]+)"', codes.UNKNOWN_COLUMN),
    (r'Referenced table "(?P<name>[^"]+)" not found', codes.UNKNOWN_TABLE),
    (r"Table with name (?P<name>\S+) does not exist", codes.UNKNOWN_TABLE),
    (r'Duplicate alias "(?P<name>[^"]+)"', codes.AMBIGUOUS_COLUMN),
    (r'Ambiguous reference to (?:column name|table) "(?P<name>[^"]+)"', codes.AMBIGUOUS_COLUMN),
    (r'column "(?P<name>[^"]+)" must appear in the GROUP BY clause', codes.GROUP_BY),
    (
        r"aggregate function calls cannot be nested|WHERE clause cannot contain aggregates|"
        r"aggregates are not allowed|cannot contain window functions|window functions are not allowed",
        codes.GROUP_BY,
    ),
    (r"(?:Scalar |Aggregate |Table )?Function with name (?P<name>\S+) does not exist", codes.UNKNOWN_FUNCTION),
    (
        r"No function matches|Could not choose a best candidate|Cannot compare values|Could not convert|Conversion Error|"
        r"an explicit cast is required|Cannot mix values|Cannot combine types|Type mismatch|type .* does not exist",
        codes.TYPE,
    ),
    (r"^Parser Error", codes.SYNTAX),
    (r"^Permission Error", EXTERNAL_ACCESS),
]

SQLITE_PATTERNS: list[tuple[str, str]] = [
    (r"no such column: (?P<name>.+)", codes.UNKNOWN_COLUMN),
    (r"no such table: (?P<name>.+)", codes.UNKNOWN_TABLE),
    (r"ambiguous column name: (?P<name>.+)", codes.AMBIGUOUS_COLUMN),
    (r"no such function: (?P<name>.+)", codes.UNKNOWN_FUNCTION),
    (r"misuse of (?:aggregate|window)", codes.GROUP_BY),
    (r"aggregate functions are not allowed|must appear in the GROUP BY", codes.GROUP_BY),
    (r'near "(?P<name>.*)": syntax error|unrecognized token: "(?P<token>.*)"|incomplete input', codes.SYNTAX),
    (r"one statement at a time", codes.MULTIPLE_STATEMENTS),
    (r"wrong number of arguments to function (?P<name>\w+)", codes.TYPE),
]


def read_duckdb_error(text: str) -> EngineError:
    """Classify a DuckDB exception message; the caret line, when present, gives the position."""
    head, _, rest = text.partition("\n")
    first = re.sub(r"^\w+ Error: ", "", head).strip()
    code, name = codes.INVALID, None
    for pattern, candidate in DUCKDB_PATTERNS:
        match = re.search(pattern, head)
        if match:
            code = candidate
            name = match.groupdict().get("name")
            break
    suggestion = None
    hint = re.search(r'Did you mean "([^"]+)"', rest) or re.search(r'Candidate (?:bindings|tables): "([^"]+)"', rest)
    if hint:
        suggestion = f"did you mean {hint.group(1)}?"
    elif code == codes.GROUP_BY and name:
        suggestion = f"add {name} to GROUP BY or wrap it in an aggregate such as ANY_VALUE({name})"
    line = column = None
    located = re.search(r"\nLINE (\d+): (.*)\n( *)\^", text)
    if located:
        line = int(located.group(1))
        column = len(located.group(3)) - len(f"LINE {line}: ") + 1
    if code == codes.TYPE and "No function matches" in first:
        first = first.split(". You might")[0]
    return EngineError(code, first, name, suggestion, line, column)


def read_sqlite_error(text: str) -> EngineError:
    for pattern, code in SQLITE_PATTERNS:
        match = re.search(pattern, text)
        if match:
            groups = match.groupdict()
            name = groups.get("name") or groups.get("token")
            return EngineError(code, text, name)
    return EngineError(codes.INVALID, text)


def did_you_mean(name: str, candidates: list[str]) -> str | None:
    """The closest candidate to `name` (case-insensitive, compared by bare name: a table in another
    schema is suggested with its schema), phrased as a suggestion."""
    bare = name.split(".")[-1]
    lowered = {c.split(".")[-1].lower(): c for c in reversed(candidates)}
    close = difflib.get_close_matches(bare.lower(), list(lowered), n=1, cutoff=0.6)
    return f"did you mean {lowered[close[0]]}?" if close else None


__all__ = ["EngineError", "did_you_mean", "read_duckdb_error", "read_sqlite_error"]
