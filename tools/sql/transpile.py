"""Translate SQL between dialects with sqlglot, and check the translation where the target runs.

Three stages per statement: parse in the source dialect, rewrite what sqlglot would copy unchanged
into a target lacking it (`tools.sql.rewrites`), write in the target dialect. Then the whole output is
checked: by the project's validator in the target engine where there is one (postgres, sqlite,
duckdb), otherwise by a parse round trip in the target dialect. The promise: a result with no
warnings is accepted by the target engine (with a schema; without one, names and types are not
checked and `checked` says so).
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import TYPE_CHECKING, Any, Literal

from tools.errors import FAILURE, DeassistError
from tools.sql import diagnostics as codes
from tools.sql.diagnostics import Diagnostic, position
from tools.sql.dialects import SqlglotWarnings, resolve_dialect, syntax_problem
from tools.sql.statements import Statement, statement_spans

if TYPE_CHECKING:
    from sqlglot import exp

    from tools.catalog.model import Catalog
    from tools.sql.validate import SqlValidator

# Targets whose engine the validator runs in-process (or whose rules it carries, for PostgreSQL).
ENGINE_CHECKED = {"postgres", "sqlite", "duckdb"}
# Without a schema the stand-in tables have every referenced name and no types, so these findings
# say nothing about the translation.
SCHEMA_DEPENDENT = {codes.UNKNOWN_TABLE, codes.UNKNOWN_COLUMN, codes.AMBIGUOUS_COLUMN, codes.TYPE}
TARGET_REJECTS = "DEA-SQL-TARGET-REJECTS"


@dataclass(frozen=True)
class TranspileWarning(Diagnostic):
    """A finding about a translation; `text` says whether line/column point into the input or the output."""

    text: Literal["input", "output"] = "input"


@dataclass
class TranspileResult:
    sql: str
    warnings: list[TranspileWarning] = field(default_factory=list)
    rewrites: list[str] = field(default_factory=list)  # constructs rewritten into a target equivalent
    checked: str = ""  # what the output was checked against, in words

    @property
    def rejected(self) -> bool:
        """True when the target (engine or parser) refused the output."""
        return any(w.severity == "error" for w in self.warnings)

    def to_dict(self) -> dict[str, Any]:
        return {
            "sql": self.sql,
            "warnings": [asdict(w) for w in self.warnings],
            "rewrites": list(self.rewrites),
            "checked": self.checked,
        }


class Transpiler:
    """Translates from `read` to `write`; with a `catalog` (the target's schema) the check covers names
    and types, and the target's validator is built once for every call."""

    def __init__(self, read: str, write: str, catalog: Catalog | None = None) -> None:
        from tools.sql.validate import SqlValidator

        self.read, self.write = resolve_dialect(read), resolve_dialect(write)
        self._columns = {c.name.lower() for t in catalog.tables for c in t.columns} if catalog is not None else None
        checked = catalog is not None and self.write in ENGINE_CHECKED
        self._validator = SqlValidator(catalog, self.write) if checked and catalog is not None else None

    def transpile(self, sql: str) -> TranspileResult:
        """`sql` in the target dialect, checked there. A statement that does not parse is an error (exit 1)."""
        statements = statement_spans(sql, self.read)
        if not statements:
            raise DeassistError("DEA-SQL-EMPTY", "no SQL statement to transpile (the input is empty or only comments)")
        outputs: list[str] = []
        warnings: list[TranspileWarning] = []
        rewrites: list[str] = []
        trees: list[exp.Expression] = []
        for statement in statements:
            tree, output, found, notes = self._translate(sql, statement)
            trees.append(tree)
            outputs.append(output)
            warnings += found
            rewrites += [note for note in notes if note not in rewrites]
        output = ";\n".join(outputs) + (";" if len(outputs) > 1 else "")
        found, checked = self._check(output, trees)
        return TranspileResult(output, [*warnings, *found], rewrites, checked)

    def _translate(
        self, sql: str, statement: Statement
    ) -> tuple[exp.Expression, str, list[TranspileWarning], list[str]]:
        """One statement: (its parse as read, its translation, warnings placed in `sql`, rewrites made)."""
        from sqlglot import ErrorLevel
        from sqlglot.dialects.dialect import Dialect

        from tools.sql.rewrites import lacking, rewrite_for, sqlite_quoted_strings

        read, write = self.read, self.write
        expression, logged = _parse(sql, statement.text, statement.offset, read)
        tree = expression.copy()
        line, column = position(sql, statement.offset)
        warnings: list[TranspileWarning] = []
        notes: list[str] = []
        if read != write:
            for construct in lacking(expression, write):
                at = statement.text.upper().find(construct.keyword)
                where = position(sql, statement.offset + max(at, 0))
                warnings.append(TranspileWarning("warning", codes.UNSUPPORTED_CONSTRUCT, construct.message, *where))
            notes = rewrite_for(expression, write)
            if read == "sqlite" and self._columns is not None:
                quoted = sqlite_quoted_strings(expression, self._columns)
                notes += [quoted] if quoted else []
        generator = Dialect.get_or_raise(write).generator(unsupported_level=ErrorLevel.IGNORE, pretty=False)
        output = generator.generate(expression)
        warnings += [
            TranspileWarning(
                "warning", codes.UNSUPPORTED_CONSTRUCT, f"not carried into {write} faithfully: {m.strip()}", line, column
            )
            for m in [*logged, *generator.unsupported_messages]
        ]
        if read != write and write not in ENGINE_CHECKED:
            warnings += _unknown_functions(sql, statement.text, statement.offset, expression, read, write)
        return tree, output, warnings, notes

    def _check(self, output: str, trees: list[exp.Expression]) -> tuple[list[TranspileWarning], str]:
        """The target's verdict on the whole output, and what it was checked against."""
        write = self.write
        if write not in ENGINE_CHECKED:
            return _round_trip(output, write), f"parsed back as {write} (no {write} engine here to run it)"
        if self._validator is not None:
            return _engine_check(output, self._validator, stand_in=False)
        from tools.sql.validate import SqlValidator

        validator = SqlValidator(_stand_in_catalog(trees), write)
        try:
            return _engine_check(output, validator, stand_in=True)
        finally:
            validator.close()

    def close(self) -> None:
        if self._validator is not None:
            self._validator.close()


def transpile_sql(sql: str, read: str, write: str, catalog: Catalog | None = None) -> TranspileResult:
    """One-off translation; for many queries build a `Transpiler` once and reuse it."""
    transpiler = Transpiler(read, write, catalog)
    try:
        return transpiler.transpile(sql)
    finally:
        transpiler.close()


def _parse(sql: str, text: str, offset: int, read: str) -> tuple[exp.Expression, list[str]]:
    import sqlglot
    from sqlglot.errors import ParseError, TokenError

    try:
        with SqlglotWarnings() as logged:
            expression = sqlglot.parse_one(text, read=read)
    except (ParseError, TokenError) as exc:
        problem = syntax_problem(exc)
        line, column = position(sql, offset)
        if problem.line:
            column = problem.column or 1 if problem.line > 1 else column + (problem.column or 1) - 1
            line += problem.line - 1
        raise DeassistError(
            codes.SYNTAX, f"line {line}, column {column}: {problem.message} (reading {read})", exit_code=FAILURE
        ) from None
    return expression, logged.messages


def _unknown_functions(
    sql: str, text: str, offset: int, expression: exp.Expression, read: str, write: str
) -> list[TranspileWarning]:
    """Functions sqlglot does not know in `read`: copied as they are, so their existence in `write` is unchecked."""
    from sqlglot import exp

    found = []
    for function in expression.find_all(exp.Anonymous):
        at = text.lower().find(function.name.lower())
        line, column = position(sql, offset + max(at, 0))
        found.append(
            TranspileWarning(
                "warning",
                codes.UNSUPPORTED_CONSTRUCT,
                f"{function.name}() is not a function sqlglot knows in {read}; copied unchanged into {write}",
                line,
                column,
                f"check that {function.name}() exists in {write}",
            )
        )
    return found


def _engine_check(output: str, validator: SqlValidator, *, stand_in: bool) -> tuple[list[TranspileWarning], str]:
    """The validator's findings on the output, in the target dialect, as output-positioned warnings."""
    write = validator.dialect
    report = validator.validate(output)
    found = []
    for d in report.diagnostics:
        if stand_in and d.code in SCHEMA_DEPENDENT:
            continue
        message = f"{write} rejects the output: {d.message}" if d.severity == "error" else d.message
        code = TARGET_REJECTS if d.severity == "error" else d.code
        found.append(TranspileWarning(d.severity, code, message, d.line, d.column, d.suggestion, "output"))
    if stand_in:
        return found, f"validated in {write} for syntax and functions (no schema given: names and types not checked)"
    return found, f"validated in {write} against the schema"


def _round_trip(output: str, write: str) -> list[TranspileWarning]:
    """The output must parse back in the target dialect, or the translation is not usable there."""
    import sqlglot
    from sqlglot.errors import ParseError, TokenError

    try:
        with SqlglotWarnings():
            sqlglot.parse(output, read=write)
    except (ParseError, TokenError) as exc:
        problem = syntax_problem(exc)
        return [
            TranspileWarning(
                "error",
                TARGET_REJECTS,
                f"the output does not parse as {write}: {problem.message}",
                problem.line or 1,
                problem.column or 1,
                text="output",
            )
        ]
    return []


def _stand_in_catalog(trees: list[exp.Expression]) -> Catalog:
    """Tables named in the query, each holding every column name the query uses, types unknown, so the
    target check can judge syntax and functions without the user's schema."""
    from sqlglot import exp

    from tools.catalog.model import Catalog, Column, Source, Table

    source = Source("ddl", "(names taken from the query)", "(names taken from the query)")
    ctes = {cte.alias_or_name.lower() for tree in trees for cte in tree.find_all(exp.CTE)}
    columns = sorted({c.name for tree in trees for c in tree.find_all(exp.Column) if c.name})
    tables: dict[tuple[str, str], Table] = {}
    for tree in trees:
        for table in tree.find_all(exp.Table):
            if not table.name or (not table.db and table.name.lower() in ctes):
                continue
            key = (table.db, table.name)
            stand_in = [Column(c, "") for c in columns] or [Column("?column?", "")]
            tables.setdefault(key, Table(table.name, source, stand_in, schema=table.db or None))
    return Catalog(list(tables.values()))


__all__ = ["ENGINE_CHECKED", "TARGET_REJECTS", "TranspileResult", "TranspileWarning", "Transpiler", "transpile_sql"]
