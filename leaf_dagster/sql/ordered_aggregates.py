"""Aggregates over an ordering: exact percentiles, ``ARRAY_AGG``/``STRING_AGG`` with ORDER BY.

All of them ``$push`` the group's values and finish from the array: ``$sortArray`` (never over
NULLs: they are filtered out first, or sorted through an "is NULL" flag next to the key) and index
arithmetic. MongoDB's ``$percentile`` is approximate, so it is not used.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from leaf_dagster.sql.values import is_null, let

# Pushed pairs: the value under "v", sort keys under "k0", "k1"…, their NULL flags under "n0"…
VALUE = "v"
KEEP = "f"


@dataclass(frozen=True)
class OrderKey:
    expr: Any
    descending: bool
    nulls_first: bool


def non_null(ref: Any) -> Any:
    return {"$filter": {"input": ref, "cond": {"$ne": ["$$this", None]}}}


def pair(value: Any, keys: list[OrderKey], keep: Any | None) -> dict[str, Any]:
    """The document pushed per row: the value, its sort keys with NULL flags, and the FILTER result."""
    doc: dict[str, Any] = {VALUE: {"$ifNull": [value, None]}}
    for i, key in enumerate(keys):
        doc[f"n{i}"] = {"$cond": [is_null(key.expr), 1, 0]}
        doc[f"k{i}"] = {"$ifNull": [key.expr, None]}
    if keep is not None:
        doc[KEEP] = {"$cond": [keep, True, False]}
    return doc


def sorted_values(ref: Any, keys: list[OrderKey], keep: bool) -> Any:
    """The pushed values in the ORDER BY's order, PostgreSQL's NULL placement included."""
    pairs = {"$filter": {"input": ref, "cond": f"$$this.{KEEP}"}} if keep else ref
    if keys:
        sort_by: dict[str, int] = {}
        for i, key in enumerate(keys):
            sort_by[f"n{i}"] = -1 if key.nulls_first else 1
            sort_by[f"k{i}"] = -1 if key.descending else 1
        pairs = {"$sortArray": {"input": pairs, "sortBy": sort_by}}
    return {"$map": {"input": pairs, "in": f"$$this.{VALUE}"}}


def sort_scalars(array: Any, descending: bool = False) -> Any:
    """``array`` sorted by BSON order. Each value is sorted inside a document (``{v: x}`` by ``v``):
    the same documented order as ``$sortArray`` of the bare values, which the embedded server fails
    on ("internal server error") as soon as one value is a Decimal128 (see the README's gaps)."""
    boxed = {"$map": {"input": array, "in": {VALUE: "$$this"}}}
    ordered = {"$sortArray": {"input": boxed, "sortBy": {VALUE: -1 if descending else 1}}}
    return {"$map": {"input": ordered, "in": f"$$this.{VALUE}"}}


def null_if_empty(array: Any) -> Any:
    """ARRAY_AGG over no rows is NULL, not an empty array."""
    return let({"arr": array}, {"$cond": [{"$eq": [{"$size": "$$arr"}, 0]}, None, "$$arr"]})


def joined(values: Any, separator: Any) -> Any:
    """STRING_AGG's result: the non-NULL values joined, NULL when there are none."""
    return {
        "$reduce": {
            "input": non_null(values),
            "initialValue": None,
            "in": {
                "$cond": [
                    {"$eq": ["$$value", None]},
                    "$$this",
                    {"$concat": ["$$value", separator, "$$this"]},
                ]
            },
        }
    }


def distinct_sorted(ref: Any, descending: bool = False, nulls_first: bool = False) -> Any:
    """ARRAY_AGG(DISTINCT x [ORDER BY x]): the distinct values sorted, a NULL (if any) placed as
    PostgreSQL places it (last ascending, first descending, unless NULLS FIRST/LAST says otherwise).
    """
    values = sort_scalars(non_null(ref), descending)
    with_null = {"$concatArrays": [[None], values] if nulls_first else [values, [None]]}
    return {"$cond": [{"$in": [None, ref]}, with_null, values]}


def percentile(
    values_ref: Any, fractions: list[float], *, array: bool, descending: bool, continuous: bool
) -> Any:
    """PERCENTILE_CONT/DISC over the pushed values (NULLs are skipped), NULL when none remain.

    CONT interpolates linearly between the values at floor and ceil of ``p*(n-1)``; DISC takes
    the first value whose cumulative position reaches ``p``: index ``ceil(p*n)-1``, at least 0.
    """
    one: Callable[[float], Any] = _continuous if continuous else _discrete
    body: Any = [one(p) for p in fractions] if array else one(fractions[0])
    sorted_array = sort_scalars(non_null(values_ref), descending)
    return let(
        {"s": sorted_array},
        let({"n": {"$size": "$$s"}}, {"$cond": [{"$eq": ["$$n", 0]}, None, body]}),
    )


def _continuous(p: float) -> Any:
    position = {"$multiply": [p, {"$subtract": ["$$n", 1]}]}
    low = {"$arrayElemAt": ["$$s", {"$toInt": {"$floor": position}}]}
    high = {"$arrayElemAt": ["$$s", {"$toInt": {"$ceil": position}}]}
    fraction = {"$subtract": [position, {"$floor": position}]}
    # The fraction is a double, so the sum is one too (also when low is an integer).
    return {"$add": [low, {"$multiply": [fraction, {"$subtract": [high, low]}]}]}


def _discrete(p: float) -> Any:
    index = {"$max": [0, {"$subtract": [{"$toInt": {"$ceil": {"$multiply": [p, "$$n"]}}}, 1]}]}
    return {"$arrayElemAt": ["$$s", index]}


def most_frequent(values_ref: Any, *, descending: bool) -> Any:
    """MODE(): one pass over the sorted non-NULL values counting runs; a longer run replaces the
    best so far, an equally long one does not (PostgreSQL keeps the first). NULL when none."""
    sorted_array = sort_scalars(non_null(values_ref), descending)
    run = {"$cond": [{"$eq": ["$$value.v", "$$this"]}, {"$add": ["$$value.n", 1]}, 1]}
    step = let(
        {"run": run},
        {
            "v": "$$this",
            "n": "$$run",
            "best": {"$cond": [{"$gt": ["$$run", "$$value.top"]}, "$$this", "$$value.best"]},
            "top": {"$max": ["$$run", "$$value.top"]},
        },
    )
    scan = {
        "$reduce": {
            "input": sorted_array,
            "initialValue": {"v": None, "n": 0, "best": None, "top": 0},
            "in": step,
        }
    }
    return {"$getField": {"field": "best", "input": scan}}
