"""Catalog fixtures: BIRD schemas loaded into real engines, and throwaway PostgreSQL databases."""

from __future__ import annotations

import re
import socket
import struct
import threading
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

import pytest

BIRD_DBS = ("debit_card_specializing", "student_club", "superhero", "toxicology")


@dataclass
class BirdSchema:
    """A BIRD schema's tables, and the keys its published DDL documents only in comments."""

    name: str
    tables: dict[str, list[str]]  # table -> columns, as in schema.sqlite.sql
    primary_keys: dict[str, list[str]] = field(default_factory=dict)
    foreign_keys: set[tuple[str, str, str, str]] = field(default_factory=set)  # child, column, parent, key


def parse_bird_schema(path: Path) -> BirdSchema:
    """Read `-- N rows, primary key: (...)` and `-- Foreign keys: t.c (...)` comments of schema.sqlite.sql."""
    import sqlglot
    from sqlglot import exp

    text = path.read_text()
    tables: dict[str, list[str]] = {}
    for statement in sqlglot.parse(text, read="sqlite"):
        if isinstance(statement, exp.Create):
            tables[statement.this.this.name] = [
                c.name for c in statement.this.expressions if isinstance(c, exp.ColumnDef)
            ]
    schema = BirdSchema(path.parent.name, tables)
    pending_pk: list[str] | None = None
    pending_links: list[tuple[str, str, str]] = []
    table = None
    for line in text.splitlines():
        if m := re.match(r"-- [\d,]+ rows, primary key: \((.*)\)", line):
            pending_pk = [c.strip().strip('`"') for c in m.group(1).split(",")]
        elif m := re.match(r"CREATE TABLE [`\"]?([^`\"( ]+)", line):
            table = m.group(1)
            if pending_pk:
                schema.primary_keys[table] = pending_pk
            pending_pk = None
        elif m := re.match(r"-- Foreign keys: (.*)", line):
            for other, relation in re.findall(r"([\w.]+) \(([\w-]+)\)", m.group(1)):
                pending_links.append((other, relation, ""))
        elif table and (m := re.match(r"[`\"]?([^`\"]+?)[`\"]? \w", line)) and not line.startswith("--"):
            for other, relation, _ in pending_links:
                other_table, other_column = other.split(".", 1)
                if relation in ("one-to-many", "one-to-one"):
                    schema.foreign_keys.add((other_table, other_column, table, m.group(1)))
                else:
                    schema.foreign_keys.add((table, m.group(1), other_table, other_column))
            pending_links = []
    # Keep links whose target is its table's single-column primary key: that is what a FOREIGN KEY needs.
    schema.foreign_keys = {
        fk for fk in schema.foreign_keys if schema.primary_keys.get(fk[2]) == [fk[3]] and fk[0] in tables
    }
    return schema


@pytest.fixture(scope="session")
def bird_schemas(bird: Path) -> dict[str, BirdSchema]:
    return {name: parse_bird_schema(bird / name / "schema.sqlite.sql") for name in BIRD_DBS}


def _dsn_for(base: str, dbname: str) -> str:
    from psycopg.conninfo import conninfo_to_dict, make_conninfo

    return make_conninfo(**(conninfo_to_dict(base) | {"dbname": dbname}))


@contextmanager
def fresh_database(pg_dsn: str) -> Iterator[str]:
    """A new database with a unique name, dropped afterwards; yields its connection string."""
    import psycopg

    name = f"deassist_catalog_{uuid.uuid4().hex[:10]}"
    with psycopg.connect(pg_dsn, autocommit=True) as admin:
        admin.execute(f'CREATE DATABASE "{name}"')
    try:
        yield _dsn_for(pg_dsn, name)
    finally:
        with psycopg.connect(pg_dsn, autocommit=True) as admin:
            admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@pytest.fixture(scope="module")
def pg_database(pg_dsn: str) -> Iterator[str]:
    with fresh_database(pg_dsn) as dsn:
        yield dsn


@pytest.fixture(scope="module")
def bird_pg(pg_database: str, bird: Path, bird_schemas: dict[str, BirdSchema]) -> str:
    """All four BIRD schemas in one database, one PostgreSQL schema each, with their documented keys added."""
    import psycopg

    with psycopg.connect(pg_database, autocommit=True) as conn:
        for name, schema in bird_schemas.items():
            conn.execute(f"CREATE SCHEMA {name}")
            conn.execute(f"SET search_path TO {name}")
            conn.execute((bird / name / "schema.pg.sql").read_text())
            columns = {
                (t, c.lower()): c
                for t, c in conn.execute(
                    "SELECT table_name, column_name FROM information_schema.columns WHERE table_schema = %s", [name]
                ).fetchall()
            }

            def pg(table: str, column: str, columns: dict = columns) -> str:
                return '"' + columns[(table.lower(), column.lower())] + '"'

            for table, key in schema.primary_keys.items():
                conn.execute(f"ALTER TABLE {table} ADD PRIMARY KEY ({', '.join(pg(table, c) for c in key)})")
            for child, column, parent, key in sorted(schema.foreign_keys):
                conn.execute(
                    f"ALTER TABLE {child} ADD FOREIGN KEY ({pg(child, column)}) REFERENCES {parent} ({pg(parent, key)})"
                )
            first = next(iter(schema.tables))
            conn.execute(f"COMMENT ON TABLE {first} IS 'from BIRD {name}'")
    return pg_database


@pytest.fixture
def fake_pg_auth_server() -> Iterator[int]:
    """A local server speaking the PostgreSQL wire protocol that asks for a password and rejects it.

    The shared server trusts every local login, so this is how a wrong password is met for real: libpq
    sends its startup packet and the password, and gets the server's own 28P01 error back.
    """
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen(4)
    port = listener.getsockname()[1]
    seen: list[bytes] = []

    def serve() -> None:
        while True:
            try:
                conn, _ = listener.accept()
            except OSError:
                return
            with conn:
                try:
                    while True:
                        length = struct.unpack("!I", conn.recv(4))[0]
                        body = conn.recv(length - 4)
                        if struct.unpack("!I", body[:4])[0] not in (80877103, 80877104):  # SSL / GSS request
                            break
                        conn.sendall(b"N")
                    conn.sendall(b"R" + struct.pack("!II", 8, 3))  # AuthenticationCleartextPassword
                    seen.append(conn.recv(1024))
                    fields = b'SFATAL\x00VFATAL\x00C28P01\x00Mpassword authentication failed for user "alice"\x00\x00'
                    conn.sendall(b"E" + struct.pack("!I", len(fields) + 4) + fields)
                except OSError:
                    pass

    thread = threading.Thread(target=serve, daemon=True)
    thread.start()
    yield port
    listener.close()
