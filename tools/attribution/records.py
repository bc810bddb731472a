"""Typed, immutable records for the commit hook, without importing `typing` or `dataclasses`.

On a busy machine importing either costs the hook about as much as importing `re`, so `@record`
builds what `typing.NamedTuple` would (a `collections.namedtuple` subclass) from a class of
annotated fields and defaults: the same `_replace`, `_asdict`, equality and immutability.
"""

from __future__ import annotations

from collections import namedtuple


def record(cls: type) -> type:
    """The class's annotated fields, in order, as a namedtuple; its methods and docstring kept."""
    fields = list(cls.__dict__.get("__annotations__", {}))  # noqa: RUF063 - inspect is what this avoids
    defaults = [cls.__dict__[name] for name in fields if name in cls.__dict__]
    if any(name not in cls.__dict__ for name in fields[len(fields) - len(defaults) :]):
        raise TypeError(f"{cls.__name__}: fields with defaults must come after those without")
    base = namedtuple(cls.__name__, fields, defaults=defaults, module=cls.__module__)
    body = {
        key: value
        for key, value in cls.__dict__.items()
        if key not in fields and key not in ("__dict__", "__weakref__")
    }
    return type(cls.__name__, (base,), {**body, "__slots__": ()})
