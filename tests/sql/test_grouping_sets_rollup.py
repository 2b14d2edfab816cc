"""A rollup whose SQL groups by ROLLUP: subtotal rows (NULL keys) merge on a key that keeps them apart
from groups whose key is NULL, and a re-run replaces them (idempotent), on the real server."""

from __future__ import annotations

from typing import Any

import pytest
from pymongo.database import Database

from leaf_dagster.connection import Document
from leaf_dagster.rollups import parse_rollup, run_computed_rollup
from leaf_dagster.rollups.errors import LeafRollupConfigError
from leaf_dagster.rollups.sqlbridge import merge_stages

SQL = """SELECT region, product, GROUPING(region, product) AS grp, COUNT(*) AS n, SUM(qty) AS total
FROM sales GROUP BY ROLLUP (region, product)"""

DOCS: list[Document] = [
    {"region": "north", "product": "apple", "qty": 1},
    {"region": "north", "product": "apple", "qty": 2},
    {"region": "north", "product": None, "qty": 4},  # a real NULL product group under north
    {"region": "north", "qty": 8},  # missing product: the same NULL group
    {"region": None, "product": "pear", "qty": 16},  # a real NULL region
    {"product": "pear", "qty": 32},
]


def _rows(db: Database[Document]) -> list[tuple[Any, ...]]:
    docs = db.sales_rollup.find({}, {"_id": 0, "region": 1, "product": 1, "grp": 1, "n": 1, "total": 1})
    return sorted(
        ((d["grp"], d["region"] or "~", d["product"] or "~", d["n"], d["total"]) for d in docs),
        key=repr,
    )


EXPECTED = sorted(
    [
        (0, "north", "apple", 2, 3),
        (0, "north", "~", 2, 12),  # product NULL: a group
        (0, "~", "pear", 2, 48),  # region NULL: a group
        (1, "north", "~", 4, 15),  # product NULL: north's subtotal
        (1, "~", "~", 2, 48),  # region NULL's subtotal
        (3, "~", "~", 6, 63),  # the grand total
    ],
    key=repr,
)


def test_rollup_with_subtotals_materializes_and_reruns_idempotently(db: Database[Document]) -> None:
    db.sales.insert_many([dict(d) for d in DOCS])
    spec = parse_rollup(f"/* leaf\ntarget: sales_rollup\non: [region, product, grp]\n*/\n{SQL}\n", name="r")
    run_computed_rollup(db, spec)
    assert _rows(db) == EXPECTED
    ids = sorted(repr(d["_id"]) for d in db.sales_rollup.find({}, {"_id": 1}))
    run_computed_rollup(db, spec)
    assert _rows(db) == EXPECTED
    assert sorted(repr(d["_id"]) for d in db.sales_rollup.find({}, {"_id": 1})) == ids
    # New input changes one group and the subtotals above it, nothing is duplicated.
    db.sales.insert_one({"region": "north", "product": "apple", "qty": 100})
    run_computed_rollup(db, spec)
    rows = _rows(db)
    assert len(rows) == len(EXPECTED)
    assert (0, "north", "apple", 3, 103) in rows and (3, "~", "~", 7, 163) in rows


def test_subtotal_rows_merge_on_an_id_of_the_key_columns() -> None:
    stages, on = merge_stages(SQL, ("region", "product", "grp"))
    assert on == "_id"
    assert stages == [
        {
            "$set": {
                "_id": {
                    "region": {"$ifNull": ["$region", None]},
                    "product": {"$ifNull": ["$product", None]},
                    "grp": {"$ifNull": ["$grp", None]},
                }
            }
        }
    ]
    # A plain GROUP BY keeps merging on its fields.
    assert merge_stages("SELECT region, COUNT(*) AS n FROM sales GROUP BY region", ("region",)) == (
        [{"$unset": "_id"}],
        "region",
    )


@pytest.mark.parametrize(
    ("sql", "on", "words"),
    [
        (SQL, "[region, product]", "GROUPING(product, region)"),
        (SQL.replace("GROUPING(region, product)", "GROUPING(region)"), "[region, product, grp]", "GROUPING("),
        (SQL, "[region, grp]", "lacks the grouping expression(s) product"),
        (
            "SELECT region, COUNT(*) AS n, GROUPING(region) AS g FROM sales GROUP BY region, ROLLUP (region)",
            "[region, g]",
            "GROUP BY DISTINCT",
        ),
    ],
)
def test_a_merge_key_that_cannot_tell_subtotals_apart_is_refused(sql: str, on: str, words: str) -> None:
    with pytest.raises(LeafRollupConfigError, match="merge key") as info:
        parse_rollup(f"/* leaf\ntarget: t\non: {on}\n*/\n{sql}\n", name="r")
    assert words in str(info.value)
