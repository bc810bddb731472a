"""A BIRD mini-dev schema loaded with generated rows: keys unique, links pointing at real parents,
as the schema's comments describe them ("primary key: (...)", "Foreign keys: t.c (many-to-one)")."""

from __future__ import annotations

import random
import re
from pathlib import Path

from tools.catalog import load_catalog

PRIMARY = re.compile(r"^-- \d+ rows, primary key: \(([^)]*)\)")
FOREIGN = re.compile(r"^-- Foreign keys: (.*)")
CREATE = re.compile(r"^CREATE TABLE [`\"]?([^`\"(\s]+)", re.IGNORECASE)
COLUMN = re.compile(r"^[`\"]?([^`\"]+?)[`\"]?\s+\w+")


def _schema_facts(ddl: str) -> tuple[dict[str, list[str]], dict[tuple[str, str], tuple[str, str]]]:
    keys: dict[str, list[str]] = {}
    links: dict[tuple[str, str], tuple[str, str]] = {}
    pending_key: list[str] = []
    pending_link: list[str] = []
    table = ""
    for line in ddl.splitlines():
        if m := PRIMARY.match(line):
            pending_key = [k.strip().strip('`"') for k in m.group(1).split(",")]
        elif m := FOREIGN.match(line):
            pending_link = [p.strip() for p in m.group(1).split(",") if "many-to-one" in p or "one-to-one" in p]
        elif m := CREATE.match(line):
            table, keys[m.group(1)] = m.group(1), pending_key
            pending_key = []
        elif not line.startswith("--") and (m := COLUMN.match(line.strip())) and table:
            for target in pending_link:
                ref = target.split(" ")[0]
                ref_table, _, ref_column = ref.partition(".")
                links[(table, m.group(1))] = (ref_table, ref_column)
            pending_link = []
    # a one-to-one comment appears on both sides; the link is the side pointing at the other's key
    return keys, {k: v for k, v in links.items() if keys.get(v[0]) == [v[1]]}


def load_bird(schema_dir: Path, target: Path, *, rows: int = 60, seed: int = 3) -> Path:
    """Write `target` (a DuckDB file) with the schema's tables and generated rows."""
    import duckdb

    from tools.sql.sandbox import duckdb_type, quote

    ddl_path = schema_dir / "schema.sqlite.sql"
    keys, links = _schema_facts(ddl_path.read_text(encoding="utf-8"))
    catalog = load_catalog([str(ddl_path)], "sqlite")
    rnd = random.Random(seed)
    values: dict[tuple[str, str], list] = {}
    order = _parents_first([t.name for t in catalog.tables], links)
    conn = duckdb.connect(str(target))
    try:
        for name in order:
            table = catalog.table(name)
            types = {c.name: duckdb_type(c.type, "sqlite", conn) for c in table.columns}
            conn.execute(f"CREATE TABLE {quote(name)} ({', '.join(f'{quote(c)} {t}' for c, t in types.items())})")
            key = keys.get(name, [])
            generated = []
            seen: set[tuple] = set()
            for i in range(1, rows + 1):
                row = {}
                for column, kind in types.items():
                    parent = links.get((name, column))
                    if parent and values.get(parent):
                        row[column] = rnd.choice(values[parent])
                    elif column in key and len(key) == 1:
                        row[column] = i if "INT" in kind else f"rec{i:06d}"
                    else:
                        row[column] = _value(rnd, column, kind, nullable=column not in key)
                identity = tuple(row[k] for k in key)
                if key and identity in seen:
                    continue
                seen.add(identity)
                generated.append(row)
            for column in types:
                values[(name, column)] = [r[column] for r in generated if r[column] is not None]
            placeholders = ", ".join("?" for _ in types)
            conn.executemany(f"INSERT INTO {quote(name)} VALUES ({placeholders})", [list(r.values()) for r in generated])
    finally:
        conn.close()
    return target


def _parents_first(tables: list[str], links: dict[tuple[str, str], tuple[str, str]]) -> list[str]:
    ordered: list[str] = []
    pending = list(tables)
    while pending:
        for name in pending:
            parents = {p for (child, _), (p, _) in links.items() if child == name and p != name}
            if parents <= set(ordered) or not parents & set(pending):
                ordered.append(name)
                pending.remove(name)
                break
        else:
            ordered.append(pending.pop(0))  # a cycle: its links get random values
    return ordered


def _value(rnd: random.Random, column: str, kind: str, *, nullable: bool):  # noqa: ANN202
    if nullable and rnd.random() < 0.05:
        return None
    if "INT" in kind:
        return rnd.randint(0, 500)
    if kind in {"DOUBLE", "FLOAT", "REAL"} or kind.startswith("DECIMAL"):
        return round(rnd.uniform(0, 300), 2)
    if kind == "DATE" or "date" in column.lower():
        return f"2024-{rnd.randint(1, 12):02d}-{rnd.randint(1, 28):02d}"
    return f"{column[:8]}_{rnd.randint(1, 4)}"
