"""Translate SQL between dialects with sqlglot, reporting every construct that does not carry over."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from tools.errors import FAILURE, DeassistError
from tools.sql import diagnostics as codes
from tools.sql.depth import reads_nested_sql
from tools.sql.diagnostics import Diagnostic, position
from tools.sql.dialects import SqlglotWarnings, resolve_dialect
from tools.sql.statements import statement_spans


@dataclass
class TranspileResult:
    sql: str
    warnings: list[Diagnostic] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        return {"sql": self.sql, "warnings": [w.to_dict() for w in self.warnings]}


@reads_nested_sql
def transpile_sql(sql: str, read: str, write: str) -> TranspileResult:
    """`sql` in dialect `write`; a statement that does not parse in `read` is an error (exit 1)."""
    import sqlglot
    from sqlglot import ErrorLevel, exp
    from sqlglot.dialects.dialect import Dialect
    from sqlglot.errors import ParseError, TokenError

    read, write = resolve_dialect(read), resolve_dialect(write)
    statements = statement_spans(sql, read)
    if not statements:
        raise DeassistError("DEA-SQL-EMPTY", "no SQL statement to transpile (the input is empty or only comments)")
    outputs: list[str] = []
    warnings: list[Diagnostic] = []
    for statement in statements:
        try:
            with SqlglotWarnings() as logged:
                expression = sqlglot.parse_one(statement.text, read=read)
        except (ParseError, TokenError) as exc:
            first = (getattr(exc, "errors", None) or [{}])[0]
            line, column = position(sql, statement.offset)
            if first.get("line"):
                line, column = (
                    line + first["line"] - 1,
                    first.get("col", 1) if first["line"] > 1 else column + first.get("col", 1) - 1,
                )
            description = first.get("description") or str(exc).splitlines()[0]
            raise DeassistError(
                codes.SYNTAX, f"line {line}, column {column}: {description} (reading {read})", exit_code=FAILURE
            ) from None
        line, column = position(sql, statement.offset)
        generator = Dialect.get_or_raise(write).generator(unsupported_level=ErrorLevel.IGNORE, pretty=False)
        outputs.append(generator.generate(expression))
        for message in [*logged.messages, *generator.unsupported_messages]:
            warnings.append(
                Diagnostic(
                    "warning",
                    codes.UNSUPPORTED_CONSTRUCT,
                    f"not carried into {write} faithfully: {message.strip()}",
                    line,
                    column,
                )
            )
        if read != write:
            for function in expression.find_all(exp.Anonymous):
                offset = statement.text.lower().find(function.name.lower())
                where = position(sql, statement.offset + max(offset, 0))
                warnings.append(
                    Diagnostic(
                        "warning",
                        codes.UNSUPPORTED_CONSTRUCT,
                        f"{function.name}() is not a function sqlglot knows in {read}; copied unchanged into {write}",
                        *where,
                        f"check that {function.name}() exists in {write}",
                    )
                )
    return TranspileResult(";\n".join(outputs) + (";" if len(outputs) > 1 else ""), warnings)


__all__ = ["TranspileResult", "transpile_sql"]
