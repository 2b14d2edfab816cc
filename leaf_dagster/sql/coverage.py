"""Nothing is silently dropped, by construction.

``CONSUMED`` lists every sqlglot node class the compiler translates, with the arguments of it that
it reads (translates, or refuses with its own message). After a statement or fragment compiles,
``check_consumed`` walks the whole parsed tree: a node whose class has no row, or with a non-empty
argument its row does not list, raises ``LeafSQLError`` naming the construct in SQL words and its
line and column. So a clause sqlglot parses but the compiler does not read (``FETCH … WITH TIES``,
``TABLESAMPLE``, ``FOR UPDATE``, a new argument in a later sqlglot) is refused, never ignored.

The table is matched on the exact class: a subclass (``TryCast`` of ``Cast``) needs its own row.
Whoever teaches a handler a new node or argument adds it here, next to what it translates.
"""

from __future__ import annotations

from typing import Any

from sqlglot import exp

from leaf_dagster.sql.errors import LeafSQLError, Source, construct_text, function_name

_OPERANDS = ("this", "expression")
_BINARY = frozenset(_OPERANDS)
_UNARY = frozenset({"this"})
_NONE: frozenset[str] = frozenset()
_QUERY_CLAUSES = frozenset({"with_", "order", "limit", "offset"})


def _row(*classes: type[exp.Expr], args: frozenset[str] | set[str]) -> dict[type[exp.Expr], frozenset[str]]:
    return dict.fromkeys(classes, frozenset(args))


CONSUMED: dict[type[exp.Expr], frozenset[str]] = {
    # Statements and clauses (query.py, statement.py, planner.py, sources.py, set_operations.py).
    **_row(
        exp.Select,
        args={"with_", "expressions", "distinct", "from_", "joins", "where", "group", "having"}
        | {"windows", "order", "limit", "offset"},
    ),
    **_row(exp.Union, args=_QUERY_CLAUSES | {"this", "expression", "distinct"}),
    **_row(exp.Intersect, exp.Except, args=_QUERY_CLAUSES | {"this", "expression", "distinct"}),
    **_row(exp.Subquery, args={"this", "alias"}),
    **_row(exp.With, args={"expressions", "recursive"}),
    **_row(exp.CTE, args={"this", "alias", "materialized"}),
    **_row(exp.From, exp.Where, exp.Having, args=_UNARY),
    **_row(exp.Group, args={"expressions", "all"}),  # "all": GROUP BY ALL/DISTINCT (grouping_sets.py)
    **_row(exp.Rollup, exp.Cube, exp.GroupingSets, exp.Grouping, args={"expressions"}),
    **_row(exp.Order, args={"this", "expressions"}),
    **_row(exp.Ordered, args={"this", "desc", "nulls_first"}),
    **_row(exp.Limit, exp.Offset, args={"expression"}),
    **_row(exp.Fetch, args={"direction", "count", "limit_options"}),
    **_row(exp.LimitOptions, args={"rows", "with_ties"}),
    **_row(exp.Distinct, args={"expressions", "on"}),
    **_row(exp.Table, args={"this", "alias", "db", "catalog"}),
    **_row(exp.TableAlias, args={"this", "columns"}),
    **_row(exp.Join, args={"this", "on", "side", "kind", "using", "method"}),
    **_row(exp.Unnest, args={"expressions", "alias", "offset", "explode_array"}),
    **_row(exp.Alias, args={"this", "alias"}),
    **_row(exp.Tuple, args={"expressions"}),  # DISTINCT ON (…); refused as a value
    # Names, paths and constants.
    **_row(exp.Column, args={"this", "table", "db", "catalog"}),
    **_row(exp.Identifier, args={"this", "quoted"}),
    **_row(exp.Dot, args=_BINARY),
    **_row(exp.Bracket, args={"this", "expressions"}),
    **_row(exp.Slice, args=_BINARY),
    **_row(exp.Star, args=_NONE),
    **_row(exp.Literal, args={"this", "is_string"}),
    **_row(exp.Boolean, exp.Var, exp.Placeholder, exp.Paren, args=_UNARY),
    **_row(exp.Null, args=_NONE),
    **_row(exp.DataType, args={"this", "expressions", "nested"}),
    **_row(exp.DataTypeParam, args=_BINARY),
    **_row(exp.Interval, args={"this", "unit", "fraction_in_string"}),  # '1.5 seconds': read from the text
    # Conditions (predicates.py).
    **_row(exp.EQ, exp.NEQ, exp.GT, exp.GTE, exp.LT, exp.LTE, exp.NullSafeEQ, exp.NullSafeNEQ, args=_BINARY),
    **_row(exp.And, exp.Or, exp.Escape, args=_BINARY),
    **_row(exp.Not, args=_UNARY),
    **_row(exp.Is, exp.Like, exp.ILike, args={"this", "expression", "negate"}),
    **_row(exp.In, args={"this", "expressions", "query", "unnest", "field"}),
    **_row(exp.Between, args={"this", "low", "high", "symmetric"}),
    **_row(exp.Exists, args=_UNARY),
    # Arithmetic (arithmetic.py): PostgreSQL's '/' truncates integers ("typed").
    **_row(exp.Add, exp.Sub, exp.Mul, exp.Mod, args=_BINARY),
    **_row(exp.Div, args={"this", "expression", "typed"}),
    **_row(exp.Neg, args=_UNARY),
    # Functions (functions.py, strings.py, casts.py, dates.py).
    **_row(exp.Anonymous, args={"this", "expressions"}),
    **_row(exp.Case, args={"this", "ifs", "default"}),
    **_row(exp.If, args={"this", "true", "false"}),
    **_row(exp.Coalesce, args={"this", "expressions"}),
    # PostgreSQL's GREATEST/LEAST skip NULLs.
    **_row(exp.Greatest, exp.Least, args={"this", "expressions", "ignore_nulls"}),
    **_row(exp.Nullif, exp.Pow, exp.Log, exp.Extract, exp.ArraySize, args=_BINARY),
    **_row(exp.Round, exp.Trunc, exp.Floor, exp.Ceil, args={"this", "decimals"}),
    **_row(exp.Abs, exp.Sqrt, exp.Ln, exp.Exp, exp.Sign, args=_UNARY),
    **_row(exp.TimestampTrunc, exp.DateTrunc, args={"this", "unit", "zone"}),
    **_row(exp.CurrentDate, exp.CurrentTimestamp, args=_NONE),
    # Dates and time zones (to_char.py, timezones.py, date_functions.py).
    **_row(exp.TimeToStr, args={"this", "format"}),
    **_row(exp.AtTimeZone, args={"this", "zone"}),
    **_row(exp.DateBin, args={"this", "expression", "unit", "origin"}),
    **_row(exp.TimestampFromParts, args={"year", "month", "day", "hour", "min", "sec"}),
    **_row(exp.Date, args={"this"}),  # DATE(x): CAST(x AS DATE)
    **_row(exp.StrToTime, exp.StrToDate, args={"this", "format"}),  # constants only
    **_row(exp.Array, args={"expressions"}),
    **_row(exp.Cast, args={"this", "to"}),
    **_row(exp.Lower, exp.Upper, exp.Length, args=_UNARY),
    **_row(exp.Substring, args={"this", "start", "length"}),
    **_row(exp.Trim, args={"this", "expression", "position"}),
    **_row(exp.Replace, args={"this", "expression", "replacement"}),
    # PostgreSQL's CONCAT skips NULLs ("coalesce"); '||' propagates them ("safe": no type error).
    **_row(exp.Concat, args={"expressions", "safe", "coalesce"}),
    **_row(exp.DPipe, args={"this", "expression", "safe"}),
    **_row(exp.StrPosition, args={"this", "substr", "position"}),
    **_row(exp.Left, exp.Right, args=_BINARY),
    # text_functions.py (MD5 is refused there, with a hint).
    **_row(exp.ConcatWs, args={"expressions", "safe", "coalesce", "flatten"}),
    **_row(exp.Pad, args={"this", "expression", "fill_pattern", "is_left"}),
    **_row(
        exp.SplitPart,
        args={"this", "delimiter", "part_index", "part_index_zero_as_one", "empty_delimiter_returns_whole"},
    ),
    **_row(exp.Initcap, exp.StartsWith, args=_BINARY),
    **_row(exp.Repeat, args={"this", "times"}),
    **_row(exp.Reverse, exp.MD5, args=_UNARY),
    **_row(exp.Translate, args={"this", "from_", "to"}),
    # arrays.py: x op ANY/ALL (array or subquery), ARRAY_POSITION, @>, <@, &&.
    **_row(exp.Any, exp.All, args=_UNARY),
    **_row(exp.ArrayContainsAll, exp.ArrayContainedBy, args=_BINARY),
    **_row(exp.ArrayOverlaps, args={"this", "expression", "null_safe"}),
    **_row(exp.ArrayPosition, args={"this", "expression", "zero_based"}),
    # regex_functions.py: constant patterns in the exact subset of regex.py.
    **_row(exp.RegexpLike, args={"this", "expression", "flag", "full_match"}),
    **_row(exp.RegexpILike, args={"this", "expression", "flag"}),
    **_row(exp.SimilarTo, args=_BINARY),
    **_row(
        exp.RegexpReplace,
        args={"this", "expression", "replacement", "position", "occurrence", "modifiers", "single_replace"},
    ),
    # Aggregates (aggregates.py, ordered_aggregates.py): PostgreSQL's COUNT is a bigint.
    **_row(exp.Count, args={"this", "big_int"}),
    **_row(exp.Sum, exp.Avg, exp.Min, exp.Max, exp.ArrayAgg, args=_UNARY),
    **_row(exp.Stddev, exp.StddevPop, exp.StddevSamp, exp.Variance, exp.VariancePop, args=_UNARY),
    **_row(exp.LogicalAnd, exp.LogicalOr, args=_UNARY),
    **_row(exp.GroupConcat, args={"this", "separator"}),
    **_row(exp.PercentileCont, exp.PercentileDisc, args=_UNARY),
    **_row(exp.Filter, exp.WithinGroup, args=_BINARY),
    # Windows (windows.py).
    **_row(exp.Window, args={"this", "partition_by", "order", "spec", "alias", "over"}),
    **_row(exp.WindowSpec, args={"kind", "start", "start_side", "end", "end_side", "exclude"}),
    **_row(exp.RowNumber, exp.Rank, exp.DenseRank, exp.PercentRank, exp.CumeDist, args=_NONE),
    **_row(exp.Ntile, exp.FirstValue, exp.LastValue, args=_UNARY),
    **_row(exp.Lag, exp.Lead, args={"this", "offset", "default"}),
    # Statistics, MODE, NTH_VALUE and JSON (bivariate.py, aggregates.py, windows.py, json.py).
    **_row(exp.Corr, exp.CovarPop, exp.CovarSamp, exp.RegrSlope, exp.RegrIntercept, args=_BINARY),
    **_row(exp.Mode, args=_UNARY),
    **_row(exp.NthValue, args={"this", "offset"}),
    **_row(exp.JSONArrayAgg, args={"this", "order"}),
    **_row(exp.JSONObjectAgg, args={"expressions"}),
    **_row(exp.JSONBObjectAgg, args=_BINARY),
    **_row(exp.JSONExtract, exp.JSONExtractScalar, args={"this", "expression", "only_json_types"}),
    **_row(exp.JSONBExtract, exp.JSONBExtractScalar, args=_BINARY),
    **_row(exp.JSONPath, args={"expressions"}),
    **_row(exp.JSONPathKey, exp.JSONPathSubscript, args=_UNARY),
    **_row(exp.JSONPathRoot, args=_NONE),
}

# SQL words for node classes and arguments whose sqlglot names do not say it.
_CLASS_WORDS: dict[type[exp.Expr], str] = {
    exp.TableSample: "TABLESAMPLE",
    exp.Lock: "FOR UPDATE/FOR SHARE",
    exp.Lateral: "LATERAL",
    exp.Struct: "a row constructor",
    exp.Qualify: "QUALIFY",
    exp.Pivot: "PIVOT",
    exp.Values: "VALUES",
    exp.Hint: "a hint",
    exp.Fetch: "FETCH",
    exp.Cube: "CUBE",
    exp.Rollup: "ROLLUP",
    exp.GroupingSets: "GROUPING SETS",
    exp.Explode: "UNNEST in the select list (write FROM t CROSS JOIN UNNEST(t.a) AS x, then select x)",
    exp.TryCast: "TRY_CAST",
    exp.RegexpLike: "~ (regular expression match)",
    exp.RegexpILike: "~* (regular expression match)",
    exp.SimilarTo: "SIMILAR TO",
    exp.JSONExtract: "the JSON operator ->",
    exp.JSONExtractScalar: "the JSON operator ->>",
    exp.JSONBExtract: "the JSON operator #>",
    exp.JSONBExtractScalar: "the JSON operator #>>",
    exp.JSONArrayAgg: "JSON_AGG",
    exp.Lambda: "-> after a function's first argument (put the JSON operator in parentheses)",
    exp.JSONObjectAgg: "JSON_OBJECT_AGG",
    exp.JSONBObjectAgg: "JSONB_OBJECT_AGG",
    exp.ArrayContainsAll: "@> (array contains)",
    exp.ArrayOverlaps: "&& (array overlap)",
    exp.AtTimeZone: "AT TIME ZONE",
    exp.ExplodingGenerateSeries: (
        "generate_series (for a calendar spine, GROUP BY DATE_TRUNC(...) over the data or LEFT JOIN"
        " from a collection of one document per day)"
    ),
}
_ARG_WORDS: dict[str, tuple[str, str | None]] = {
    # argument name: (SQL words, the keyword to point at)
    "sample": ("TABLESAMPLE", "TABLESAMPLE"),
    "locks": ("FOR UPDATE/FOR SHARE", "FOR"),
    "laterals": ("LATERAL", "LATERAL"),
    "qualify": ("QUALIFY", "QUALIFY"),
    "windows": ("a WINDOW clause", "WINDOW"),
    "with_ties": ("FETCH … WITH TIES", "TIES"),
    "percent": ("FETCH … PERCENT", "PERCENT"),
    "ordinality": ("WITH ORDINALITY", "ORDINALITY"),
    "offset": ("OFFSET", "OFFSET"),
    "into": ("SELECT INTO", "INTO"),
    "hint": ("a hint", None),
    "hints": ("a hint", None),
    "only": ("ONLY", "ONLY"),
    "zone": ("a time zone argument", None),
    "pivots": ("PIVOT", "PIVOT"),
    "cube": ("CUBE", "CUBE"),
    "rollup": ("ROLLUP", "ROLLUP"),
    "grouping_sets": ("GROUPING SETS", "GROUPING SETS"),
    "all": ("GROUP BY ALL/DISTINCT", "GROUP BY"),
    "totals": ("WITH TOTALS", "TOTALS"),
    "nulls_excluded": ("IGNORE NULLS", "IGNORE"),
    "ignore_nulls": ("IGNORE NULLS", "IGNORE"),
    "search": ("SEARCH", "SEARCH"),
    "cycle": ("CYCLE", "CYCLE"),
    "with_fill": ("WITH FILL", "FILL"),
    "exclude": ("EXCLUDE", "EXCLUDE"),
    "except_": ("* EXCEPT", "EXCEPT"),
    "replace": ("* REPLACE", "REPLACE"),
}


def _empty(value: Any) -> bool:
    return value is None or value is False or (isinstance(value, list | str) and not value)


# Where to point for a node class that is refused: its keyword.
_CLASS_KEYWORDS: dict[type[exp.Expr], str] = {
    exp.TableSample: "TABLESAMPLE",
    exp.Lock: "FOR",
    exp.Lateral: "LATERAL",
    exp.Cube: "CUBE",
    exp.Rollup: "ROLLUP",
    exp.GroupingSets: "GROUPING SETS",
    exp.Qualify: "QUALIFY",
}


def check_consumed(tree: exp.Expr, source: Source, *, statement: bool = True) -> None:
    """Raise ``LeafSQLError`` for the first node or argument of ``tree`` the compiler does not read.

    ``statement``: ``tree`` is a whole statement (else one expression or condition)."""
    if statement and not isinstance(tree, exp.Select | exp.SetOperation | exp.Subquery):
        keyword = tree.key.upper() if tree.key else None
        raise source.error("only SELECT statements are supported", tree, keyword)
    for node in tree.walk():
        consumed = CONSUMED.get(type(node))
        if consumed is None:
            keyword = _CLASS_KEYWORDS.get(type(node))
            raise source.error(f"{construct_words(node)} is not supported", node, keyword)
        for name, value in node.args.items():
            if name in consumed or _empty(value):
                continue
            words, keyword = _ARG_WORDS.get(name, (None, None))
            if words is None:
                words = f"{name.rstrip('_').upper().replace('_', ' ')} in {construct_words(node)}"
            first = value[0] if isinstance(value, list) else value
            if isinstance(first, exp.Expr) and _has_position(first):
                raise source.error(f"{words} is not supported", first, keyword)
            named = first if isinstance(first, exp.Expr) else node
            raise _keyword_error(source, f"{words} is not supported", node, keyword, named)


def construct_words(node: exp.Expr) -> str:
    """The construct's name as a SQL reader knows it."""
    words = _CLASS_WORDS.get(type(node))
    if words is not None:
        return words
    if isinstance(node, exp.Anonymous):
        return f"{str(node.this).upper()}()"
    if isinstance(node, exp.Func):
        return f"{function_name(node)}()"
    return (node.key or type(node).__name__).upper().replace("_", " ")


def _keyword_error(
    source: Source, message: str, node: exp.Expr, keyword: str | None, named: exp.Expr
) -> LeafSQLError:
    """An argument without a position of its own (a flag, a lock): its keyword after ``node``'s start."""
    starts = [n.meta["start"] for n in node.walk() if "start" in n.meta]
    after = min(starts) if starts else 0
    hits = [t.start for t in source.tokens if keyword and t.text.upper() == keyword and t.start >= after]
    if not hits:
        return source.error(message, node, keyword)
    line, col = source.position(hits[0])
    return LeafSQLError(message, line=line, col=col, construct=construct_text(named))


def _has_position(node: exp.Expr) -> bool:
    return any("start" in n.meta for n in node.walk())
