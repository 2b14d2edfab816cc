"""Conditions with SQL's three-valued logic, as plain ``$match`` queries when possible.

Every condition is compiled for a polarity: ``truth(c, True)`` holds exactly when ``c`` is TRUE,
``truth(c, False)`` exactly when it is FALSE; a NULL condition satisfies neither. So ``NOT (a > 5)``
becomes "a <= 5" (a NULL ``a`` is excluded, unlike MongoDB's ``$not``) and ``x NOT IN (1, NULL)``
is never true. Query operators are type-bracketed and skip NULL/missing values, which is SQL's
comparison; ``$expr`` comparisons are not (null < 5 there), so those get explicit NULL checks.

A quoted literal compared with a field takes the field's type, decided per value: ``'2024-01-01'``
matches a BSON date field as that date and a string field as that string, ``'30'`` a number field
as 30. One exception keeps time ranges on an index: in a plain ``$match``, ``<``, ``<=``, ``>``,
``>=`` and BETWEEN against an ISO-date literal compare with the date only (for text, write
``CAST(field AS TEXT)``).
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable, Sequence
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from bson.decimal128 import Decimal128
from sqlglot import exp

from leaf_dagster.sql import numeric
from leaf_dagster.sql.arrays import is_quantified, quantified_truth, quantifier
from leaf_dagster.sql.errors import LeafSQLError
from leaf_dagster.sql.literals import (
    COMPARED_KINDS,
    STATIC,
    Unreadable,
    check_array_syntax,
    comparable,
    is_unknown,
    match_guard,
    parse_bool,
    reading_groups,
    resolve,
    unreadable_types,
)
from leaf_dagster.sql.regex_functions import is_regex_condition, regex_match, regex_truth
from leaf_dagster.sql.values import SqlType, Typed, const, not_null, parse_iso

if TYPE_CHECKING:
    from leaf_dagster.sql.expressions import Translator

NEGATE = {"$eq": "$ne", "$ne": "$eq", "$gt": "$lte", "$lte": "$gt", "$lt": "$gte", "$gte": "$lt"}
MIRROR = {"$eq": "$eq", "$ne": "$ne", "$gt": "$lt", "$lt": "$gt", "$gte": "$lte", "$lte": "$gte"}
OPS: dict[type[exp.Expr], str] = {
    exp.EQ: "$eq",
    exp.NEQ: "$ne",
    exp.GT: "$gt",
    exp.GTE: "$gte",
    exp.LT: "$lt",
    exp.LTE: "$lte",
}
SYMBOLS = {"$eq": "=", "$ne": "<>", "$gt": ">", "$gte": ">=", "$lt": "<", "$lte": "<="}
NEVER: dict[str, Any] = {"$expr": False}
SCALARS = (bool, int, float, str)


def _spliced(op: str, parts: list[Any]) -> list[Any]:
    """``a AND (b AND c)`` as one n-ary ``$and``: long chains stay shallow for the server."""
    out: list[Any] = []
    for part in parts:
        if isinstance(part, dict) and len(part) == 1 and op in part and isinstance(part[op], list):
            out.extend(part[op])
        else:
            out.append(part)
    return out


def and_(parts: list[Any]) -> Any:
    parts = [p for p in _spliced("$and", parts) if p is not True]
    if any(p is False for p in parts):
        return False
    if not parts:
        return True
    return parts[0] if len(parts) == 1 else {"$and": parts}


def or_(parts: list[Any]) -> Any:
    parts = [p for p in _spliced("$or", parts) if p is not False]
    if any(p is True for p in parts):
        return True
    if not parts:
        return False
    return parts[0] if len(parts) == 1 else {"$or": parts}


_FOLDED = {"$eq": lambda x, y: x == y, "$ne": lambda x, y: x != y, "$lt": lambda x, y: x < y,
           "$lte": lambda x, y: x <= y, "$gt": lambda x, y: x > y, "$gte": lambda x, y: x >= y}  # fmt: skip


def fold_comparison(op: str, a: Typed, b: Typed) -> bool | None:
    """``a op b`` of two non-NULL constants of one kind, as PostgreSQL folds it (None: not folded).
    Exact only: text by code point (the C collation), numbers when neither is a double (a double
    meeting a numeric compares in double precision), timestamps, booleans."""
    if not (a.is_const and b.is_const) or a.untyped or b.untyped or op not in _FOLDED:
        return None
    x, y = a.value, b.value

    def kind(v: Any) -> str | None:
        if isinstance(v, bool):
            return "bool"
        if isinstance(v, int | Decimal):
            return "number"
        if isinstance(v, str):
            return "text"
        if isinstance(v, dt.datetime):
            return "timestamp"
        return None

    if kind(x) is None or kind(x) != kind(y) or {a.type, b.type} & {SqlType.DAY, SqlType.INTERVAL}:
        return None
    if any(isinstance(v, Decimal) and not v.is_finite() for v in (x, y)):
        return None
    return bool(_FOLDED[op](x, y))


def unwrap(node: exp.Expr, want: bool) -> tuple[exp.Expr, bool]:
    """``node`` without its parentheses and NOTs, and the polarity they leave."""
    while isinstance(node, exp.Paren | exp.Not):
        if isinstance(node, exp.Not):
            want = not want
        node = node.this
    return node, want


def chain(node: exp.Expr) -> list[exp.Expr]:
    """The operands of a chain of one AND or OR (``a OR (b OR c)``), in order, without recursion."""
    kind = type(node)
    out: list[exp.Expr] = []
    stack = [node]
    while stack:
        item = stack.pop()
        while isinstance(item, exp.Paren):
            item = item.this
        if type(item) is kind:
            stack.extend((item.expression, item.this))
        else:
            out.append(item)
    return out


def like_regex(pattern: str, escape: str | None = "\\") -> str:
    """A LIKE pattern as an anchored regex: ``%`` any run, ``_`` one character, the rest literal."""
    out = ["^"]
    chars = iter(pattern)
    for ch in chars:
        if escape and ch == escape:
            nxt = next(chars, None)
            if nxt is None:
                raise ValueError("LIKE pattern must not end with escape character")
            out.append(re.escape(nxt))
        elif ch == "%":
            out.append(r"[\s\S]*")
        elif ch == "_":
            out.append(r"[\s\S]")
        else:
            out.append(re.escape(ch))
    out.append(r"(?![\s\S])")  # end of text (``$`` would also match before a final newline)
    return "".join(out)


class Conditions:
    def __init__(self, tr: Translator) -> None:
        self.tr = tr

    # -- public -------------------------------------------------------------------------------

    def filter(self, node: exp.Expr) -> dict[str, Any]:
        """A ``$match`` filter: query operators where possible, ``$expr`` for the rest."""
        plain = self._match(node, True)
        if plain is not None:
            return plain
        truth = self.truth(node, True)
        return NEVER if truth is False else {} if truth is True else {"$expr": truth}

    def value(self, node: exp.Expr) -> Typed:
        """The condition as a value: true, false or NULL."""
        if type(node) in OPS and not is_quantified(node):
            a, b = self._operands(node)
            if a.is_null_const or b.is_null_const:
                return const(None, SqlType.BOOL)
            checks = [not_null(x.expr) for x in (a, b) if not x.non_null]
            op = OPS[type(node)]
            core = numeric.compare(op, a, b) or {op: [a.expr, b.expr]}  # a double meeting a numeric
            return Typed({"$cond": [and_(checks), core, None]} if checks else core, SqlType.BOOL)
        yes, no = self.truth(node, True), self.truth(node, False)
        return Typed({"$cond": [yes, True, {"$cond": [no, False, None]}]}, SqlType.BOOL)

    def truth(self, node: exp.Expr, want: bool) -> Any:
        node, want = unwrap(node, want)
        if isinstance(node, exp.And):
            parts = [self.truth(n, want) for n in chain(node)]
            return and_(parts) if want else or_(parts)
        if isinstance(node, exp.Or):
            parts = [self.truth(n, want) for n in chain(node)]
            return or_(parts) if want else and_(parts)
        if type(node) in OPS and is_quantified(node):
            return quantified_truth(self.tr, OPS[type(node)], node, want)
        if type(node) in OPS:
            a, b = self._operands(node)
            return self.compare(OPS[type(node)], a, b, want, node)
        if isinstance(node, exp.NullSafeEQ | exp.NullSafeNEQ):
            a, b = self._operands(node)
            positive = want == isinstance(node, exp.NullSafeEQ)
            if a.is_null_const and b.is_null_const:
                return positive
            if a.is_null_const or b.is_null_const:
                other = b if a.is_null_const else a
                if other.is_const:
                    return not positive
            folded = fold_comparison("$eq", a, b)
            if folded is not None:
                return folded == positive
            same = {"$eq": [{"$ifNull": [a.expr, None]}, {"$ifNull": [b.expr, None]}]}
            return same if positive else {"$not": [same]}
        if isinstance(node, exp.Is):
            return self._is_truth(node, want)
        if isinstance(node, exp.In):
            return self._in_truth(node, want)
        if isinstance(node, exp.Between):
            return self._between(node, want, self.compare, combine_and=and_, combine_or=or_)
        if is_regex_condition(node):
            return regex_truth(self.tr, node, want)
        if isinstance(node, exp.Like | exp.ILike | exp.Escape):
            return self._like_truth(node, want)
        return self._boolean_truth(node, want)

    def compare(self, op: str, a: Typed, b: Typed, want: bool, node: exp.Expr | None = None) -> Any:
        """Truth of ``a op b`` for a polarity, in ``$expr`` form."""
        a, b = self.typed_pair(a, b, node, op)
        if not want:
            op = NEGATE[op]
        if a.is_null_const or b.is_null_const:
            return False
        folded = fold_comparison(op, a, b)
        if folded is not None:  # PostgreSQL folds an immutable comparison of constants at plan time
            return folded
        compared = numeric.compare(op, a, b)
        if compared is None:
            plain = _false_on_null(op, a, b)
            if plain is not None:
                return plain
        # NULL sorts below every value in $expr comparisons, so "x > constant" is already false for
        # NULL; only the other directions need an explicit check.
        low = b if op in ("$gt", "$gte") else a if op in ("$lt", "$lte") else None
        exempt = low is not None and low.non_null
        checks = [not_null(x.expr) for x in (a, b) if not x.non_null and not exempt]
        return and_([*checks, compared or {op: [a.expr, b.expr]}])

    def typed_pair(self, a: Typed, b: Typed, node: exp.Expr | None, op: str = "$eq") -> tuple[Typed, Typed]:
        """Both operands, an untyped literal taking the type of the other (PostgreSQL's rule).

        Two operands of different type categories have no operator (``integer = text``); a field
        whose type is known only per value gets that check per value (``comparable``)."""
        fail = self.failure(node)
        a, b = resolve(a, [b], fail), resolve(b, [a], fail)
        return comparable(a, b, fail, SYMBOLS[op])

    def failure(self, node: exp.Expr | None) -> Callable[[str], Exception]:
        def fail(message: str) -> Exception:
            if node is None:
                return LeafSQLError(message)
            return self.tr.error(message, node)

        return fail

    # -- helpers ------------------------------------------------------------------------------

    def _operands(self, node: exp.Expr) -> tuple[Typed, Typed]:
        a, b = self.tr.translate(node.this), self.tr.translate(node.expression)
        return self.typed_pair(a, b, node, OPS.get(type(node), "$eq"))

    def _is_truth(self, node: exp.Is, want: bool) -> Any:
        if node.args.get("negate"):
            want = not want
        value = self.tr.translate(node.this)
        target = node.expression
        if isinstance(target, exp.Null):
            return not_null(value.expr) if not want else {"$eq": [{"$ifNull": [value.expr, None]}, None]}
        if isinstance(target, exp.Boolean):
            test = {"$eq": [value.expr, bool(target.this)]}
            return test if want else {"$not": [test]}
        raise self.tr.error("IS supports NULL, TRUE and FALSE", node)

    def _in_items(self, node: exp.In) -> list[Typed]:
        if node.args.get("query") is not None:
            raise self.tr.error(
                "IN (SELECT ...) subqueries are not supported yet", node.args["query"], "SELECT"
            )
        if node.args.get("unnest") is not None or node.args.get("field") is not None:
            raise self.tr.error("IN supports a list of values", node)
        items: list[Typed] = []
        for item in node.expressions:
            value = self.tr.translate(item)
            if value.is_const and isinstance(value.value, list):
                items.extend(const(v) for v in value.value)
            else:
                items.append(value)
        if not items:
            raise self.tr.error("IN needs at least one value", node)
        return items

    def _in_truth(self, node: exp.In, want: bool) -> Any:
        if node.args.get("query") is not None:
            from leaf_dagster.sql.subqueries import in_subquery_truth

            return in_subquery_truth(self.tr, node, want)
        raw = self.tr.translate(node.this)
        fail = self.failure(node)
        members = self._in_items(node)
        # PostgreSQL types the list's quoted literals by the common type of the value and every
        # other item (i IN (big, '3000000000') reads it as a bigint): the widest known member first.
        known = sorted([raw, *(i for i in members if not is_unknown(i))], key=_width_rank)
        items = [resolve(i, known, fail) for i in members]
        value = resolve(raw, items, fail)
        if value.is_null_const:
            return False
        simple = all(i.is_const and isinstance(i.value, SCALARS) for i in items)
        if not simple or any(i.is_null_const for i in items):
            parts = [self.compare("$eq", value, i, want, node) for i in items]
            return or_(parts) if want else and_(parts)
        listed = {"$in": [value.expr, {"$literal": [i.value for i in items]}]}
        checks = [] if value.is_const else [not_null(value.expr)]
        return and_([*checks, listed if want else {"$not": [listed]}])

    def _between(
        self, node: exp.Between, want: bool, compare: Any, *, combine_and: Any, combine_or: Any
    ) -> Any:
        value = self.tr.translate(node.this)
        low, high = self.tr.translate(node.args["low"]), self.tr.translate(node.args["high"])
        orders = [(low, high), (high, low)] if node.args.get("symmetric") else [(low, high)]
        sides = []
        for first, last in orders:  # SYMMETRIC: either order of the bounds, with SQL's OR
            parts = [compare("$gte", value, first, want), compare("$lte", value, last, want)]
            if any(p is None for p in parts):
                return None
            sides.append(combine_and(parts) if want else combine_or(parts))
        if len(sides) == 1:
            return sides[0]
        return combine_or(sides) if want else combine_and(sides)

    def _like_parts(self, node: exp.Expr) -> tuple[Typed, str, str, bool]:
        """The value, the anchored regex ("" for a NULL pattern), its options, and NOT LIKE."""
        escape: str | None = "\\"
        if isinstance(node, exp.Escape):
            esc = self.tr.translate(node.expression)
            if not esc.is_const or not isinstance(esc.value, str) or len(esc.value) > 1:
                raise self.tr.error("ESCAPE must be a single character", node)
            escape = esc.value or None
            node = node.this
        assert isinstance(node, exp.Like | exp.ILike)
        self.tr.require(node.this, SqlType.TEXT)  # LEAST(s, '2024-09-02') LIKE …: the literal is text
        pattern = self.tr.translate(node.expression)
        if not pattern.is_const or not isinstance(pattern.value, str | type(None)):
            raise self.tr.error("the LIKE pattern must be a string constant or parameter", node.expression)
        value = self.tr.translate(node.this)
        options = "i" if isinstance(node, exp.ILike) else ""
        try:
            regex = like_regex(pattern.value, escape) if pattern.value is not None else ""
        except ValueError as exc:  # PostgreSQL raises it for any row; the pattern is constant here
            raise self.tr.error(str(exc), node.expression) from None
        return value, regex, options, bool(node.args.get("negate"))

    def _like_truth(self, node: exp.Expr, want: bool) -> Any:
        value, regex, options, negated = self._like_parts(node)
        if not regex or value.is_null_const:
            return False
        if negated:
            want = not want
        spec: dict[str, Any] = {"input": value.expr, "regex": regex}
        if options:
            spec["options"] = options
        test = {"$regexMatch": spec}
        return and_([not_null(value.expr), test if want else {"$not": [test]}])

    def _boolean_truth(self, node: exp.Expr, want: bool) -> Any:
        if isinstance(node, exp.Literal) and node.is_string:
            try:  # PostgreSQL coerces a bare unknown literal to the boolean a condition must be
                return parse_bool(node.this) is want
            except Unreadable as exc:
                raise self.tr.error(str(exc), node) from None
        if _only_quoted_results(node):
            # PostgreSQL types a CASE/COALESCE from its branches alone: all quoted makes it text.
            raise self.tr.error("a condition must be boolean, not text", node)
        # Otherwise a field is among the results and, in a condition, must be boolean: the quoted
        # results are read as booleans (where the field's type is known only per value).
        self.tr.context_types[id(node)] = SqlType.BOOL
        try:
            value = self.tr.translate(node)
        finally:
            self.tr.context_types.pop(id(node), None)
        if value.type not in (SqlType.BOOL, SqlType.ANY, SqlType.NULL):
            raise self.tr.error(f"a condition must be boolean, not {value.type.value}", node)
        if value.is_const:
            return value.value is want
        return {"$eq": [value.expr, want]}

    # -- plain query operators ----------------------------------------------------------------

    def _match(self, node: exp.Expr, want: bool) -> dict[str, Any] | None:
        node, want = unwrap(node, want)
        if isinstance(node, exp.And | exp.Or):
            conjunction = isinstance(node, exp.And) == want
            children = chain(node)
            sides = [self._match(child, want) for child in children]
            if conjunction:
                parts = [
                    s if s is not None else self.filter_expr(child, want)
                    for s, child in zip(sides, children, strict=True)
                ]
                if all(s is None for s in sides):
                    return None
                return merge_and(parts)
            if any(s is None for s in sides):
                return None
            return {"$or": _spliced("$or", [s for s in sides if s is not None])}
        if type(node) in OPS and is_quantified(node):
            return self._match_any(node, want)
        if type(node) in OPS:
            a, b = self.tr.translate(node.this), self.tr.translate(node.expression)
            return self._match_compare(OPS[type(node)], a, b, want, node)
        if isinstance(node, exp.Is):
            value = self.tr.translate(node.this)
            if value.numeric_path is not None and isinstance(node.expression, exp.Null):
                positive = want != bool(node.args.get("negate"))
                return {value.numeric_path: None} if positive else {value.numeric_path: {"$ne": None}}
            if value.path is None:
                return None
            positive = want != bool(node.args.get("negate"))
            if isinstance(node.expression, exp.Null):
                return {value.path: None} if positive else {value.path: {"$ne": None}}
            if isinstance(node.expression, exp.Boolean):
                flag = bool(node.expression.this)
                return {value.path: flag} if positive else {value.path: {"$ne": flag}}
            return None
        if isinstance(node, exp.In):
            return self._match_in(node, want)
        if isinstance(node, exp.Between):
            parts = self._between(
                node, want, self._match_compare, combine_and=merge_and, combine_or=_or_filter
            )
            return parts
        if is_regex_condition(node):
            return regex_match(self.tr, node, want)
        if isinstance(node, exp.Like | exp.ILike | exp.Escape):
            return self._match_like(node, want)
        if isinstance(node, exp.Column | exp.Dot):
            value = self.tr.translate(node)
            return {value.path: want} if value.path else None
        return None

    def _match_any(self, node: exp.Expr, want: bool) -> dict[str, Any] | None:
        """``constant = ANY(array field)`` as ``{field: constant}``: a query operator on an array
        matches its elements (type-bracketed, as the comparison is), so a multikey index serves it.
        A field holding a scalar would match too; PostgreSQL's array column cannot hold one."""
        found = quantifier(node.expression)
        if not want or not isinstance(node, exp.EQ) or found is None or found[0] != "ANY":
            return None
        if isinstance(found[1], exp.Subquery | exp.Select):
            return None
        array, value = self.tr.translate(found[1]), self.tr.translate(node.this)
        if array.path is None or not value.is_const or value.value is None:
            return None
        if is_unknown(value) and match_guard(array.path, value.value, COMPARED_KINDS) is not None:
            return None  # its guard would test the array's type, not its elements': keep $expr
        return self._match_compare("$eq", array, value, True, node, elements=True)

    def filter_expr(self, node: exp.Expr, want: bool) -> dict[str, Any]:
        truth = self.truth(node, want)
        return NEVER if truth is False else {} if truth is True else {"$expr": truth}

    def _match_compare(
        self, op: str, a: Typed, b: Typed, want: bool, node: exp.Expr | None = None, elements: bool = False
    ) -> dict[str, Any] | None:
        """``elements``: ``a`` is an array whose elements are compared (``b = ANY(a)``)."""
        written, symbol = (a, b), SYMBOLS[op]
        if not elements and (a.numeric_path is not None or b.numeric_path is not None):
            return self._match_numeric(op, a, b, want, node)
        if a.path is None:
            a, b, op = b, a, MIRROR[op]
        if a.path is None or not b.is_const:
            return None
        if a.type in STATIC and not elements and not b.untyped:  # no operator across categories
            comparable(*written, self.failure(node), symbol)
        if not want:
            op = NEGATE[op]
        if is_unknown(b) and a.type not in STATIC:
            check_array_syntax(b.value, self.failure(node))
            plain = self._match_unknown(op, a.path, b.value, not elements)
            if elements:
                return plain
            # An array value reads the literal as an array (``tags = '{vip}'``): query operators
            # would match its elements instead, so arrays take the $expr comparison.
            arrays = {a.path: {"$type": "array"}, "$expr": self.compare(op, a, b, True, node)}
            return {"$or": [*_spliced("$or", [plain]), arrays]}
        typed = b.untyped or a.type in STATIC
        b = resolve(b, [a], self.failure(node))
        if b.value is None:
            return NEVER
        if isinstance(b.value, Decimal):
            return numeric.match_filter(a.path, op, b.value)
        if not isinstance(b.value, SCALARS) and not _is_datetime(b.value):
            return None
        values = [b.value] if typed else [value for _, value in readings(b)]
        if op == "$eq":
            return {a.path: values[0]} if len(values) == 1 else {a.path: {"$in": values}}
        if op == "$ne":
            return {a.path: {"$nin": [*values, None]}}
        ors = [{a.path: {op: v}} for v in values]
        return ors[0] if len(ors) == 1 else {"$or": ors}

    def _match_numeric(
        self, op: str, a: Typed, b: Typed, want: bool, node: exp.Expr | None
    ) -> dict[str, Any] | None:
        """``numeric field op constant`` (``paths.numeric_read``): integers and Decimal128 values by
        a query operator on the field; a double by its ``float8_numeric``, in ``$expr``."""
        if a.numeric_path is None:
            a, b, op = b, a, MIRROR[op]
        if a.numeric_path is None or not b.is_const:
            return None
        if not b.untyped:
            comparable(a, b, self.failure(node), SYMBOLS[op])
        b = resolve(b, [a], self.failure(node))
        if b.value is None:
            return NEVER
        if isinstance(b.value, bool) or not isinstance(b.value, int | Decimal):
            return None
        doubles = self.compare(op, a, b, want, node)
        return numeric.numeric_field_filter(
            a.numeric_path, op if want else NEGATE[op], Decimal(b.value), doubles
        )

    def _match_unknown(self, op: str, path: str, text: str, scalars: bool = False) -> dict[str, Any]:
        """``field op 'text'`` for a field typed only per value: each BSON type with its reading.

        Query operators are type-bracketed, so ``{f: {$in: [30, '30']}}`` matches a number field as
        the number and a string field as the string. A range needs one clause per reading, each kept
        to its BSON types (a double and a decimal reading of '0.1' differ). A field holding a type
        the literal cannot be read as makes the server fail, as PostgreSQL does.
        """
        groups = reading_groups(text, COMPARED_KINDS)
        not_array = ["array"] if scalars else []
        if op == "$eq":
            ors: list[dict[str, Any]] = [
                {path: self._not_unreadable({"$in": [v for _, v in groups]}, also=not_array)}
            ]
        elif op == "$ne":
            ors = [
                {path: self._not_unreadable({"$nin": [*(v for _, v in groups), None]}, text, also=not_array)}
            ]
        else:
            ors = [
                {path: self._not_unreadable({"$type": types, op: v}, also=not_array)} for types, v in groups
            ]
        guard = match_guard(path, text, COMPARED_KINDS)
        ors += [guard] if guard is not None else []
        return ors[0] if len(ors) == 1 else {"$or": ors}

    @staticmethod
    def _not_unreadable(condition: dict[str, Any], *texts: str, also: Sequence[str] = ()) -> dict[str, Any]:
        """``condition`` for values of the BSON types every literal can be read as: the others must
        reach the failing branch (a ``$ne`` would otherwise match them first)."""
        bad = sorted({*also, *(t for text in texts for t in unreadable_types(text, COMPARED_KINDS))})
        return {**condition, "$not": {"$type": bad}} if bad else condition

    def _match_in(self, node: exp.In, want: bool) -> dict[str, Any] | None:
        if node.args.get("query") is not None:
            return None
        value = self.tr.translate(node.this)
        items = self._in_items(node)
        if value.numeric_path is not None and want and all(i.is_const for i in items):
            eqs = [self._match_numeric("$eq", value, item, True, node) for item in items]
            if any(e is None for e in eqs):
                return None
            ors = [e for e in eqs if e is not NEVER and e is not None]
            return {"$or": _spliced("$or", ors)} if ors else NEVER
        if value.path is None or not all(i.is_const for i in items):
            return None
        if not all(i.value is None or isinstance(i.value, SCALARS) or _is_datetime(i.value) for i in items):
            return None
        fail = self.failure(node)
        guards: list[dict[str, Any]] = []
        values: list[Any] = []
        for item in items:
            if is_unknown(item) and value.type not in STATIC:
                values.extend(v for _, v in reading_groups(item.value, COMPARED_KINDS))
                guard = match_guard(value.path, item.value, COMPARED_KINDS)
                if guard is not None and guard not in guards:
                    guards.append(guard)
            else:
                typed = item.untyped or value.type in STATIC
                item = resolve(item, [value], fail)
                values.extend([item.value] if typed else [v for _, v in readings(item)])
        # A numeric constant matches a Decimal128 exactly and a double field as a double (as ``=`` does).
        values = [w for v in values for w in ((Decimal128(v), float(v)) if isinstance(v, Decimal) else (v,))]
        present = [v for v in values if v is not None]
        main: dict[str, Any]
        if want:
            main = {value.path: {"$in": present}} if present else NEVER
        elif len(present) != len(values):
            return NEVER  # x NOT IN (..., NULL) is never true
        else:
            texts = [i.value for i in items if is_unknown(i) and value.type not in STATIC]
            main = {value.path: self._not_unreadable({"$nin": [*present, None]}, *texts)}
        return {"$or": [main, *guards]} if guards else main

    def _match_like(self, node: exp.Expr, want: bool) -> dict[str, Any] | None:
        value, regex, options, negated = self._like_parts(node)
        if value.path is None:
            return None
        if not regex:
            return NEVER
        if negated:
            want = not want
        spec: dict[str, Any] = {"$regex": regex}
        if options:
            spec["$options"] = options
        return {value.path: spec} if want else {value.path: {"$type": "string", "$not": spec}}


_NUMBER = re.compile(r"^\s*[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?\s*$")
_BOOLEAN_WORDS = {
    "t": True,
    "true": True,
    "yes": True,
    "on": True,
    "f": False,
    "false": False,
    "no": False,
    "off": False,
}


def _false_on_null(op: str, a: Typed, b: Typed) -> Any | None:
    """``{op: [a, b]}`` in a form already false when a side is NULL, with no NULL check of its own
    (two operators per row fewer), or None. In ``$expr``, NULL equals no other value and sorts
    below every value; and a NULL side read as the other side's constant (``$ifNull``) makes an
    irreflexive comparison (``<>``, ``<``, ``>``) false."""
    if a.non_null and b.non_null:
        return {op: [a.expr, b.expr]}
    if op == "$eq" and (a.non_null or b.non_null):
        return {op: [a.expr, b.expr]}
    if op in ("$ne", "$lt", "$gt"):
        if b.is_const and b.non_null and not a.non_null:
            return {op: [{"$ifNull": [a.expr, b.expr]}, b.expr]}
        if a.is_const and a.non_null and not b.non_null:
            return {op: [a.expr, {"$ifNull": [b.expr, a.expr]}]}
    return None


def readings(value: Typed) -> list[tuple[str, Any]]:
    """What a constant means compared with a field of unknown type, by the field's BSON type.

    A text constant shaped like an ISO date also reads as that date. A quoted SQL literal is of
    unknown type in PostgreSQL and takes the column's type, so it also reads as a number or a
    boolean when it spells one (``age = '30'``). Query operators are type-bracketed, so matching
    any reading is exactly matching the one of the field's type.
    """
    if not isinstance(value.value, str):
        return [("value", value.value)]
    text = value.value
    out: list[tuple[str, Any]] = []
    date = parse_iso(text)
    if date is not None:
        out.append(("date", date))
    if value.untyped:
        if _NUMBER.match(text):
            number = float(text)
            out.append(("number", int(number) if number.is_integer() and abs(number) < 2**53 else number))
        if text.strip().lower() in _BOOLEAN_WORDS:
            out.append(("bool", _BOOLEAN_WORDS[text.strip().lower()]))
    out.append(("string", text))
    return out


def _is_datetime(value: Any) -> bool:
    import datetime as dt

    return isinstance(value, dt.datetime)


def _or_filter(parts: list[dict[str, Any]]) -> dict[str, Any]:
    return {"$or": parts}


def merge_and(parts: list[dict[str, Any]]) -> dict[str, Any]:
    """``$and`` of filters, merged into one document when their fields and operators do not clash."""
    parts = [p for p in _spliced("$and", parts) if p != {}]
    if any(p == NEVER for p in parts):
        return NEVER
    merged: dict[str, Any] = {}
    for part in parts:
        for key, cond in part.items():
            if key not in merged:
                merged[key] = cond
                continue
            old = merged[key]
            if _ops(old) and _ops(cond) and not set(old) & set(cond) and not key.startswith("$"):
                merged[key] = {**old, **cond}
                continue
            return {"$and": parts} if len(parts) > 1 else parts[0]
    return merged


def _ops(cond: Any) -> bool:
    return isinstance(cond, dict) and bool(cond) and all(k.startswith("$") for k in cond)


def _only_quoted_results(node: exp.Expr) -> bool:
    """Whether every value a CASE/COALESCE/NULLIF/GREATEST/LEAST can return is a quoted literal or NULL."""
    stack, seen = [node], False
    while stack:
        item = stack.pop()
        while isinstance(item, exp.Paren):
            item = item.this
        if isinstance(item, exp.Case):
            stack.extend(i.args.get("true") for i in item.args.get("ifs") or [])
            if item.args.get("default") is not None:
                stack.append(item.args["default"])
        elif isinstance(item, exp.Coalesce | exp.Greatest | exp.Least):
            stack.extend([item.this, *item.expressions])
        elif isinstance(item, exp.Nullif):
            stack.append(item.this)
        elif isinstance(item, exp.Literal) and item.is_string:
            seen = True
        elif not isinstance(item, exp.Null):
            return False
    return seen and node is not None and not isinstance(node, exp.Literal)


def _width_rank(value: Typed) -> int:
    """Where a member ranks in PostgreSQL's common type of numbers: double, numeric, bigint, integer."""
    if value.type == SqlType.FLOAT:
        return 0
    if value.type == SqlType.DECIMAL:
        return 1
    if value.type == SqlType.INT and (value.int64 or numeric.kinds(value) == frozenset({numeric.INT64})):
        return 2
    return 3
