"""Split SQL text into statements, keeping where each one starts in the original text."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Statement:
    text: str
    offset: int  # where `text` starts in the original SQL


def statement_spans(sql: str, dialect: str) -> list[Statement]:
    """Statements separated by top-level semicolons (strings, comments and quoted names respected).

    Text that does not tokenize (an unterminated string) stays one statement, so its syntax error is
    reported where it is rather than lost in a split.
    """
    from sqlglot.dialects.dialect import Dialect
    from sqlglot.errors import TokenError
    from sqlglot.tokens import TokenType

    if "--" not in sql and "/*" not in sql and "#" not in sql:
        # Nothing to split on but an optional final semicolon: skip the tokenizer (a large share of batch time).
        body = sql.rstrip()
        if ";" not in body[:-1]:
            return _whole(body.removesuffix(";"))
    try:
        tokens = Dialect.get_or_raise(dialect).tokenize(sql)
    except TokenError:
        return _whole(sql)
    statements: list[Statement] = []
    start = 0
    has_tokens = False
    for token in tokens:
        if token.token_type == TokenType.SEMICOLON:
            if has_tokens:
                statements.append(_piece(sql, start, token.start))
            start, has_tokens = token.end + 1, False
        else:
            has_tokens = True
    if has_tokens:
        statements.append(_piece(sql, start, len(sql)))
    return statements


def split_statements(sql: str, dialect: str = "duckdb") -> list[str]:
    """The statements in `sql`, each without its terminating semicolon."""
    return [s.text for s in statement_spans(sql, dialect)]


def _piece(sql: str, start: int, end: int) -> Statement:
    text = sql[start:end]
    stripped = text.lstrip()
    return Statement(stripped.rstrip(), start + len(text) - len(stripped))


def _whole(sql: str) -> list[Statement]:
    return [_piece(sql, 0, len(sql))] if sql.strip() else []


__all__ = ["Statement", "split_statements", "statement_spans"]
