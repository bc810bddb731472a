"""deassist's settings in a project: the top level of `.deassist.toml`, or `[tool.deassist]` in pyproject.toml.

Each area reads its own table from them (`attribution`, `sql`, `backends`, ...) and checks it; this
module only finds and parses the files. Standard library only, imported lazily: the commit hook reads
the attribution settings through it on every commit.
"""

from __future__ import annotations

import os

TYPE_CHECKING = False  # typing.TYPE_CHECKING without importing typing (the hook stays light)
if TYPE_CHECKING:
    from typing import Any

# A project's settings files, the one that wins first.
PROJECT_FILES = (".deassist.toml", "pyproject.toml")


def read_settings_file(path: str | os.PathLike[str], code: str) -> dict[str, Any] | None:
    """deassist's table in one file: `[tool.deassist]` of a pyproject.toml, the whole of any other TOML file.

    None when the file or the table is absent; a file that cannot be read or parsed, or whose
    deassist settings are not a table, is a DeassistError with the caller's `code`.
    """
    from tools.errors import DeassistError

    path = os.fspath(path)
    try:
        with open(path, encoding="utf-8") as handle:
            text = handle.read()
    except FileNotFoundError:
        return None
    except (OSError, UnicodeDecodeError) as exc:
        raise DeassistError(code, f"{path}: cannot read ({exc})") from None
    pyproject = os.path.basename(path) == "pyproject.toml"
    if pyproject and "tool.deassist" not in text:
        return None  # most projects have a pyproject.toml; skip parsing it when it cannot concern us
    import tomllib

    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise DeassistError(code, f"{path}: not valid TOML ({exc})") from None
    if pyproject:
        data = data.get("tool", {}).get("deassist")
        if data is None:
            return None
    if not isinstance(data, dict):
        raise DeassistError(code, f"{path}: [tool.deassist] must be a table")
    return data


def project_settings(directory: str | os.PathLike[str], code: str) -> list[tuple[str, dict[str, Any]]]:
    """(path, settings) of each of the project's settings files in `directory` that has any, the one that wins first."""
    found = []
    for name in PROJECT_FILES:
        path = os.path.join(directory, name)
        data = read_settings_file(path, code)
        if data is not None:
            found.append((path, data))
    return found


__all__ = ["PROJECT_FILES", "project_settings", "read_settings_file"]
