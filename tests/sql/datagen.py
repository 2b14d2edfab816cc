"""Seeded documents for the differential tests: the same list goes to MongoDB and to DuckDB.

Every field keeps one SQL type (DuckDB columns are typed); ``amount`` is the one deliberately mixed
int/float field, typed DOUBLE on the DuckDB side. A field may be missing, NULL, or (for arrays)
empty, and these are different documents, although SQL reads missing and NULL alike.

Floats are whole hundredths that never end in 5 or 50, so ROUND(x) and ROUND(x, 1) never meet a
tie, where PostgreSQL (half-even for double precision) and DuckDB (half away from zero) disagree.
Datetimes are naive UTC with millisecond precision, the precision of a BSON date.
"""

from __future__ import annotations

import random
import unicodedata
from datetime import datetime, timedelta
from typing import Any

Doc = dict[str, Any]

SEED = 20240615
USERS_N = 400
EVENTS_N = 600

# Users: ASCII bases with mixed case; separators and specials are regex and LIKE metacharacters.
NAME_BASES = ["alice", "Bob", "CHARLIE", "dana", "Eve", "frank", "GRACE", "heidi", "Ivan", "judy"]
SEPARATORS = [".", "_", "-", "+", "", "%", "*", "(", ")", "[", "]", "^", "$", "?", "|", "{", "}"]
SPECIAL_USERNAMES = [
    "a.b",
    "axb",
    "a_b",
    "a%b",
    "100%_real",
    "x*y",
    "(paren)",
    "[bracket]",
    "^caret",
    "dollar$",
    "q?",
    "pipe|x",
    "curly{2}",
    "dot.dot.dot",
    "back\\slash",
    "O'Brien",
]
FIRST_NAMES = ["Alice", "Bob", "Chloé", "José", "Zoë", "Mallory", "niaj", "OLIVIA", "Peggy", "Trent"]
LAST_NAMES = ["Smith", "jones", "Müller", "O'Neil", "García", "lee", "BROWN", "Nguyen"]
CITIES = ["Paris", "Berlin", "New York", "São Paulo", "berlin", "Tokyo", "Lagos"]
STATES = ["IDF", "BE", "NY", "SP", "TK"]
COUNTRIES = ["FR", "DE", "US", "BR", "JP", "NG"]
STATUSES = ["active", "inactive", "pending", "Active", "BANNED"]
DOMAINS = ["example.com", "Example.COM", "mail.org", "test.io"]
TAGS = ["python", "mongodb", "sql", "Data", "ml", "go", "c++", "node.js"]
SKUS = ["A-1", "B-2", "C-3", "D-4", "E.5"]
NOTES = ["  padded  ", "hello world", "  left", "right  ", "x", "", "Mixed Case Text", "tab\tinside"]

EVENT_KINDS = ["click", "view", "purchase", "signup"]
OSES = ["ios", "android", "web"]

USERS_START = datetime(2023, 1, 1)
USERS_SPAN = timedelta(days=730)
EVENTS_START = datetime(2024, 1, 1)
EVENTS_SPAN = timedelta(days=91)


def _hundredths(rng: random.Random, low: int, high: int) -> float:
    """A float with two decimals, never a rounding tie at 0 or 1 decimal places."""
    while True:
        h = rng.randint(low * 100, high * 100)
        if h % 10 != 5 and h % 100 != 50:
            return h / 100


def _instant(rng: random.Random, start: datetime, span: timedelta) -> datetime:
    ms = rng.randrange(int(span.total_seconds() * 1000))
    return start + timedelta(milliseconds=ms)


def _maybe(rng: random.Random, doc: Doc, key: str, value: Any, *, p_missing: float, p_null: float) -> None:
    """Set ``doc[key]`` to ``value``, or NULL, or leave the field out."""
    roll = rng.random()
    if roll < p_missing:
        return
    doc[key] = None if roll < p_missing + p_null else value


def _ascii(text: str) -> str:
    """Accents stripped: MongoDB's $toUpper/$toLower only map ASCII letters (see upper_non_ascii)."""
    return unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()


def _username(rng: random.Random, i: int) -> str:
    if i <= len(SPECIAL_USERNAMES):
        return SPECIAL_USERNAMES[i - 1]
    return f"{rng.choice(NAME_BASES)}{rng.choice(SEPARATORS)}{rng.randint(1, 99)}"


def _profile(rng: random.Random) -> Doc:
    profile: Doc = {"first_name": rng.choice(FIRST_NAMES), "last_name": rng.choice(LAST_NAMES)}
    _maybe(rng, profile, "rating", rng.randint(1, 5), p_missing=0.1, p_null=0.1)
    if rng.random() < 0.85:
        location: Doc = {"state": rng.choice(STATES), "country": rng.choice(COUNTRIES)}
        _maybe(rng, location, "city", rng.choice(CITIES), p_missing=0.1, p_null=0.1)
        if rng.random() < 0.7:
            location["geo"] = {"lat": _hundredths(rng, -60, 60), "lng": _hundredths(rng, -170, 170)}
        profile["location"] = location
    return profile


def _items(rng: random.Random) -> list[Doc]:
    return [
        {"sku": rng.choice(SKUS), "price": _hundredths(rng, 1, 300), "qty": rng.randint(1, 10)}
        for _ in range(rng.randint(0, 3))
    ]


def make_users(n: int = USERS_N, seed: int = SEED) -> list[Doc]:
    rng = random.Random(seed)
    docs: list[Doc] = []
    for i in range(1, n + 1):
        doc: Doc = {"_id": i, "username": _username(rng, i)}
        first, last = rng.choice(NAME_BASES).lower(), _ascii(rng.choice(LAST_NAMES).lower())
        _maybe(rng, doc, "email", f"{first}.{last}{i}@{rng.choice(DOMAINS)}", p_missing=0.1, p_null=0.1)
        _maybe(rng, doc, "age", rng.randint(18, 80), p_missing=0.1, p_null=0.1)
        _maybe(rng, doc, "score", _hundredths(rng, -20, 100), p_missing=0.1, p_null=0.1)
        amount: int | float = rng.randint(-50, 500) if rng.random() < 0.5 else _hundredths(rng, -50, 500)
        _maybe(rng, doc, "amount", amount, p_missing=0.1, p_null=0.1)
        doc["visits"] = rng.randint(0, 200)
        _maybe(rng, doc, "delta", rng.randint(-50, 50), p_missing=0.05, p_null=0.05)
        _maybe(rng, doc, "active", rng.random() < 0.6, p_missing=0.1, p_null=0.1)
        _maybe(rng, doc, "status", rng.choice(STATUSES), p_missing=0.05, p_null=0.05)
        _maybe(rng, doc, "created_at", _instant(rng, USERS_START, USERS_SPAN), p_missing=0.03, p_null=0.03)
        _maybe(rng, doc, "last_login", _instant(rng, USERS_START, USERS_SPAN), p_missing=0.2, p_null=0.1)
        if rng.random() < 0.9:
            doc["profile"] = _profile(rng)
        tags = rng.sample(TAGS, rng.randint(0, 4))
        _maybe(rng, doc, "tags", tags, p_missing=0.1, p_null=0.05)
        if rng.random() < 0.9:
            doc["items"] = _items(rng)
        _maybe(rng, doc, "notes", rng.choice(NOTES), p_missing=0.15, p_null=0.1)
        _maybe(
            rng, doc, "code", str(rng.randint(0, 999)).zfill(rng.choice([1, 3])), p_missing=0.1, p_null=0.1
        )
        docs.append(doc)
    return docs


def make_events(n: int = EVENTS_N, seed: int = SEED + 1) -> list[Doc]:
    rng = random.Random(seed)
    docs: list[Doc] = []
    for i in range(1, n + 1):
        doc: Doc = {
            "_id": i,
            "ts": _instant(rng, EVENTS_START, EVENTS_SPAN),
            "kind": rng.choice(EVENT_KINDS),
            "user_id": rng.randint(1, 40),
        }
        _maybe(rng, doc, "value", _hundredths(rng, 0, 1000), p_missing=0.1, p_null=0.1)
        _maybe(rng, doc, "duration", rng.randint(1, 5000), p_missing=0.1, p_null=0.1)
        doc["device"] = {"os": rng.choice(OSES), "version": rng.randint(1, 17)}
        docs.append(doc)
    return docs


# Boundary values, hand-written: 32-bit limits and beyond (BSON int32 vs int64), signed zero, tiny
# and huge doubles, pre-1970 and leap-day dates, the last millisecond of a year, empty and multi-byte
# strings (outside the BMP too), a newline.
EDGE_INTS = [2147483647, -2147483648, 3000000000, -3000000001, 0, -1, 1, -7, 7, 2147483646]
EDGE_FLOATS = [0.0, -0.0, 1e-300, -1e300, 1e300, 0.1, -2.75, 1234567.89, 3.0, None]
EDGE_STRINGS = ["", " ", "a\nb", "ÄÖÜ straße", "emoji 😀!", "tab\tend", "Zz", "aa", "ß", None]
EDGE_DATES = [
    datetime(1969, 12, 31, 23, 59, 59, 999000),
    datetime(1900, 3, 1),
    datetime(2000, 2, 29, 12, 0),
    datetime(2024, 12, 31, 23, 59, 59, 999000),
    datetime(1970, 1, 1),
    datetime(2000, 1, 31, 8, 30),
    datetime(1999, 12, 31, 23, 59, 59),
    datetime(2021, 1, 3, 10, 0),
    datetime(2020, 12, 28, 0, 0, 0, 1000),
    None,
]


def make_edges() -> list[Doc]:
    docs: list[Doc] = []
    for i, (n, f, s, d) in enumerate(zip(EDGE_INTS, EDGE_FLOATS, EDGE_STRINGS, EDGE_DATES, strict=True), 1):
        doc: Doc = {"_id": i, "n": n, "s": s, "d": d, "b": i % 3 == 0}
        if f is not None:
            doc["f"] = f
        docs.append(doc)
    return docs


def datasets() -> dict[str, list[Doc]]:
    """Collection name -> documents. ``nobody`` is an empty collection with the users' shape."""
    return {"users": make_users(), "events": make_events(), "edge": make_edges(), "nobody": []}
