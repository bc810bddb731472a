"""Fixtures for the SQL area: a small schema and data to validate and run against."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

FIXTURES = Path(__file__).with_name("fixtures")


@pytest.fixture
def schema_sql() -> str:
    return str(FIXTURES / "schema.sql")


@pytest.fixture
def data_dir(tmp_path: Path) -> Path:
    folder = tmp_path / "data"
    folder.mkdir()
    (folder / "orders.csv").write_text(
        "id,customer_id,amount,status\n" + "".join(f"{i},{i % 3},{i * 1.5},paid\n" for i in range(1, 21))
    )
    (folder / "customers.csv").write_text("id,name\n0,Ada\n1,Grace\n2,Linus\n")
    return folder


@pytest.fixture
def sqlite_db(tmp_path: Path) -> Path:
    path = tmp_path / "shop.sqlite"
    conn = sqlite3.connect(path)
    conn.execute("CREATE TABLE orders (id INTEGER PRIMARY KEY, amount REAL)")
    conn.executemany("INSERT INTO orders VALUES (?, ?)", [(i, i * 2.0) for i in range(1, 11)])
    conn.commit()
    conn.close()
    return path
