"""Example data shipped with deassist: a small shop (customers, orders, order items, products)."""

from pathlib import Path

EXAMPLES_DIR = Path(__file__).parent
SHOP_DIR = EXAMPLES_DIR / "shop"
