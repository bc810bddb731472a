"""Seeded data fixtures for the eval cases: an e-commerce shop and a website's clickstream.

A fixture name is a data set, optionally with a format: `ecommerce` (a folder of CSV files, one
table a file), `ecommerce.duckdb` (a DuckDB file with primary and foreign keys declared),
`ecommerce.sqlite`, and the same for `ecommerce_dirty` (the shop with planted defects for
data-quality cases) and `clickstream`. `shop` is the small example that ships in the package.
The same seed always gives the same rows, so gold answers stay put.

    python -m evals.fixtures OUT_DIR [NAME ...]
"""

from __future__ import annotations

import csv
import random
import sqlite3
import sys
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any

from tools.errors import DeassistError

SHOP = Path(__file__).resolve().parents[1] / "assistant" / "examples" / "shop"
FORMATS = ("csv", "duckdb", "sqlite")

FIRST = ["Ada", "Grace", "Alan", "Edsger", "Barbara", "Donald", "Frances", "Ken", "Margaret", "Linus", "Radia",
         "Tim", "Yukihiro", "Guido", "Sophie", "Dennis", "Hedy", "John", "Katherine", "Niklaus"]
LAST = ["Lovelace", "Hopper", "Turing", "Dijkstra", "Liskov", "Knuth", "Allen", "Thompson", "Hamilton", "Torvalds",
        "Perlman", "Berners-Lee", "Matsumoto", "Rossum", "Wilson", "Ritchie", "Lamarr", "Backus", "Johnson", "Wirth"]
COUNTRIES = [("US", 30), ("DE", 14), ("FR", 10), ("GB", 12), ("JP", 8), ("BR", 7), ("IN", 7), ("KR", 4), ("CA", 5), ("ES", 3)]
CATEGORIES = {
    "Books": (12, 60), "Hardware": (40, 900), "Software": (20, 400), "Apparel": (15, 120), "Home": (10, 250),
}
PAGE_TYPES = [("home", 1), ("category", 6), ("product", 14), ("cart", 1), ("checkout", 1), ("confirmation", 1), ("blog", 6)]


@dataclass(frozen=True)
class TableData:
    name: str
    columns: list[tuple[str, str]]  # (name, SQL type)
    rows: list[tuple[Any, ...]]
    primary_key: str
    references: dict[str, str]  # column -> referenced table (its primary key)


def materialize(name: str, root: Path) -> Path:
    """The path of fixture `name` under `root`, generating it the first time."""
    if name == "shop":
        return SHOP
    base, _, fmt = name.partition(".")
    fmt = fmt or "csv"
    if base not in GENERATORS or fmt not in FORMATS:
        known = ", ".join(["shop", *(f"{b}[.{'|.'.join(FORMATS[1:])}]" for b in GENERATORS)])
        raise DeassistError("DEA-EVAL-FIXTURE", f"unknown fixture {name!r}: one of {known}")
    target = root / (base if fmt == "csv" else f"{base}.{fmt}")
    if target.exists():
        return target
    tables = GENERATORS[base]()
    root.mkdir(parents=True, exist_ok=True)
    partial = target.with_name(target.name + ".partial")
    {"csv": _write_csv, "duckdb": _write_duckdb, "sqlite": _write_sqlite}[fmt](tables, partial)
    partial.rename(target)
    return target


def tables_of(base: str) -> list[TableData]:
    return GENERATORS[base]()


# -- e-commerce -----------------------------------------------------------------------------------


def ecommerce(seed: int = 42, dirty: bool = False) -> list[TableData]:
    """Customers, products, orders and their items; a tenth of the customers never order."""
    rng = random.Random(seed)
    customers = []
    for cid in range(1, 401):
        first, last = rng.choice(FIRST), rng.choice(LAST)
        country = _weighted(rng, COUNTRIES)
        segment = _weighted(rng, [("consumer", 70), ("business", 22), ("enterprise", 8)])
        signup = date(2023, 1, 1) + timedelta(days=rng.randrange(0, 900))
        email = f"{first}.{last}{cid}@example.com".lower()
        customers.append([cid, first, last, email, country, segment, signup])
    products = []
    for pid in range(1, 51):
        category = list(CATEGORIES)[(pid - 1) % len(CATEGORIES)]
        low, high = CATEGORIES[category]
        price = round(rng.uniform(low, high), 2)
        products.append([pid, f"SKU-{pid:04d}", f"{category} item {pid}", category, price, pid % 11 != 0])
    ordering = [c[0] for c in customers if c[0] % 10 != 7]  # customers 7, 17, 27, ... never order
    orders, items = [], []
    item_id = 0
    for oid in range(1, 3001):
        customer = rng.choice(ordering)
        placed = datetime(2024, 1, 1) + timedelta(minutes=rng.randrange(0, 731 * 24 * 60))
        status = _weighted(rng, [("completed", 75), ("shipped", 8), ("cancelled", 10), ("returned", 7)])
        channel = _weighted(rng, [("web", 55), ("mobile", 35), ("store", 10)])
        shipping = 0.0 if channel == "store" else round(rng.choice([4.99, 4.99, 9.99, 0.0]), 2)
        orders.append([oid, customer, placed, status, channel, shipping])
        for product in rng.sample(products, rng.choice([1, 1, 2, 2, 3, 4, 5])):
            item_id += 1
            discount = rng.choice([1.0, 1.0, 1.0, 0.9, 0.8])
            items.append([item_id, oid, product[0], rng.randint(1, 5), round(product[4] * discount, 2)])
    if dirty:
        _plant_defects(rng, customers, orders, items)
    return [
        TableData(
            "customers",
            [("customer_id", "INTEGER"), ("first_name", "VARCHAR"), ("last_name", "VARCHAR"), ("email", "VARCHAR"),
             ("country", "VARCHAR"), ("segment", "VARCHAR"), ("signup_date", "DATE")],
            [tuple(r) for r in customers], "customer_id", {},
        ),
        TableData(
            "products",
            [("product_id", "INTEGER"), ("sku", "VARCHAR"), ("name", "VARCHAR"), ("category", "VARCHAR"),
             ("unit_price", "DECIMAL(10,2)"), ("is_active", "BOOLEAN")],
            [tuple(r) for r in products], "product_id", {},
        ),
        TableData(
            "orders",
            [("order_id", "INTEGER"), ("customer_id", "INTEGER"), ("order_date", "TIMESTAMP"), ("status", "VARCHAR"),
             ("channel", "VARCHAR"), ("shipping_cost", "DECIMAL(10,2)")],
            [tuple(r) for r in orders], "order_id", {"customer_id": "customers"},
        ),
        TableData(
            "order_items",
            [("order_item_id", "INTEGER"), ("order_id", "INTEGER"), ("product_id", "INTEGER"), ("quantity", "INTEGER"),
             ("unit_price", "DECIMAL(10,2)")],
            [tuple(r) for r in items], "order_item_id", {"order_id": "orders", "product_id": "products"},
        ),
    ]


def _plant_defects(rng: random.Random, customers: list, orders: list, items: list) -> None:
    """Known defects, counted: 12 null emails, 3 malformed emails, 5 duplicated orders, 2 orders dated 2030,
    4 negative quantities, 6 items pointing at orders that do not exist."""
    for row in rng.sample(customers, 15)[:12]:
        row[3] = None
    malformed = [c for c in customers if c[3] is not None]
    for row in rng.sample(malformed, 3):
        row[3] = row[3].replace("@", " at ")
    orders.extend([list(o) for o in rng.sample(orders, 5)])
    for row in rng.sample(orders[:3000], 2):
        row[2] = row[2].replace(year=2030)
    for row in rng.sample(items, 4):
        row[3] = -row[3]
    last = items[-1][0]
    for offset in range(1, 7):
        items.append([last + offset, 9000 + offset, rng.randint(1, 50), 1, 19.99])


# -- clickstream ----------------------------------------------------------------------------------


def clickstream(seed: int = 7) -> list[TableData]:
    """Pages, sessions and their events; a funnel page_view -> add_to_cart -> begin_checkout -> purchase."""
    rng = random.Random(seed)
    pages = []
    for page_type, count in PAGE_TYPES:
        for n in range(1, count + 1):
            page_id = len(pages) + 1
            path = "/" if page_type == "home" else f"/{page_type}" + (f"/{n}" if count > 1 else "")
            pages.append((page_id, path, page_type, f"{page_type.title()} {n}"))
    by_type: dict[str, list[int]] = {}
    for page in pages:
        by_type.setdefault(page[2], []).append(page[0])
    sessions, events = [], []
    event_id = 0
    for n in range(1, 2001):
        session_id = f"s{n:05d}"
        user_id = None if rng.random() < 0.3 else rng.randint(1, 600)
        started = datetime(2025, 9, 1) + timedelta(seconds=rng.randrange(0, 91 * 86400))
        device = _weighted(rng, [("desktop", 45), ("mobile", 45), ("tablet", 10)])
        country = _weighted(rng, COUNTRIES)
        referrer = _weighted(rng, [("direct", 30), ("google", 35), ("newsletter", 12), ("facebook", 15), ("partner", 8)])
        sessions.append((session_id, user_id, started, device, country, referrer))
        clock = started
        path = [rng.choice(by_type["home"] + by_type["category"] + by_type["blog"])]
        path += [rng.choice(by_type["product"] + by_type["category"]) for _ in range(rng.randint(0, 6))]
        stages = ["page_view"]
        if rng.random() < 0.35:
            stages.append("add_to_cart")
            if rng.random() < 0.5:
                stages.append("begin_checkout")
                if rng.random() < 0.6:
                    stages.append("purchase")
        for page_id in path:
            clock += timedelta(seconds=rng.randint(5, 240))
            event_id += 1
            events.append((event_id, session_id, page_id, "page_view", clock, None))
            if rng.random() < 0.4:
                clock += timedelta(seconds=rng.randint(1, 30))
                event_id += 1
                events.append((event_id, session_id, page_id, "click", clock, None))
        stage_page = {"add_to_cart": "cart", "begin_checkout": "checkout", "purchase": "confirmation"}
        for stage in stages[1:]:
            clock += timedelta(seconds=rng.randint(10, 300))
            event_id += 1
            revenue = round(rng.uniform(15, 600), 2) if stage == "purchase" else None
            events.append((event_id, session_id, by_type[stage_page[stage]][0], stage, clock, revenue))
    return [
        TableData("pages", [("page_id", "INTEGER"), ("path", "VARCHAR"), ("page_type", "VARCHAR"), ("title", "VARCHAR")],
                  pages, "page_id", {}),
        TableData(
            "sessions",
            [("session_id", "VARCHAR"), ("user_id", "INTEGER"), ("started_at", "TIMESTAMP"), ("device", "VARCHAR"),
             ("country", "VARCHAR"), ("referrer", "VARCHAR")],
            sessions, "session_id", {},
        ),
        TableData(
            "events",
            [("event_id", "INTEGER"), ("session_id", "VARCHAR"), ("page_id", "INTEGER"), ("event_type", "VARCHAR"),
             ("occurred_at", "TIMESTAMP"), ("revenue", "DECIMAL(10,2)")],
            events, "event_id", {"session_id": "sessions", "page_id": "pages"},
        ),
    ]


GENERATORS = {
    "ecommerce": ecommerce,
    "ecommerce_dirty": lambda: ecommerce(dirty=True),
    "clickstream": clickstream,
}


def _weighted(rng: random.Random, choices: list[tuple[str, int]]) -> str:
    return rng.choices([c for c, _ in choices], weights=[w for _, w in choices])[0]


# -- writers --------------------------------------------------------------------------------------


def _text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, datetime):
        return value.strftime("%Y-%m-%d %H:%M:%S")
    return str(value)


def _write_csv(tables: list[TableData], folder: Path) -> None:
    folder.mkdir(parents=True)
    for table in tables:
        with (folder / f"{table.name}.csv").open("w", newline="", encoding="utf-8") as handle:
            writer = csv.writer(handle)
            writer.writerow([c for c, _ in table.columns])
            writer.writerows([_text(v) for v in row] for row in table.rows)


def _ddl(table: TableData, keys: bool) -> str:
    columns = [f"{name} {kind}" for name, kind in table.columns]
    if keys:
        columns.append(f"PRIMARY KEY ({table.primary_key})")
        columns += [f"FOREIGN KEY ({col}) REFERENCES {ref}" for col, ref in table.references.items()]
    return f"CREATE TABLE {table.name} ({', '.join(columns)})"


def _write_duckdb(tables: list[TableData], path: Path) -> None:
    import tempfile

    import duckdb

    keyed = all(len({r[0] for r in t.rows}) == len(t.rows) for t in tables)  # dirty data cannot hold keys
    conn = duckdb.connect(str(path))
    try:
        with tempfile.TemporaryDirectory() as scratch:
            _write_csv(tables, Path(scratch) / "csv")
            for table in tables:
                conn.execute(_ddl(table, keyed))
                conn.execute(f"COPY {table.name} FROM '{Path(scratch) / 'csv' / table.name}.csv' (HEADER)")
    finally:
        conn.close()


def _write_sqlite(tables: list[TableData], path: Path) -> None:
    conn = sqlite3.connect(path)
    try:
        for table in tables:
            conn.execute(_ddl(table, False).replace("VARCHAR", "TEXT").replace("BOOLEAN", "INTEGER"))
            marks = ", ".join("?" for _ in table.columns)
            rows = [[_text(v) if isinstance(v, (date, datetime)) else v for v in row] for row in table.rows]
            conn.executemany(f"INSERT INTO {table.name} VALUES ({marks})", rows)
        conn.commit()
    finally:
        conn.close()


def main(argv: list[str]) -> int:
    if not argv:
        print(__doc__.strip().splitlines()[-1].strip(), file=sys.stderr)
        return 2
    root = Path(argv[0])
    for name in argv[1:] or [*GENERATORS, "ecommerce.duckdb", "clickstream.duckdb"]:
        print(materialize(name, root))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
