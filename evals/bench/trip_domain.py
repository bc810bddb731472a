"""A ride-hailing fixture domain (riders, trips, payments) with planted faults, for drafting.

The faults are the kind quality checks drafted from meaning must catch even though the data
already holds them: negative fares and amounts, malformed emails, trips of riders that do not
exist, a repeated trip id, event times in the future and misspelt statuses. `PLANTED` says how
many of each were planted, so a benchmark or test can compare what was caught with what is there.
"""

from __future__ import annotations

import csv
import datetime as dt
import random
from dataclasses import dataclass, field
from pathlib import Path

START = dt.datetime(2025, 5, 1, 6, 0, 0)
STATUSES = ["completed", "completed", "completed", "cancelled", "no_show"]
CITIES = ["Taipei", "Seoul", "Berlin", "Lisbon"]
METHODS = ["card", "cash", "wallet"]

# check kind -> (table, column, rows planted)
PLANTED = {
    "non_negative": ("trips", "fare", 29),
    "email_format": ("riders", "email", 21),
    "referential_integrity": ("trips", "rider_id", 10),
    "uniqueness": ("trips", "trip_id", 3),
    "not_future": ("trips", "started_at", 4),
    "accepted_values": ("trips", "status", 5),
}


@dataclass
class TripDomain:
    riders: list[dict] = field(default_factory=list)
    trips: list[dict] = field(default_factory=list)
    payments: list[dict] = field(default_factory=list)

    def write(self, folder: Path) -> Path:
        """One CSV file per table in `folder`."""
        folder.mkdir(parents=True, exist_ok=True)
        for name in ("riders", "trips", "payments"):
            rows = getattr(self, name)
            with (folder / f"{name}.csv").open("w", newline="", encoding="utf-8") as out:
                writer = csv.DictWriter(out, fieldnames=list(rows[0]))
                writer.writeheader()
                writer.writerows(rows)
        return folder

    def rows(self, name: str) -> tuple[list[str], list[tuple]]:
        """A table's column names and rows, typed as a database holds them."""
        rows = getattr(self, name)
        return list(rows[0]), [tuple(row.values()) for row in rows]

    def write_sqlite(self, path: Path) -> Path:
        import sqlite3

        with sqlite3.connect(path) as conn:
            for name in ("riders", "trips", "payments"):
                columns, rows = self.rows(name)
                conn.execute(f"CREATE TABLE {name} ({', '.join(columns)})")
                conn.executemany(f"INSERT INTO {name} VALUES ({', '.join('?' for _ in columns)})", rows)
        conn.close()
        return path

    def write_postgres(self, dsn: str) -> None:
        """The tables, typed, in the (empty, scratch) database of `dsn`."""
        import psycopg

        types = {"rider_id": "int", "trip_id": "int", "payment_id": "int", "fare": "numeric(10, 2)", "amount": "numeric(10, 2)",
                 "distance_km": "numeric(10, 1)", "signup_at": "timestamp", "updated_at": "timestamp", "started_at": "timestamp",
                 "paid_at": "timestamp"}
        with psycopg.connect(dsn, autocommit=True) as conn:
            for name in ("riders", "trips", "payments"):
                columns, rows = self.rows(name)
                typed = ", ".join(f"{c} {types.get(c, 'text')}" for c in columns)
                conn.execute(f"CREATE TABLE {name} ({typed})")
                with conn.cursor() as cur:
                    cur.executemany(f"INSERT INTO {name} VALUES ({', '.join('%s' for _ in columns)})", rows)


def make_trips(*, riders: int = 300, trips: int = 2000, seed: int = 11) -> TripDomain:
    rnd = random.Random(seed)
    domain = TripDomain()
    bad_emails = set(rnd.sample(range(1, riders + 1), PLANTED["email_format"][2]))
    for i in range(1, riders + 1):
        email = f"rider{i}@example.com" if i not in bad_emails else rnd.choice([f"rider{i}example.com", f"rider{i}@", f"rider {i}@mail"])
        signup = START - dt.timedelta(days=rnd.randint(30, 400))
        domain.riders.append(
            {"rider_id": i, "email": email, "city": rnd.choice(CITIES), "signup_at": signup.isoformat(sep=" "),
             "updated_at": (signup + dt.timedelta(days=rnd.randint(0, 20))).isoformat(sep=" ")}
        )
    negative = set(rnd.sample(range(1, trips + 1), PLANTED["non_negative"][2]))
    orphans = set(rnd.sample(sorted(set(range(1, trips + 1)) - negative), PLANTED["referential_integrity"][2]))
    future = set(rnd.sample(sorted(set(range(1, trips + 1)) - negative - orphans), PLANTED["not_future"][2]))
    misspelt = set(rnd.sample(sorted(set(range(1, trips + 1)) - negative - orphans - future), PLANTED["accepted_values"][2]))
    for i in range(1, trips + 1):
        started = START + dt.timedelta(minutes=rnd.randint(0, 60 * 24 * 30))
        if i in future:
            started = dt.datetime(2099, 1, 1) + dt.timedelta(days=i % 30)
        fare = round(rnd.uniform(3, 60), 2)
        domain.trips.append(
            {"trip_id": i, "rider_id": riders + 1000 + i if i in orphans else rnd.randint(1, riders),
             "started_at": started.isoformat(sep=" "), "fare": -fare if i in negative else fare,
             "distance_km": round(rnd.uniform(0.5, 40), 1),
             "status": "compleetd" if i in misspelt else rnd.choice(STATUSES),
             "updated_at": (started + dt.timedelta(minutes=rnd.randint(5, 90))).isoformat(sep=" ")}
        )
    for row in rnd.sample(domain.trips[: trips // 2], PLANTED["uniqueness"][2]):
        domain.trips.append({**row, "distance_km": row["distance_km"] + 1})  # a second version under the same id
    for n, trip in enumerate(t for t in domain.trips[:trips] if t["status"] == "completed"):
        domain.payments.append(
            {"payment_id": n + 1, "trip_id": trip["trip_id"], "amount": abs(trip["fare"]),
             "method": rnd.choice(METHODS), "paid_at": trip["updated_at"]}
        )
    return domain
