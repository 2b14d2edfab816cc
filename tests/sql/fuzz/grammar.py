"""A typed grammar of PostgreSQL SELECTs over the fuzz collection ``t`` (see ``data.py``).

Every expression is generated for a PostgreSQL type, so the queries are valid PostgreSQL (runtime
errors such as overflow, division by zero or a bad cast remain possible, on purpose). Untyped
quoted literals ('30', '2024-09-02', 'on') appear wherever PostgreSQL resolves them from a typed
sibling: comparisons, IN lists, BETWEEN, CASE/COALESCE branches, GREATEST/LEAST, NULLIF,
IS [NOT] DISTINCT FROM. Expressions nest up to ``max_depth`` (1-6); queries have WHERE, GROUP BY,
HAVING, aggregates with FILTER, ORDER BY (always ending in a total order when LIMIT is used) and
LIMIT/OFFSET. Everything comes from one ``random.Random``: a seed gives the same queries.
"""

from __future__ import annotations

import random
import re
from collections.abc import Callable

# Types: int (integer), big (bigint), num (numeric), dbl (double precision), text, ts (timestamp),
# date, bool. NUMBERS are ordered by PostgreSQL's promotion: int < big < num < dbl.
NUMBERS = ["int", "big", "num", "dbl"]
ORDERABLE = [*NUMBERS, "text", "ts", "date", "bool"]

COLUMNS: dict[str, list[str]] = {
    "int": ["i", "doc.x", "_id"],
    "big": ["big"],
    "num": ["d"],
    "dbl": ["f"],
    "text": ["s", "sd", "doc.y"],
    "ts": ["ts"],
    "date": [],
    "bool": ["b"],
}
# Column -> PostgreSQL type, for the failure classifier.
COLUMN_TYPES = {c: t for t, cols in COLUMNS.items() for c in cols} | {"arr": "int[]", "tags": "text[]"}

TYPED_LITERALS: dict[str, list[str]] = {
    "int": ["0", "1", "2", "7", "30", "-1", "40", "2147483647"],
    "big": ["3000000000", "9007199254740993", "-4000000000"],
    "num": ["0.1", "0.7", "2.5", "1.25", "0.3", "-0.05", "100.01"],
    "dbl": [
        "CAST('0.5' AS DOUBLE PRECISION)",
        "CAST('1e10' AS DOUBLE PRECISION)",
        "CAST(2.5 AS DOUBLE PRECISION)",
    ],
    "text": ["'a'", "'abc'", "'on'", "'30'", "'2024-09-02'", "''", "'Zz'"],
    "ts": [
        "TIMESTAMP '2024-09-02 00:00:00'",
        "TIMESTAMP '2024-09-02 10:30:00'",
        "TIMESTAMP '2023-12-31 23:59:59'",
    ],
    "date": ["DATE '2024-09-02'", "DATE '2024-02-29'"],
    "bool": ["TRUE", "FALSE"],
}
# Quoted literals PostgreSQL types from context ("unknown" literals).
UNTYPED: dict[str, list[str]] = {
    "int": ["'30'", "'7'", "'-1'", "'0'", "'40'"],
    "big": ["'3000000000'", "'5'"],
    "num": ["'0.7'", "'1.25'", "'0.1'"],
    "dbl": ["'0.5'", "'2.5'", "'1e10'"],
    "text": ["'a'", "'on'", "'30'", "'2024-09-02'"],
    "ts": ["'2024-09-02'", "'2024-09-02 10:30:00'", "'2024-09-01T10:00:00'"],
    "date": ["'2024-09-02'", "'2023-12-31'"],
    "bool": ["'on'", "'yes'", "'f'", "'true'", "'0'"],
}
COMPARISONS = ["=", "<>", "<", "<=", ">", ">="]
# Constructs of issue 11: aggregates and query forms.
_NEW_AGGS = ["bool", "mode", "corr"]
_NEW_FORMS = ["grouping_sets", "set_operation", "distinct_on", "window"]
_READS_A_COLUMN = re.compile(r"\b(_id|i|big|f|d|s|sd|ts|b|arr|tags|doc)\b(?!')")


def promote(a: str, b: str) -> str:
    return NUMBERS[max(NUMBERS.index(a), NUMBERS.index(b))]


class Grammar:
    def __init__(self, rng: random.Random, max_depth: int = 4, *, extended: bool = True) -> None:
        self.rng = rng
        self.max_depth = max_depth
        # Issue 11's query forms, aggregates and array predicates (the long run writes them; the
        # in-suite run keeps to the classes it can hold green until their failures are fixed).
        self.extended = extended

    # ------------------------------------------------------------------------------ helpers

    def pick(self, options: list[str]) -> str:
        return self.rng.choice(options)

    def chance(self, p: float) -> bool:
        return self.rng.random() < p

    def leaf(self, t: str) -> str:
        cols = COLUMNS[t]
        if t == "int" and self.chance(0.1):
            return "arr[0]"
        if t == "text" and self.chance(0.1):
            return "tags[0]"
        if t == "date":
            return self.pick(["CAST(ts AS DATE)", *TYPED_LITERALS["date"]])
        if cols and self.chance(0.65):
            return self.pick(cols)
        if self.chance(0.1):  # a bare NULL would make CASE WHEN ... THEN NULL END text
            return f"CAST(NULL AS {SQL_TYPES[t]})"
        return self.pick(TYPED_LITERALS[t])

    def constant(self, t: str) -> str:
        return self.pick(UNTYPED[t] if self.chance(0.4) else TYPED_LITERALS[t])

    def operand(self, t: str, depth: int) -> str:
        """A typed expression, or (often) an untyped literal PostgreSQL types as ``t`` from context."""
        if self.chance(0.35):
            return self.pick(UNTYPED[t])
        return self.expr(t, depth)

    # ------------------------------------------------------------------------------ expressions

    def expr(self, t: str, depth: int) -> str:
        if depth <= 0 or self.chance(0.35):
            return self.leaf(t)
        d = depth - 1
        makers: list[Callable[[str, int], str]] = [self.generic]
        makers += {
            "int": [self.arith, self.int_function],
            "big": [self.arith],
            "num": [self.arith, self.num_function],
            "dbl": [self.arith, self.dbl_function],
            "text": [self.text_function],
            "ts": [self.ts_function],
            "date": [self.date_function],
            "bool": [self.predicate, self.predicate, self.logic],
        }[t]
        return self.rng.choice(makers)(t, d)

    def generic(self, t: str, d: int) -> str:
        """CASE, COALESCE, NULLIF, GREATEST/LEAST, CAST: type from the first typed branch."""
        kind = self.pick(["case", "coalesce", "nullif", "greatest", "cast"])
        first = self.expr(t, d)
        if kind == "case":
            whens = " ".join(
                f"WHEN {self.expr('bool', d)} THEN {self.operand(t, d)}"
                for _ in range(self.rng.randint(1, 2))
            )
            other = f" ELSE {self.operand(t, d)}" if self.chance(0.7) else ""
            return (
                f"CASE {whens}{other} END"
                if self.chance(0.5)
                else f"CASE WHEN {self.expr('bool', d)} THEN {first}{other} END"
            )
        if kind == "coalesce":
            return f"COALESCE({first}, {self.operand(t, d)})"
        if kind == "nullif":
            return f"NULLIF({first}, {self.operand(t, d)})"
        if kind == "greatest" and t != "bool":
            return f"{self.pick(['GREATEST', 'LEAST'])}({first}, {self.operand(t, d)})"
        if t == "bool":
            return f"CAST({self.pick(UNTYPED['bool'])} AS BOOLEAN)"
        source = self.pick(CASTS_TO[t])
        return f"CAST({self.expr(source, d)} AS {SQL_TYPES[t]})"

    def arith(self, t: str, d: int) -> str:
        # Operands whose promotion is t: one of type t, the other of type <= t.
        lower = NUMBERS[: NUMBERS.index(t) + 1]
        a, b = self.expr(t, d), self.expr(self.pick(lower), d)
        if self.chance(0.5):
            a, b = b, a
        op = self.pick(["+", "-", "*", "/", "+", "*"])
        if self.chance(0.15):
            return f"-({a})"
        if t == "int" and self.chance(0.1):
            return f"MOD({a}, {b})"
        return f"({a} {op} {b})"

    def int_function(self, t: str, d: int) -> str:
        return self.pick(
            [
                f"LENGTH({self.expr('text', d)})",
                f"ABS({self.expr('int', d)})",
                "ARRAY_LENGTH(arr, 1)",
                f"(CAST({self.expr('date', d)} AS DATE) - DATE '2024-09-01')",
                f"CAST({self.expr(self.pick(['num', 'dbl']), d)} AS INTEGER)",
                f"POSITION('a' IN {self.expr('text', d)})",
                "CARDINALITY(arr)",
            ]
            + (
                [
                    f"ARRAY_POSITION(tags, {self.pick(TYPED_LITERALS['text'])})",
                    f"ARRAY_POSITION(arr, {self.expr('int', d)})",
                ]
                if self.extended
                else []
            )
        )

    def num_function(self, t: str, d: int) -> str:
        x = self.expr(self.pick(["num", "int"]), d)
        return self.pick(
            [
                f"ROUND({self.expr('num', d)})",
                f"ROUND({self.expr('num', d)}, {self.rng.randint(0, 2)})",
                f"ABS({self.expr('num', d)})",
                f"EXTRACT({self.pick(['YEAR', 'MONTH', 'DAY', 'HOUR'])} FROM {self.expr('ts', d)})",
                f"({x} * 0.1)",
                f"FLOOR({self.expr('num', d)})",
            ]
        )

    def dbl_function(self, t: str, d: int) -> str:
        return self.pick(
            [
                f"ROUND({self.expr('dbl', d)})",
                f"ABS({self.expr('dbl', d)})",
                f"CEIL({self.expr('dbl', d)})",
                f"SQRT(ABS({self.expr('dbl', d)}))",
            ]
        )

    def text_function(self, t: str, d: int) -> str:
        s = self.expr("text", d)
        return self.pick(
            [
                f"UPPER({s})",
                f"LOWER({s})",
                f"SUBSTRING({s}, {self.rng.randint(0, 3)}, {self.rng.randint(-1, 3)})",
                f"CONCAT({s}, {self.expr('text', d)})",
                f"({s} || {self.expr('text', d)})",
                f"TRIM({s})",
                f"REPLACE({s}, 'a', 'x')",
                f"CAST({self.expr(self.pick(ORDERABLE), d)} AS TEXT)",
                # constructs the other issue-11 helpers added (text, regex, dates)
                f"LPAD({s}, {self.rng.randint(0, 4)}, '*')",
                f"INITCAP({s})",
                f"SPLIT_PART({s}, 'a', {self.rng.randint(1, 2)})",
                f"LEFT({s}, {self.rng.randint(-1, 3)})",
                f"REGEXP_REPLACE({s}, 'a', 'x')",
                f"TO_CHAR({self.expr('ts', d)}, 'YYYY-MM-DD HH24')",
                *self._extended_text(s, d),
            ]
        )

    def _extended_text(self, s: str, d: int) -> list[str]:
        if not self.extended:
            return []
        return [
            f"CONCAT_WS('-', {s}, {self.expr('text', d)})",
            f"RPAD({s}, {self.rng.randint(0, 4)}, 'ab')",
            f"REPEAT({s}, {self.rng.randint(0, 2)})",
            f"REVERSE({s})",
            f"TRANSLATE({s}, 'ao', 'x')",
            f"TO_CHAR({self.expr('ts', d)}, 'Dy Mon IYYY-IW Q')",
        ]

    def ts_function(self, t: str, d: int) -> str:
        ts = self.expr("ts", d)
        return self.pick(
            [
                f"({ts} + INTERVAL '{self.rng.randint(1, 40)} {self.pick(['day', 'hour', 'minute', 'month'])}')",
                f"({ts} - INTERVAL '1 day')",
                f"DATE_TRUNC('{self.pick(['day', 'month', 'hour', 'year'])}', {ts})",
                f"CAST({self.pick(['sd', *UNTYPED['ts']])} AS TIMESTAMP)",
                *self._extended_ts(ts),
            ]
        )

    def _extended_ts(self, ts: str) -> list[str]:
        if not self.extended:
            return []
        return [
            f"DATE_BIN(INTERVAL '{self.pick(['15 minutes', '2 hours', '1 day'])}', {ts}, "
            "TIMESTAMP '2024-01-01 00:07:00')",
            f"MAKE_TIMESTAMP(2024, {self.rng.randint(1, 12)}, {self.rng.randint(1, 28)}, 1, 2, 3.5)",
        ]

    def date_function(self, t: str, d: int) -> str:
        return self.pick(
            [
                f"CAST({self.expr('ts', d)} AS DATE)",
                f"({self.expr('date', d)} + {self.rng.randint(-3, 40)})",
                "CAST(sd AS DATE)",
            ]
        )

    def predicate(self, t: str, d: int) -> str:
        return f"({self._predicate(d)})"

    def _predicate(self, d: int) -> str:
        u = self.pick(ORDERABLE)
        a = self.expr(u, d)
        extra = ["array"] if self.extended else []
        kind = self.pick(["cmp", "cmp", "cmp", "in", "between", "null", "distinct", "like", "bool", *extra])
        if kind == "array":  # arrays and membership (issue 11)
            x = self.expr("int", d)
            return self.pick(
                [
                    f"{x} {self.pick(COMPARISONS)} ANY(arr)",
                    f"{x} {self.pick(COMPARISONS)} ALL(arr)",
                    f"{self.expr('text', d)} = ANY(tags)",
                    "tags @> ARRAY['a']",
                    "tags && ARRAY['a', 'on']",
                    "arr <@ ARRAY[1, 2, 3, 7]",
                    f"STARTS_WITH({self.expr('text', d)}, 'a')",
                    f"{x} BETWEEN SYMMETRIC {self.operand('int', 0)} AND {self.operand('int', 0)}",
                ]
            )
        if kind == "cmp":
            # An untyped literal takes a's type; a typed operand may be any type a compares with.
            other = self.pick(NUMBERS) if u in NUMBERS else u
            b = self.pick(UNTYPED[u]) if self.chance(0.35) else self.expr(other, d)
            return f"{a} {self.pick(COMPARISONS)} {b}"
        if kind == "in":
            items = ", ".join(self.operand(u, 0) for _ in range(self.rng.randint(1, 4)))
            return f"{a} {self.pick(['IN', 'NOT IN'])} ({items})"
        if kind == "between" and u != "bool":
            return (
                f"{a} {self.pick(['BETWEEN', 'NOT BETWEEN'])} {self.operand(u, 0)} AND {self.operand(u, 0)}"
            )
        if kind == "null":
            return f"{a} IS {self.pick(['', 'NOT '])}NULL"
        if kind == "distinct":
            return f"{a} IS {self.pick(['', 'NOT '])}DISTINCT FROM {self.operand(u, d)}"
        if kind == "like":
            pattern = self.pick(["'a%'", "'%b%'", "'a\\_b'", "'_'", "'%on'", "'3%'"])
            if self.chance(0.25):  # regular expressions (issue 11)
                regex = self.pick(["'^a'", "'o'", "'[0-9]'", "'^$'"])
                return f"{self.expr('text', d)} {self.pick(['~', '~*', '!~'])} {regex}"
            return f"{self.expr('text', d)} {self.pick(['LIKE', 'NOT LIKE', 'ILIKE'])} {pattern}"
        return f"{self.expr('bool', d)} = {self.operand('bool', d)}"

    def logic(self, t: str, d: int) -> str:
        p = self.expr("bool", d)
        choice = self.pick(["and", "or", "not"])
        if choice == "not":
            return f"NOT ({p})"
        return f"({p} {choice.upper()} {self.expr('bool', d)})"

    # ------------------------------------------------------------------------------ aggregates

    def aggregate(self, d: int) -> tuple[str, str]:
        """An aggregate expression and its type."""
        u = self.pick(NUMBERS)
        x = self.expr(u, d)
        kind = self.pick(
            [
                "count",
                "sum",
                "avg",
                "min",
                "max",
                "count_distinct",
                "count_star",
                "minmax_any",
                "spread",
                *(_NEW_AGGS if self.extended else []),
            ]
        )
        if kind == "count_star":
            out, t = "COUNT(*)", "big"
        elif kind == "count":
            out, t = f"COUNT({self.expr(self.pick(ORDERABLE), d)})", "big"
        elif kind == "count_distinct":
            out, t = f"COUNT(DISTINCT {self.expr(self.pick(ORDERABLE), d)})", "big"
        elif kind == "sum":
            out, t = f"SUM({x})", {"int": "big", "big": "num", "num": "num", "dbl": "dbl"}[u]
        elif kind == "avg":
            out, t = f"AVG({x})", "dbl" if u == "dbl" else "num"
        elif kind == "spread":  # statistics (issue 11)
            out, t = f"{self.pick(['STDDEV', 'VAR_SAMP', 'VAR_POP'])}({x})", "dbl" if u == "dbl" else "num"
        elif kind == "bool":  # issue 11
            out, t = f"{self.pick(['BOOL_AND', 'BOOL_OR', 'EVERY'])}({self.expr('bool', d)})", "bool"
        elif kind == "mode":
            t = self.pick(["int", "text", "date"])
            out = f"MODE() WITHIN GROUP (ORDER BY {self.expr(t, d)})"
        elif kind == "corr":
            fn = self.pick(["CORR", "COVAR_POP", "COVAR_SAMP", "REGR_SLOPE", "REGR_INTERCEPT"])
            out, t = f"{fn}(f, {self.pick(['i', 'd', 'big', 'f'])})", "dbl"
        elif kind == "minmax_any":
            t = self.pick(["text", "ts", "date"])
            out = f"{self.pick(['MIN', 'MAX'])}({self.expr(t, d)})"
        else:
            out, t = f"{kind.upper()}({x})", u
        if self.chance(0.3):
            out = f"{out} FILTER (WHERE {self.expr('bool', d)})"
        if t in NUMBERS and self.chance(0.3):
            lit = self.pick(["0.1", "2", "100", "0.3"])
            out = f"({out} {self.pick(['*', '+', '/'])} {lit})"
            t = promote(t, "num") if "." in lit else t
        return out, t

    # ------------------------------------------------------------------------------ queries

    def query(self, form: str | None = None) -> str:
        """A random query, or one of the given ``form`` (project, order, group, aggregate, distinct, or
        an extended form: grouping_sets, set_operation, distinct_on, window)."""
        # Shallow queries are cheap and find most bugs; every depth up to max_depth still comes up.
        d = min(self.max_depth, self.rng.choices([1, 2, 3, 4, 5, 6], weights=[3, 3, 3, 2, 1, 1])[0])
        form = form or self.pick(
            [
                "project",
                "project",
                "order",
                "group",
                "group",
                "aggregate",
                "distinct",
                *(_NEW_FORMS if self.extended else []),
            ]
        )
        where = f" WHERE {self.expr('bool', d)}" if self.chance(0.6) else ""
        if form == "project":
            cols = ", ".join(
                f"{self.expr(self.pick(ORDERABLE), d)} AS c{k}" for k in range(self.rng.randint(1, 3))
            )
            limit = f" LIMIT {self.rng.randint(0, 10)}" if self.chance(0.3) else ""
            return f"SELECT _id, {cols} FROM t{where} ORDER BY _id{limit}"
        if form == "order":
            t = self.pick(ORDERABLE)
            direction = self.pick(["", " DESC", " ASC NULLS FIRST", " DESC NULLS LAST"])
            limit = f" LIMIT {self.rng.randint(1, 10)}" + (
                f" OFFSET {self.rng.randint(0, 5)}" if self.chance(0.3) else ""
            )
            return f"SELECT _id, {self.expr(t, d)} AS c0 FROM t{where} ORDER BY c0{direction}, _id{limit}"
        if form == "distinct" and self.chance(0.2):
            # Arrays and documents as values: PostgreSQL orders arrays element by element.
            col = self.pick(["arr", "tags", "doc"])
            if col == "doc":
                return f"SELECT _id, doc FROM t{where} ORDER BY _id"
            return f"SELECT _id, {col} AS c0 FROM t{where} ORDER BY c0{self.pick(['', ' DESC'])}, _id"
        if form == "distinct":
            return f"SELECT DISTINCT {self.expr(self.pick(ORDERABLE), d)} AS c0 FROM t{where}"
        if form == "grouping_sets":  # issue 11: subtotals, told apart by GROUPING()
            k1, k2 = self.rng.sample(["s", "i", "b", "doc.y", "CAST(ts AS DATE)", "sd"], 2)
            sets = self.pick(
                [f"ROLLUP ({k1}, {k2})", f"CUBE ({k1}, {k2})", f"GROUPING SETS (({k1}), ({k1}, {k2}), ())"]
            )
            aggs = ", ".join(f"{self.aggregate(d)[0]} AS a{k}" for k in range(self.rng.randint(1, 2)))
            return (
                f"SELECT {k1} AS k1, {k2} AS k2, GROUPING({k1}, {k2}) AS g, {aggs} FROM t{where} "
                f"GROUP BY {sets} ORDER BY g, k1, k2"
            )
        if form == "set_operation":
            t = self.pick(ORDERABLE)
            op = self.pick(["UNION", "UNION ALL", "INTERSECT", "INTERSECT ALL", "EXCEPT", "EXCEPT ALL"])
            other = f" WHERE {self.expr('bool', d)}" if self.chance(0.6) else ""
            return f"SELECT {self.expr(t, d)} AS c0 FROM t{where} {op} SELECT {self.expr(t, d)} FROM t{other}"
        if form == "distinct_on":
            key = self.pick(["s", "i", "b", "doc.y", "CAST(ts AS DATE)"])
            return (
                f"SELECT DISTINCT ON ({key}) {key} AS k, _id, {self.expr(self.pick(ORDERABLE), d)} AS c0 "
                f"FROM t{where} ORDER BY {key}, _id{self.pick(['', ' DESC'])}"
            )
        if form == "window":
            x = self.expr(self.pick(NUMBERS), d)
            fn = self.pick(
                ["ROW_NUMBER()", "RANK()", f"SUM({x})", f"LAG({x})", f"NTH_VALUE({x}, 2)", "COUNT(*)"]
            )
            part = self.pick(["s", "b", "doc.y"])
            return (
                f"SELECT _id, {fn} OVER (PARTITION BY {part} ORDER BY {self.expr(self.pick(ORDERABLE), d)}, _id) "
                f"AS w FROM t{where} ORDER BY _id"
            )
        if form == "aggregate":
            aggs = ", ".join(f"{self.aggregate(d)[0]} AS a{k}" for k in range(self.rng.randint(1, 3)))
            return f"SELECT {aggs} FROM t{where}"
        key = self.expr(self.pick(ORDERABLE), min(d, 2))
        if not _READS_A_COLUMN.search(key):  # GROUP BY 2 is an ordinal, GROUP BY NULL an error
            key = self.pick(["s", "i", "b", "doc.y", "CAST(ts AS DATE)"])
        aggs = ", ".join(f"{self.aggregate(d)[0]} AS a{k}" for k in range(self.rng.randint(1, 3)))
        having = ""
        if self.chance(0.4):
            agg, t = self.aggregate(d)
            other = t if t not in NUMBERS else self.pick(NUMBERS)
            having = f" HAVING {agg} {self.pick(COMPARISONS)} {self.constant(other)}"
        limit = f" LIMIT {self.rng.randint(1, 5)}" if self.chance(0.2) else ""
        return f"SELECT {key} AS k, {aggs} FROM t{where} GROUP BY {key}{having} ORDER BY k{limit}"


SQL_TYPES = {
    "int": "INTEGER",
    "big": "BIGINT",
    "num": "NUMERIC",
    "dbl": "DOUBLE PRECISION",
    "text": "TEXT",
    "ts": "TIMESTAMP",
    "date": "DATE",
    "bool": "BOOLEAN",
}
# Casts PostgreSQL allows (explicitly) into each type, from the generator's types.
CASTS_TO = {
    "int": ["int", "big", "num", "dbl", "bool"],
    "big": ["int", "big", "num", "dbl"],
    "num": ["int", "big", "num", "dbl"],
    "dbl": ["int", "big", "num", "dbl"],
    "text": ["int", "big", "num", "dbl", "text", "ts", "date", "bool"],
    "ts": ["ts", "date"],
    "date": ["ts", "date"],
    "bool": ["bool", "int"],
}


def generate(seed: int, count: int, max_depth: int = 4, *, extended: bool = True) -> list[str]:
    """``count`` queries from one seed (nesting 1..max_depth)."""
    grammar = Grammar(random.Random(seed), max_depth, extended=extended)
    return [grammar.query() for _ in range(count)]
