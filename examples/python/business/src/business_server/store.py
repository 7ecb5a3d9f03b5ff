"""The business data: customers, their orders, and the product catalogue.

Kept in memory; with a data file it is read at start-up (when the file exists) and written
back after every change, to a temporary file renamed over the old one, so the file always
holds a complete state. Every failure a client can cause is a ``BusinessError`` whose text
says what is wrong.
"""

from __future__ import annotations

import json
import os
import re
import tempfile
from datetime import datetime, timezone
from pathlib import Path
from typing import Any, Dict, List, Optional

EMAIL = re.compile(r"^[^\s@]+@[^\s@.]+(\.[^\s@.]+)+$")
"""A deliberately simple address check: something@domain.tld, no spaces."""

PRODUCTS: List[Dict[str, Any]] = [
    {"id": 1, "name": "Laptop", "category": "electronics", "price": 999.99, "stock": 10},
    {"id": 2, "name": "Mouse", "category": "electronics", "price": 29.99, "stock": 50},
    {"id": 3, "name": "Desk", "category": "furniture", "price": 299.99, "stock": 5},
    {"id": 4, "name": "Notebook", "category": "office", "price": 4.5, "stock": 200},
]
"""The catalogue a new store starts with."""


class BusinessError(Exception):
    """A request the data refuses (an unknown id, an invalid or duplicate email, ...)."""


def now() -> str:
    return datetime.now(timezone.utc).isoformat(timespec="seconds").replace("+00:00", "Z")


def cents(amount: float) -> float:
    return round(amount + 0.0, 2)


class Store:
    """Customers, orders and products, optionally persisted to a JSON file."""

    def __init__(self, path: Optional[Path] = None) -> None:
        self.path = path
        self.customers: Dict[int, Dict[str, Any]] = {}
        self.orders: Dict[int, Dict[str, Any]] = {}
        self.products: Dict[int, Dict[str, Any]] = {p["id"]: dict(p) for p in PRODUCTS}
        if path is not None and path.exists():
            data = json.loads(path.read_text(encoding="utf-8"))
            for kind, table in (("customers", self.customers), ("orders", self.orders), ("products", self.products)):
                if kind not in data:
                    continue
                records = data[kind]
                if not isinstance(records, list) or not all(
                        isinstance(r, dict) and isinstance(r.get("id"), int) and r["id"] > 0 for r in records):
                    raise ValueError(f"{kind} must be a list of records with positive integer ids")
                table.clear()
                table.update((r["id"], r) for r in records)

    def save(self) -> None:
        """Writes the store to its file (if it has one) atomically."""
        if self.path is None:
            return
        data = {"customers": list(self.customers.values()), "orders": list(self.orders.values()),
                "products": list(self.products.values())}
        fd, temporary = tempfile.mkstemp(prefix=f".{self.path.name}.", dir=self.path.parent)
        try:
            with os.fdopen(fd, "w", encoding="utf-8") as f:
                json.dump(data, f, indent=2)
                f.write("\n")
            os.replace(temporary, self.path)
        except BaseException:
            Path(temporary).unlink(missing_ok=True)
            raise

    @staticmethod
    def _next_id(table: Dict[int, Any]) -> int:
        return max(table, default=0) + 1

    def customer(self, customer_id: int) -> Dict[str, Any]:
        if customer_id not in self.customers:
            raise BusinessError(f"Unknown customer: {customer_id}")
        return self.customers[customer_id]

    def order(self, order_id: int) -> Dict[str, Any]:
        if order_id not in self.orders:
            raise BusinessError(f"Unknown order: {order_id}")
        return self.orders[order_id]

    def add_customer(self, name: str, email: str) -> Dict[str, Any]:
        name, email = name.strip(), email.strip()
        if not name:
            raise BusinessError("The name must not be blank")
        if not EMAIL.match(email):
            raise BusinessError(f"Invalid email address: {email}")
        taken = next((c for c in self.customers.values() if c["email"].lower() == email.lower()), None)
        if taken is not None:
            raise BusinessError(f"A customer with email {email} already exists (id {taken['id']})")
        customer = {"id": self._next_id(self.customers), "name": name, "email": email, "created_at": now()}
        self.customers[customer["id"]] = customer
        self.save()
        return customer

    def add_order(self, customer_id: int, items: Optional[List[Dict[str, Any]]], amount: Optional[float]) -> Dict[str, Any]:
        self.customer(customer_id)
        if (items is None) == (amount is None):
            raise BusinessError("Give either items or amount (exactly one of them)")
        lines = [{**item, "name": str(item["name"]).strip()} for item in items or []]
        if any(not line["name"] for line in lines):
            raise BusinessError("Every item needs a name")
        total = cents(sum(line["quantity"] * line["unit_price"] for line in lines) if items is not None else float(amount or 0))
        if total <= 0:
            raise BusinessError(f"The amount must be positive (got {total})")
        order = {"id": self._next_id(self.orders), "customer_id": customer_id, "items": lines, "amount": total,
                 "created_at": now()}
        self.orders[order["id"]] = order
        self.save()
        return order

    def list_orders(self, customer_id: Optional[int] = None) -> List[Dict[str, Any]]:
        if customer_id is not None:
            self.customer(customer_id)
        return [o for o in self.orders.values() if customer_id is None or o["customer_id"] == customer_id]
