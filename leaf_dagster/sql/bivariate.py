"""CORR, COVAR_POP/COVAR_SAMP and REGR_SLOPE/REGR_INTERCEPT: PostgreSQL's double precision
statistics of (Y, X) pairs, from ``$group`` sums.

PostgreSQL casts both arguments to double precision, skips a pair where either is NULL, and
accumulates N, Sx, Sy and the centered sums Sxx, Syy, Sxy (Youngs-Cramer). Here the per-row sums
are Decimal128 (34 digits, so ``Sxx - Sx²/N`` does not cancel as doubles would) and the result is
converted to a double at the end. A horizontal or vertical line (every X, or every Y, equal)
gives exactly zero there; the sums' rounding might not, so "all equal" is tested with ``$min`` and
``$max`` of the pairs' values instead.
"""

from __future__ import annotations

from typing import Any

from sqlglot import exp

from leaf_dagster.sql.numeric import minus
from leaf_dagster.sql.values import let, not_null

KINDS: dict[type[exp.Expr], str] = {
    exp.Corr: "corr",
    exp.CovarPop: "covar_pop",
    exp.CovarSamp: "covar_samp",
    exp.RegrSlope: "regr_slope",
    exp.RegrIntercept: "regr_intercept",
}


def pair_kept(y: Any, x: Any, condition: Any) -> Any:
    tests = [not_null(y), not_null(x)]
    if condition is not None:
        tests.append(condition)
    return {"$and": tests}


def accumulators(y: Any, x: Any, kept: Any) -> dict[str, Any]:
    """The ``$group`` accumulators, by role: n, sums, sums of products, and X's and Y's extremes."""
    dy = {"$toDecimal": {"$toDouble": y}}
    dx = {"$toDecimal": {"$toDouble": x}}
    zero = {"$toDecimal": 0}

    def summed(value: Any) -> dict[str, Any]:
        return {"$sum": {"$cond": [kept, value, zero]}}

    return {
        "n": {"$sum": {"$cond": [kept, 1, 0]}},
        "sx": summed(dx),
        "sy": summed(dy),
        "sxx": summed({"$multiply": [dx, dx]}),
        "syy": summed({"$multiply": [dy, dy]}),
        "sxy": summed({"$multiply": [dx, dy]}),
        "minx": {"$min": {"$cond": [kept, {"$toDouble": x}, None]}},
        "maxx": {"$max": {"$cond": [kept, {"$toDouble": x}, None]}},
        "miny": {"$min": {"$cond": [kept, {"$toDouble": y}, None]}},
        "maxy": {"$max": {"$cond": [kept, {"$toDouble": y}, None]}},
    }


def result(kind: str, refs: dict[str, str]) -> Any:
    """The statistic from the accumulators (``refs``: role -> ``$field``), NULL where PostgreSQL's is."""
    n = refs["n"]

    def centered(a: str, b: str, ab: str) -> Any:
        return minus(refs[ab], {"$divide": [{"$multiply": [refs[a], refs[b]]}, n]})

    flat_x = {"$eq": [refs["minx"], refs["maxx"]]}
    flat_y = {"$eq": [refs["miny"], refs["maxy"]]}
    if kind == "covar_pop":
        return _when({"$lt": [n, 1]}, {"$toDouble": {"$divide": [centered("sx", "sy", "sxy"), n]}})
    if kind == "covar_samp":
        value = {"$divide": [centered("sx", "sy", "sxy"), {"$subtract": [n, 1]}]}
        return _when({"$lt": [n, 2]}, {"$toDouble": value})
    sxx, syy, sxy = centered("sx", "sx", "sxx"), centered("sy", "sy", "syy"), centered("sx", "sy", "sxy")
    if kind == "corr":
        value = let(
            {"sxx": sxx, "syy": syy, "sxy": sxy},
            {"$divide": ["$$sxy", {"$sqrt": {"$multiply": ["$$sxx", "$$syy"]}}]},
        )
        return _when({"$or": [{"$lt": [n, 1]}, flat_x, flat_y]}, {"$toDouble": value})
    if kind == "regr_slope":
        return _when({"$or": [{"$lt": [n, 1]}, flat_x]}, {"$toDouble": {"$divide": [sxy, sxx]}})
    assert kind == "regr_intercept"
    value = let(
        {"sxx": sxx, "sxy": sxy},
        {
            "$divide": [
                minus(refs["sy"], {"$divide": [{"$multiply": [refs["sx"], "$$sxy"]}, "$$sxx"]}),
                n,
            ]
        },
    )
    return _when({"$or": [{"$lt": [n, 1]}, flat_x]}, {"$toDouble": value})


def _when(null_test: Any, value: Any) -> Any:
    """``value`` unless ``null_test``; the value is only evaluated when it is defined."""
    return {"$cond": [null_test, None, value]}
