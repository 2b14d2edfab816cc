"""The fuzzer's collection ``t``: one column per type the generator knows, NULL and missing in each.

Types (BSON -> PostgreSQL, issue 10's mapping): ``i`` int32 -> integer, ``big`` int64 -> bigint
(every value an ``Int64``, some beyond 32 bits), ``f`` double -> double precision (some exact
halves, so rounding ties happen), ``d`` decimal128 -> numeric, ``s`` text, ``sd`` text holding ISO
dates, ``ts`` date -> timestamp, ``b`` bool -> boolean, ``arr`` int32[] -> integer[], ``tags``
text[], ``doc`` a document ``{x: int32, y: text}`` -> a composite type. Values are small so that
comparisons, ties and groups happen often.
"""

from __future__ import annotations

import random
from datetime import datetime, timedelta
from decimal import Decimal
from typing import Any

from bson import Decimal128, Int64

from tests.sql.datagen import Doc
from tests.sql.duck import ColType
from tests.sql.pgsql import PG_TYPES

SEED = 10_2024
ROWS = 40
COLLECTION = "t"

SCHEMA: dict[str, ColType] = {
    "_id": "INTEGER",
    "i": "INTEGER",
    "big": "BIGINT",
    "f": "DOUBLE",
    "d": "DECIMAL",
    "s": "VARCHAR",
    "sd": "VARCHAR",
    "ts": "TIMESTAMP",
    "b": "BOOLEAN",
    "arr": ["INTEGER"],
    "tags": ["VARCHAR"],
    "doc": {"x": "INTEGER", "y": "VARCHAR"},
}

TEXTS = ["a", "B", "abc", "on", "30", "yes", "", " x ", "2024-09-02", "Zz", "a%b", "a_b", "true"]
ISO_DATES = ["2024-09-01", "2024-09-02", "2024-09-02 10:30:00", "2023-12-31", "2024-02-29", "1999-01-01"]
DECIMALS = ["0.1", "0.7", "0.2", "1.25", "-3.5", "10", "0.3", "2.675", "100.01", "-0.05"]
BASE = datetime(2024, 9, 1)


def _maybe(rng: random.Random, doc: Doc, key: str, value: Any) -> None:
    roll = rng.random()
    if roll < 0.08:
        return  # missing
    doc[key] = None if roll < 0.16 else value


def make_rows(n: int = ROWS, seed: int = SEED) -> list[Doc]:
    rng = random.Random(seed)
    docs: list[Doc] = []
    for k in range(1, n + 1):
        doc: Doc = {"_id": k}
        _maybe(rng, doc, "i", rng.choice([0, 1, 2, 3, 7, 10, 30, 40, -1, -7, 2147483647]))
        _maybe(rng, doc, "big", Int64(rng.choice([0, 5, 3000000000, -4000000000, 9007199254740993, 42])))
        _maybe(rng, doc, "f", rng.choice([0.5, 1.5, 2.5, -0.5, 0.1, 664.5, 3.25, -2.75, 1e10, 0.0]))
        _maybe(rng, doc, "d", Decimal128(Decimal(rng.choice(DECIMALS))))
        _maybe(rng, doc, "s", rng.choice(TEXTS))
        _maybe(rng, doc, "sd", rng.choice(ISO_DATES))
        stamp = BASE + timedelta(
            hours=rng.choice([0, 10, 24, 24 * 40, -24 * 300, 35]), minutes=rng.choice([0, 30])
        )
        _maybe(rng, doc, "ts", stamp)
        _maybe(rng, doc, "b", rng.random() < 0.5)
        _maybe(rng, doc, "arr", [rng.choice([1, 2, 3, 30]) for _ in range(rng.randint(0, 3))])
        _maybe(rng, doc, "tags", rng.sample(["x", "y", "on", "30"], rng.randint(0, 3)))
        if rng.random() < 0.85:
            sub: Doc = {}
            _maybe(rng, sub, "x", rng.choice([1, 2, 30]))
            _maybe(rng, sub, "y", rng.choice(["p", "q", "2024-09-02"]))
            doc["doc"] = sub
        docs.append(doc)
    return docs


def catalog() -> dict[str, dict[str, str]]:
    """The collection's declared types, as PostgreSQL's columns have them (``SCHEMA`` through the
    oracle's type mapping): the catalog ``compile_sql(..., catalog=...)`` takes, arrays left out."""
    fields: dict[str, str] = {}
    for name, kind in SCHEMA.items():
        if isinstance(kind, str):
            fields[name] = PG_TYPES[kind]
        elif isinstance(kind, dict):
            fields.update({f"{name}.{k}": PG_TYPES[v] for k, v in kind.items() if isinstance(v, str)})
    return {COLLECTION: fields}


def datasets() -> dict[str, list[Doc]]:
    return {COLLECTION: make_rows()}
