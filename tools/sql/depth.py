"""Deeply nested SQL: sqlglot parses and generates it recursively, about 50 Python frames per level of
parentheses, so Python's default limit of 1,000 frames gives out near 20 levels while DuckDB accepts
999 (its `max_expression_depth` is 1,000).

`reads_nested_sql` wraps the entry points of validate, transpile and run: SQL nested deeper than DuckDB
accepts is `DEA-SQL-TOO-DEEP` before any parser sees it, and within that the recursion limit is raised
while sqlglot works (a RecursionError that still happens is `DEA-SQL-TOO-DEEP` too). Python 3.11+ runs
Python-to-Python calls without growing the C stack, so the higher limit is safe in worker threads.
"""

from __future__ import annotations

import functools
import inspect
import sys
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import ParamSpec, TypeVar

from tools.errors import FAILURE, DeassistError

TOO_DEEP = "DEA-SQL-TOO-DEEP"
MAX_NESTING = 999  # DuckDB's max_expression_depth (1,000) counts the statement itself
# Enough for 999 nested parentheses through parse, qualify and generate (measured: ~50 frames a level).
RECURSION_LIMIT = 100_000

P = ParamSpec("P")
R = TypeVar("R")

_lock = threading.Lock()
_users = 0
_saved = 0


def nesting(sql: str) -> int:
    """The deepest nesting of brackets in `sql`, outside quoted strings and identifiers."""
    depth = deepest = 0
    quote = ""
    for char in sql:
        if quote:
            quote = "" if char == quote else quote
        elif char in "'\"`":
            quote = char
        elif char in "([":
            depth += 1
            deepest = max(deepest, depth)
        elif char in ")]":
            depth -= 1
    return deepest


def too_deep(levels: int) -> DeassistError:
    return DeassistError(
        TOO_DEEP,
        f"the SQL is nested {levels} levels deep; DuckDB reads at most {MAX_NESTING}: flatten it with CTEs",
        exit_code=FAILURE,
    )


@contextmanager
def deep_recursion() -> Iterator[None]:
    """Raise the recursion limit while sqlglot works; a RecursionError still raised is `DEA-SQL-TOO-DEEP`.

    The limit is process-wide, so concurrent users share one raise and the last one out restores it.
    """
    global _users, _saved
    with _lock:
        if _users == 0:
            _saved = sys.getrecursionlimit()
            sys.setrecursionlimit(max(_saved, RECURSION_LIMIT))
        _users += 1
    try:
        yield
    except RecursionError:
        raise too_deep(MAX_NESTING + 1) from None
    finally:
        with _lock:
            _users -= 1
            if _users == 0:
                sys.setrecursionlimit(_saved)


def reads_nested_sql(function: Callable[P, R]) -> Callable[P, R]:
    """Decorate a function taking an `sql` argument: refuse SQL nested past DuckDB's limit, read the rest."""
    signature = inspect.signature(function)

    @functools.wraps(function)
    def wrapper(*args: P.args, **kwargs: P.kwargs) -> R:
        levels = nesting(str(signature.bind(*args, **kwargs).arguments["sql"]))
        if levels > MAX_NESTING:
            raise too_deep(levels)
        with deep_recursion():
            return function(*args, **kwargs)

    return wrapper
