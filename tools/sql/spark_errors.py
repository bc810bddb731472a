"""Spark's error classes read into deassist's diagnostic codes, names, suggestions and positions.

Spark names every error with a stable class (`UNRESOLVED_COLUMN.WITH_SUGGESTION`); the class, not
the message text, decides the code. Its query context gives the offending fragment's offset.
"""

from __future__ import annotations

import re

from tools.sql import diagnostics as codes
from tools.sql.diagnostics import position
from tools.sql.engine_errors import EXTERNAL_ACCESS, EngineError

# Error class (or its prefix before the first dot) -> diagnostic code; anything else is DEA-SQL-INVALID.
SPARK_CLASSES: dict[str, str] = {
    "PARSE_SYNTAX_ERROR": codes.SYNTAX,
    "PARSE_EMPTY_STATEMENT": codes.SYNTAX,
    "INVALID_IDENTIFIER": codes.SYNTAX,
    "UNCLOSED_BRACKETED_COMMENT": codes.SYNTAX,
    "UNRESOLVED_COLUMN": codes.UNKNOWN_COLUMN,
    "UNRESOLVED_FIELD": codes.UNKNOWN_COLUMN,
    "UNRESOLVED_MAP_KEY": codes.UNKNOWN_COLUMN,
    "FIELD_NOT_FOUND": codes.UNKNOWN_COLUMN,
    "TABLE_OR_VIEW_NOT_FOUND": codes.UNKNOWN_TABLE,
    "SCHEMA_NOT_FOUND": codes.UNKNOWN_TABLE,
    "AMBIGUOUS_REFERENCE": codes.AMBIGUOUS_COLUMN,
    "AMBIGUOUS_COLUMN_OR_FIELD": codes.AMBIGUOUS_COLUMN,
    "AMBIGUOUS_REFERENCE_TO_FIELDS": codes.AMBIGUOUS_COLUMN,
    "COLUMN_ALREADY_EXISTS": codes.AMBIGUOUS_COLUMN,
    "MISSING_AGGREGATION": codes.GROUP_BY,
    "MISSING_GROUP_BY": codes.GROUP_BY,
    "NESTED_AGGREGATE_FUNCTION": codes.GROUP_BY,
    "GROUP_BY_AGGREGATE": codes.GROUP_BY,
    "GROUP_BY_POS_AGGREGATE": codes.GROUP_BY,
    "GROUP_BY_POS_OUT_OF_RANGE": codes.GROUP_BY,
    "WINDOW_FUNCTION_FRAME_NOT_ORDERED": codes.GROUP_BY,
    "WINDOW_FUNCTION_WITHOUT_OVER_CLAUSE": codes.GROUP_BY,
    "UNSUPPORTED_EXPR_FOR_WINDOW": codes.GROUP_BY,
    "INVALID_WHERE_CONDITION": codes.GROUP_BY,
    "UNRESOLVED_ROUTINE": codes.UNKNOWN_FUNCTION,
    "WRONG_NUM_ARGS": codes.TYPE,
    "DATATYPE_MISMATCH": codes.TYPE,
    "CAST_INVALID_INPUT": codes.TYPE,
    "INCOMPATIBLE_COLUMN_TYPE": codes.TYPE,
    "NUM_COLUMNS_MISMATCH": codes.TYPE,
    "INVALID_PARAMETER_VALUE": codes.TYPE,
    "INVALID_FORMAT": codes.TYPE,
    "PATH_NOT_FOUND": EXTERNAL_ACCESS,
    "UNSUPPORTED_DATASOURCE_FOR_DIRECT_QUERY": EXTERNAL_ACCESS,
}

# The message parameter that names the offending thing, per error class prefix.
NAME_PARAMETERS = ("objectName", "routineName", "name", "relationName", "functionName", "columnName")


def spark_code(error_class: str | None) -> str:
    if not error_class:
        return codes.INVALID
    return SPARK_CLASSES.get(error_class) or SPARK_CLASSES.get(error_class.split(".")[0]) or codes.INVALID


def read_spark_error(
    error_class: str | None,
    message: str,
    parameters: dict[str, str],
    text: str,
    start: int | None = None,
) -> EngineError:
    """One Spark error as an EngineError placed in `text` (the statement Spark was given).

    `start` is the 0-based offset of Spark's query context in `text` when it reported one; parse
    errors carry only "line N, pos M" in their message, which is read instead.
    """
    code = spark_code(error_class)
    name = next((_unquote(parameters[k]) for k in NAME_PARAMETERS if parameters.get(k)), None)
    suggestion = None
    proposal = parameters.get("proposal")
    if proposal:
        first = proposal.split(",")[0].strip()
        suggestion = f"did you mean {_unquote(first)}?"
    headline = _headline(message)
    line = column = None
    if start is not None and 0 <= start <= len(text):
        line, column = position(text, start)
    else:
        located = re.search(r"line (\d+),? pos (\d+)", message)
        if located:
            line, column = int(located.group(1)), int(located.group(2)) + 1
    return EngineError(code, headline, name, suggestion, line, column)


def _headline(message: str) -> str:
    """Spark's first line, without the SQLSTATE tail or the plan it appends."""
    first = message.strip().splitlines()[0] if message.strip() else "Spark rejected the statement"
    first = re.sub(r"\s*SQLSTATE: \w+.*$", "", first)
    return first.strip()


def _unquote(name: str) -> str:
    """`a`.`b` -> a.b (Spark quotes names with backticks in its parameters)."""
    return re.sub(r"`([^`]*)`", r"\1", name.strip().strip('"'))


__all__ = ["SPARK_CLASSES", "read_spark_error", "spark_code"]
