"""A realistic e-commerce data set made on the spot: customers, products, orders, order items, with
nulls, duplicated rows, updated versions of rows and rows that arrive late, on purpose."""

from __future__ import annotations

import csv
import datetime as dt
import random
from dataclasses import dataclass, field
from pathlib import Path

START = dt.datetime(2025, 3, 1, 8, 0, 0)
STATUSES = ["placed", "shipped", "delivered", "cancelled"]
CATEGORIES = ["books", "games", "garden", "kitchen", "toys"]
COUNTRIES = ["DE", "FR", "JP", "US", "BR"]


@dataclass
class Shop:
    customers: list[dict] = field(default_factory=list)
    products: list[dict] = field(default_factory=list)
    orders: list[dict] = field(default_factory=list)
    order_items: list[dict] = field(default_factory=list)

    def write(self, folder: Path) -> Path:
        folder.mkdir(parents=True, exist_ok=True)
        for name in ("customers", "products", "orders", "order_items"):
            rows = getattr(self, name)
            with (folder / f"{name}.csv").open("w", newline="", encoding="utf-8") as out:
                writer = csv.DictWriter(out, fieldnames=list(rows[0]))
                writer.writeheader()
                writer.writerows(rows)
        return folder


def make_shop(*, customers: int = 120, products: int = 25, orders: int = 600, seed: int = 7, days: int = 30) -> Shop:
    rnd = random.Random(seed)
    shop = Shop()
    for i in range(1, customers + 1):
        first = rnd.choice(["Ada", "Linus", "Grace", "Tim", "Edsger", "Barbara", "Ken", "Frances"])
        shop.customers.append(
            {
                "customer_id": i,
                "first_name": first,
                "email": f"{first.lower()}.{i}@example.com",
                "country": rnd.choice(COUNTRIES) if rnd.random() > 0.05 else "",  # some nulls
                "signup_date": (START.date() - dt.timedelta(days=rnd.randint(1, 400))).isoformat(),
                "updated_at": _ts(START - dt.timedelta(days=rnd.randint(1, 30))),
            }
        )
    for i in range(1, products + 1):
        shop.products.append(
            {
                "product_id": i,
                "product_name": f"Product {i}",
                "category": rnd.choice(CATEGORIES),
                "unit_price": round(rnd.uniform(3, 120), 2),
                "updated_at": _ts(START - dt.timedelta(days=rnd.randint(1, 30))),
            }
        )
    item_id = 0
    for i in range(1, orders + 1):
        placed = START + dt.timedelta(minutes=rnd.randint(0, days * 24 * 60))
        order = {
            "order_id": i,
            "customer_id": rnd.randint(1, customers),
            "ordered_at": _ts(placed),
            "status": rnd.choice(STATUSES),
            "amount": 0.0,
            "discount": round(rnd.uniform(0, 0.3), 2) if rnd.random() > 0.4 else "",  # many nulls
            "updated_at": _ts(placed + dt.timedelta(minutes=rnd.randint(1, 90))),
        }
        total = 0.0
        for _ in range(rnd.randint(1, 4)):
            item_id += 1
            product = rnd.choice(shop.products)
            quantity = rnd.randint(1, 5)
            total += quantity * product["unit_price"]
            shop.order_items.append(
                {
                    "order_item_id": item_id,
                    "order_id": i,
                    "product_id": product["product_id"],
                    "quantity": quantity,
                    "unit_price": product["unit_price"],
                }
            )
        order["amount"] = round(total, 2)
        shop.orders.append(order)
    # Duplicates on purpose: the same row delivered twice, and later versions of a row.
    for table in (shop.customers, shop.orders, shop.order_items):
        for row in rnd.sample(table, max(1, len(table) // 50)):
            table.append(dict(row))
    for row in rnd.sample(shop.orders, max(1, len(shop.orders) // 40)):
        changed = dict(row, status="delivered", updated_at=_ts(_parse(row["updated_at"]) + dt.timedelta(days=2)))
        shop.orders.append(changed)
    for row in rnd.sample(shop.customers, max(1, len(shop.customers) // 30)):
        shop.customers.append(dict(row, country="JP", updated_at=_ts(_parse(row["updated_at"]) + dt.timedelta(days=1))))
    rnd.shuffle(shop.orders)  # out of order
    return shop


def _ts(value: dt.datetime) -> str:
    return value.strftime("%Y-%m-%d %H:%M:%S")


def _parse(text: str) -> dt.datetime:
    return dt.datetime.strptime(text, "%Y-%m-%d %H:%M:%S")
