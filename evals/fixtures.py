"""Seeded data fixtures for the eval cases: an e-commerce shop, a website's clickstream, and three
held-out domains (ride-hailing, support tickets, a public library) with dirty values planted.

A fixture name is a data set, optionally with a format: `ecommerce` (a folder of CSV files, one
table a file), `ecommerce.duckdb` (a DuckDB file with primary and foreign keys declared when the
data can hold them), `ecommerce.sqlite`, and the same for `ecommerce_dirty` (the shop with planted
defects for data-quality cases), `clickstream`, `rides`, `support` and `library`. `shop` is the
small example that ships in the package. The same seed always gives the same rows, so gold answers
stay put.

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


# -- ride-hailing ---------------------------------------------------------------------------------

CITIES = [("New Taipei", "TW", 22), ("Taipei", "TW", 25), ("Taichung", "TW", 10), ("Seoul", "KR", 28), ("Busan", "KR", 10),
          ("Incheon", "KR", 5)]
VEHICLES = [("economy", 50), ("premium_sedan", 15), ("electric_vehicle", 25), ("xl_van", 10)]
PAYMENTS = [("credit_card", 50), ("cash", 20), ("digital_wallet", 25), ("corporate_account", 5)]


def rides(seed: int = 11) -> list[TableData]:
    """Cities, riders, drivers, trips over 18 months and their ratings. Planted: 4 negative fares
    (refund adjustments), 3 trips recorded twice (duplicate trip_id), 5 trips of riders that do not
    exist, 4 malformed and 6 missing rider emails, 7 payment methods written 'Credit_Card'."""
    rng = random.Random(seed)
    cities = [(i + 1, name, country) for i, (name, country, _) in enumerate(CITIES)]
    city_weights = [w for _, _, w in CITIES]
    riders = []
    for rid in range(1, 351):
        first, last = rng.choice(FIRST), rng.choice(LAST)
        city = rng.choices(cities, weights=city_weights)[0][0]
        signup = date(2023, 6, 1) + timedelta(days=rng.randrange(0, 700))
        riders.append([rid, f"{first} {last}", f"{first}.{last}{rid}@mail.example".lower(), city, signup])
    drivers = []
    for did in range(1, 71):
        city = rng.choices(cities, weights=city_weights)[0][0]
        joined = date(2022, 1, 1) + timedelta(days=rng.randrange(0, 900))
        drivers.append((did, f"{rng.choice(FIRST)} {rng.choice(LAST)}", city, _weighted(rng, VEHICLES), joined,
                        "inactive" if did % 9 == 0 else "active"))
    by_city: dict[int, list[int]] = {}
    for d in drivers:
        if d[5] == "active" and d[0] <= 66:  # the newest active drivers have no trips yet
            by_city.setdefault(d[2], []).append(d[0])
    trips, ratings = [], []
    riding = [r for r in riders if r[0] % 17 != 0]  # riders 17, 34, ... never request a trip
    for tid in range(1, 3201):
        rider = rng.choice(riding)
        if rider[4] > date(2025, 6, 1):
            rider = riding[tid % 50]
        start = datetime.combine(max(rider[4], date(2024, 1, 1)), datetime.min.time())
        span = int((datetime(2025, 7, 1) - start).total_seconds() // 60)
        requested = start + timedelta(minutes=rng.randrange(0, span))
        city = rider[3]
        driver = rng.choice(by_city.get(city) or by_city[1])
        status = _weighted(rng, [("completed", 80), ("cancelled_by_rider", 11), ("cancelled_by_driver", 9)])
        distance = round(rng.uniform(1.0, 28.0), 1)
        fare = round(2.5 + distance * rng.uniform(0.9, 1.6), 2) if status == "completed" else (
            3.0 if status == "cancelled_by_rider" and rng.random() < 0.4 else 0.0)
        payment = _weighted(rng, PAYMENTS)
        trips.append([tid, rider[0], driver, city, requested, status, distance, fare, payment])
        if status == "completed" and rng.random() < 0.7:
            stars = rng.choices([1, 2, 3, 4, 5], weights=[4, 5, 12, 34, 45])[0]
            ratings.append((len(ratings) + 1, tid, stars, requested + timedelta(hours=rng.randint(1, 30))))
    for row in rng.sample([t for t in trips if t[5] == "completed"], 4):
        row[7] = -row[7]
    for row in rng.sample(trips, 7):
        row[8] = "Credit_Card"
    for n, row in enumerate(rng.sample(trips, 5)):
        row[1] = 900 + n
    trips.extend([list(t) for t in rng.sample(trips, 3)])
    for row in rng.sample(riders, 10)[:6]:
        row[2] = None
    for row in rng.sample([r for r in riders if r[2]], 4):
        row[2] = row[2].replace("@", "#")
    return [
        TableData("cities", [("city_id", "INTEGER"), ("name", "VARCHAR"), ("country", "VARCHAR")], cities, "city_id", {}),
        TableData("riders", [("rider_id", "INTEGER"), ("full_name", "VARCHAR"), ("email", "VARCHAR"), ("home_city_id", "INTEGER"),
                             ("signup_date", "DATE")], [tuple(r) for r in riders], "rider_id", {"home_city_id": "cities"}),
        TableData("drivers", [("driver_id", "INTEGER"), ("full_name", "VARCHAR"), ("city_id", "INTEGER"),
                              ("vehicle_type", "VARCHAR"), ("joined_date", "DATE"), ("status", "VARCHAR")],
                  drivers, "driver_id", {"city_id": "cities"}),
        TableData("trips", [("trip_id", "INTEGER"), ("rider_id", "INTEGER"), ("driver_id", "INTEGER"), ("city_id", "INTEGER"),
                            ("requested_at", "TIMESTAMP"), ("status", "VARCHAR"), ("distance_km", "DECIMAL(6,1)"),
                            ("fare", "DECIMAL(10,2)"), ("payment_method", "VARCHAR")],
                  [tuple(t) for t in trips], "trip_id", {"rider_id": "riders", "driver_id": "drivers", "city_id": "cities"}),
        TableData("ratings", [("rating_id", "INTEGER"), ("trip_id", "INTEGER"), ("stars", "INTEGER"), ("rated_at", "TIMESTAMP")],
                  ratings, "rating_id", {"trip_id": "trips"}),
    ]


# -- support tickets ------------------------------------------------------------------------------

TEAMS = ["billing", "technical_support", "account_management", "onboarding"]
TICKET_CATEGORIES = [("billing_issue", 25), ("login_problem", 20), ("bug_report", 25), ("feature_request", 15),
                     ("data_export", 15)]
PRIORITY_HOURS = {"low": 72, "normal": 24, "high": 8, "urgent": 2}  # the SLA for a first response


def support(seed: int = 23) -> list[TableData]:
    """Teams, agents, tickets over 17 months with SLA timestamps, and satisfaction surveys. Planted:
    14 unassigned tickets, 6 tickets of an agent that does not exist, 3 resolved before they were
    created, 9 priorities written 'High', 5 malformed customer emails."""
    rng = random.Random(seed)
    teams = [(i + 1, name) for i, name in enumerate(TEAMS)]
    agents = []
    for aid in range(1, 25):
        first, last = rng.choice(FIRST), rng.choice(LAST)
        agents.append((aid, f"{first} {last}", f"{first}.{last}@support.example".lower(), (aid - 1) % 4 + 1,
                       date(2022, 3, 1) + timedelta(days=rng.randrange(0, 800))))
    tickets, surveys = [], []
    for tid in range(1, 2201):
        created = datetime(2024, 3, 1) + timedelta(minutes=rng.randrange(0, 518 * 24 * 60))
        priority = _weighted(rng, [("low", 25), ("normal", 45), ("high", 22), ("urgent", 8)])
        category = _weighted(rng, TICKET_CATEGORIES)
        agent = rng.choice(agents)[0]
        respond = timedelta(minutes=int(rng.expovariate(1 / (PRIORITY_HOURS[priority] * 40))))
        first_response = created + respond
        status = _weighted(rng, [("closed", 70), ("solved", 12), ("pending", 8), ("open", 10)])
        resolved = first_response + timedelta(hours=rng.randint(1, 120)) if status in ("closed", "solved") else None
        if status == "open" and rng.random() < 0.5:
            first_response = None
        email = f"customer{rng.randint(1, 900)}@client.example"
        tickets.append([tid, email, agent, priority, category, _weighted(rng, [("email", 40), ("chat", 30), ("phone", 15),
                        ("web_form", 15)]), status, created, first_response, resolved])
        if resolved and rng.random() < 0.35:
            surveys.append((len(surveys) + 1, tid, rng.choices([1, 2, 3, 4, 5], weights=[6, 8, 15, 35, 36])[0],
                            resolved + timedelta(hours=rng.randint(1, 48))))
    for row in rng.sample(tickets, 14):
        row[2] = None
    for row in rng.sample([t for t in tickets if t[2]], 6):
        row[2] = 99
    for row in rng.sample([t for t in tickets if t[9]], 3):
        row[9] = row[7] - timedelta(hours=5)
    for row in rng.sample([t for t in tickets if t[3] == "high"], 9):
        row[3] = "High"
    for row in rng.sample(tickets, 5):
        row[1] = row[1].replace("@", "@@")
    return [
        TableData("teams", [("team_id", "INTEGER"), ("name", "VARCHAR")], teams, "team_id", {}),
        TableData("agents", [("agent_id", "INTEGER"), ("full_name", "VARCHAR"), ("email", "VARCHAR"), ("team_id", "INTEGER"),
                             ("hired_date", "DATE")], agents, "agent_id", {"team_id": "teams"}),
        TableData("tickets", [("ticket_id", "INTEGER"), ("customer_email", "VARCHAR"), ("agent_id", "INTEGER"),
                              ("priority", "VARCHAR"), ("category", "VARCHAR"), ("channel", "VARCHAR"), ("status", "VARCHAR"),
                              ("created_at", "TIMESTAMP"), ("first_response_at", "TIMESTAMP"), ("resolved_at", "TIMESTAMP")],
                  [tuple(t) for t in tickets], "ticket_id", {"agent_id": "agents"}),
        TableData("satisfaction_surveys", [("survey_id", "INTEGER"), ("ticket_id", "INTEGER"), ("score", "INTEGER"),
                                           ("answered_at", "TIMESTAMP")], surveys, "survey_id", {"ticket_id": "tickets"}),
    ]


# -- public library -------------------------------------------------------------------------------

BRANCHES = ["Central Library", "North Branch", "Riverside Branch", "East Village Branch"]
GENRES = [("science_fiction", 15), ("mystery", 18), ("children", 20), ("non_fiction", 22), ("history", 10),
          ("graphic_novel", 15)]
MEMBERSHIPS = [("adult", 55), ("student", 25), ("senior", 12), ("family_plan", 8)]


def library(seed: int = 31) -> list[TableData]:
    """Branches, members, books, loans over two years and overdue fines. Planted: 5 negative fines
    (waivers booked as amounts), 2 members listed twice (duplicate member_id), 4 loans of books that
    do not exist, 8 members without an email and 3 malformed, genres written 'Mystery' on 6 books."""
    rng = random.Random(seed)
    branches = [(i + 1, name) for i, name in enumerate(BRANCHES)]
    members = []
    for mid in range(1, 501):
        first, last = rng.choice(FIRST), rng.choice(LAST)
        members.append([mid, f"{first} {last}", f"{first[0]}{last}{mid}@reader.example".lower(), rng.randint(1, 4),
                        _weighted(rng, MEMBERSHIPS), date(2022, 9, 1) + timedelta(days=rng.randrange(0, 950))])
    books = []
    for bid in range(1, 301):
        genre = _weighted(rng, GENRES)
        books.append([bid, f"{genre.replace('_', ' ').title()} volume {bid}", f"{rng.choice(FIRST)} {rng.choice(LAST)}",
                      genre, rng.randint(1950, 2025)])
    loans, fines = [], []
    for lid in range(1, 2801):
        member = rng.choice(members)
        start = max(member[5], date(2023, 6, 1))
        loaned = start + timedelta(days=rng.randrange(0, max(1, (date(2025, 5, 31) - start).days)))
        due = loaned + timedelta(days=21)
        returned = None if rng.random() < 0.06 else loaned + timedelta(days=rng.choice([3, 7, 10, 14, 18, 20, 21, 25, 30, 45]))
        if returned and returned > date(2025, 6, 30):
            returned = None
        branch = member[3] if rng.random() < 0.8 else rng.randint(1, 4)
        loans.append([lid, rng.randint(1, 288), member[0], branch, loaned, due, returned])
        if returned and returned > due:
            fines.append([len(fines) + 1, lid, round((returned - due).days * 0.25, 2), rng.random() < 0.7])
    for row in rng.sample(fines, 5):
        row[2] = -row[2]
    for n, row in enumerate(rng.sample(loans, 4)):
        row[1] = 500 + n
    members.extend([list(m) for m in rng.sample(members, 2)])
    for row in rng.sample(members[:500], 12)[:8]:
        row[2] = None
    for row in rng.sample([m for m in members[:500] if m[2]], 3):
        row[2] = row[2].replace("@", "")
    for row in rng.sample([b for b in books if b[3] == "mystery"], 6):
        row[3] = "Mystery"
    return [
        TableData("branches", [("branch_id", "INTEGER"), ("name", "VARCHAR")], branches, "branch_id", {}),
        TableData("members", [("member_id", "INTEGER"), ("full_name", "VARCHAR"), ("email", "VARCHAR"),
                              ("home_branch_id", "INTEGER"), ("membership_type", "VARCHAR"), ("joined_date", "DATE")],
                  [tuple(m) for m in members], "member_id", {"home_branch_id": "branches"}),
        TableData("books", [("book_id", "INTEGER"), ("title", "VARCHAR"), ("author", "VARCHAR"), ("genre", "VARCHAR"),
                            ("published_year", "INTEGER")], [tuple(b) for b in books], "book_id", {}),
        TableData("loans", [("loan_id", "INTEGER"), ("book_id", "INTEGER"), ("member_id", "INTEGER"), ("branch_id", "INTEGER"),
                            ("loaned_on", "DATE"), ("due_on", "DATE"), ("returned_on", "DATE")],
                  [tuple(r) for r in loans], "loan_id", {"book_id": "books", "member_id": "members", "branch_id": "branches"}),
        TableData("fines", [("fine_id", "INTEGER"), ("loan_id", "INTEGER"), ("amount", "DECIMAL(8,2)"), ("paid", "BOOLEAN")],
                  [tuple(f) for f in fines], "fine_id", {"loan_id": "loans"}),
    ]


GENERATORS = {
    "ecommerce": ecommerce,
    "ecommerce_dirty": lambda: ecommerce(dirty=True),
    "clickstream": clickstream,
    "rides": rides,
    "support": support,
    "library": library,
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

    keyed = _holds_keys(tables)  # dirty data cannot hold keys
    conn = duckdb.connect(str(path))
    try:
        with tempfile.TemporaryDirectory() as scratch:
            _write_csv(tables, Path(scratch) / "csv")
            for table in tables:
                conn.execute(_ddl(table, keyed))
                conn.execute(f"COPY {table.name} FROM '{Path(scratch) / 'csv' / table.name}.csv' (HEADER)")
    finally:
        conn.close()


def _holds_keys(tables: list[TableData]) -> bool:
    """Whether every primary key is unique and every foreign key value exists, so DuckDB accepts the keys."""
    ids = {t.name: {r[0] for r in t.rows} for t in tables}
    if any(len(ids[t.name]) != len(t.rows) for t in tables):
        return False
    for table in tables:
        for column, target in table.references.items():
            at = [c for c, _ in table.columns].index(column)
            if any(r[at] is not None and r[at] not in ids[target] for r in table.rows):
                return False
    return True


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
