"""SQLite database files, opened read-only through the sqlite3 module.

View definitions are checked (`tools.catalog.external`) before anything reads them: a view calling
a file function (readfile, load_extension, ...) is reported and never evaluated.
"""

from __future__ import annotations

import sqlite3
from pathlib import Path

from tools.catalog.external import external_objects
from tools.catalog.model import Catalog, Column, ForeignKey, Source, Table
from tools.errors import DeassistError


def read_sqlite(path: Path) -> Catalog:
    source = Source("sqlite", str(path), str(path))
    try:
        conn = sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True)
    except sqlite3.Error as exc:
        raise DeassistError("DEA-SOURCE-UNREADABLE", f"{path}: {exc}") from None
    try:
        rows = conn.execute(
            "SELECT name, type, sql FROM sqlite_master "
            "WHERE type IN ('table', 'view') AND name NOT LIKE 'sqlite_%' ORDER BY name"
        ).fetchall()
        external = external_objects([(n, k, sql or "") for n, k, sql in rows if k == "view"], "sqlite")
        hostile = {o.name.lower(): o for o in external}
        tables = []
        for name, kind, _sql in rows:
            if name.lower() in hostile:  # PRAGMA table_info would bind the view: list it without columns
                tables.append(Table(name, source, [], kind="view", external=hostile[name.lower()]))
                continue
            quoted = '"' + name.replace('"', '""') + '"'
            info = conn.execute(f"PRAGMA table_info({quoted})").fetchall()
            pk = [r[1] for r in sorted(info, key=lambda r: r[5]) if r[5]]
            columns = [Column(r[1], r[2] or "ANY", not (r[3] or r[5])) for r in info]
            fks: dict[int, list[tuple[str, str, str]]] = {}
            for r in conn.execute(f"PRAGMA foreign_key_list({quoted})").fetchall():
                fks.setdefault(r[0], []).append((r[3], r[2], r[4]))
            foreign_keys = [
                ForeignKey(tuple(c for c, _, _ in parts), parts[0][1], tuple(rc for _, _, rc in parts if rc))
                for parts in fks.values()
            ]
            tables.append(Table(name, source, columns, pk, foreign_keys, kind="view" if kind == "view" else "table"))
        return Catalog(tables, external)
    except sqlite3.DatabaseError as exc:
        raise DeassistError("DEA-SOURCE-UNREADABLE", f"{path}: {exc}") from None
    finally:
        conn.close()
