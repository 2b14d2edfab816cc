"""A document schema → the frames to read and the Great Expectations suite to run on each.

The plan is plain data (no GX import): :func:`build_plan` decides which frames and columns to
build and one :class:`Rule` per expectation; :func:`gx_suites` turns the rules into GX 1.x
``ExpectationSuite`` objects, one per frame (the root frame and each exploded array).

Values are read through computed columns named ``<path>#<view>``, so GX sees clean typed data:

- ``#type``: the BSON type alias of the value (pandas dtypes cannot tell int from long or a date
  from a timestamp, so types are checked exactly, per value, against
  :func:`leaf_dagster.schema.validator.bson_types`),
- ``#str`` / ``#num`` / ``#len`` / ``#scalar``: the value when it is a string / number / array
  length / hashable, else null (``maxLength`` and ``minimum`` apply to strings and numbers only,
  as in ``$jsonSchema``; a value of another type is reported by the type expectation),
- ``#check<n>``: a CHECK the native expectations cannot express, evaluated per row,
- ``#unique`` / ``#ref``: filled per batch from server-side queries (exact over the collection).

Each rule has a severity: ERROR (blocking) for NOT NULL, UNIQUE and REFERENCES, WARN for the
rest; :func:`build_plan` takes overrides by kind (``"enum"``) or by rule id.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from functools import lru_cache
from typing import TYPE_CHECKING, Any, Literal, get_args

from leaf_dagster.quality.frames import ROOT, FrameSpec
from leaf_dagster.quality.options import Severity
from leaf_dagster.schema import (
    And,
    ArrayType,
    Between,
    Check,
    Comparison,
    DocumentSchema,
    DocumentType,
    EnumType,
    Field,
    FieldType,
    Reference,
    Scalar,
    ScalarType,
    condition_leaves,
)
from leaf_dagster.schema.validator import INT32_MAX, INT32_MIN, bson_types

if TYPE_CHECKING:
    import great_expectations as gx

Kind = Literal[
    "not_null",
    "type",
    "enum",
    "max_length",
    "range",
    "check",
    "array_length",
    "element_not_null",
    "unique",
    "references",
]
View = Literal["type", "str", "num", "len", "scalar", "check", "unique", "ref"]

BLOCKING_KINDS: frozenset[str] = frozenset({"not_null", "unique", "references"})
NUMERIC_KINDS = ("int", "long", "decimal")


def default_severity(kind: str) -> Severity:
    return "ERROR" if kind in BLOCKING_KINDS else "WARN"


@dataclass(frozen=True)
class Derived:
    """A computed column ``name`` in ``frame``, derived from the value column ``source``."""

    name: str
    frame: str
    source: str
    view: View
    check: Check | None = None
    reference: Reference | None = None
    array_paths: tuple[str, ...] = ()
    """For ``unique``: the enclosing arrays to ``$unwind`` when counting on the server."""


@dataclass(frozen=True)
class Rule:
    """One expectation: which GX expectation runs on which frame column, under which condition."""

    id: str
    kind: Kind
    frame: str
    path: str
    severity: Severity
    description: str
    expectation: str
    column: str
    params: tuple[tuple[str, Any], ...] = ()
    conditions: tuple[tuple[str, Scalar], ...] = ()
    """ANDed ``column == value`` row conditions (VARIANT case, parent document present)."""

    def to_gx(self) -> gx.expectations.Expectation:
        """The GX expectation; its row conditions are applied by the runner, which validates the
        matching rows of the frame (one suite per frame and condition, see :func:`gx_suites`)."""
        from leaf_dagster.quality.gxcontext import import_gx

        gxe = import_gx().expectations
        kwargs: dict[str, Any] = {k: list(v) if isinstance(v, tuple) else v for k, v in self.params}
        meta: dict[str, Any] = {"leaf_rule": self.id, "severity": self.severity}
        if self.conditions:
            meta["where"] = " and ".join(f"{c} == {v!r}" for c, v in self.conditions)
        cls = getattr(gxe, self.expectation)
        expectation: gx.expectations.Expectation = cls(column=self.column, meta=meta, **kwargs)
        return expectation


GroupKey = tuple[str, tuple[tuple[str, Scalar], ...]]
"""``(frame, conditions)``: the rows one suite runs on."""


@dataclass(frozen=True)
class SuitePlan:
    """Frames, computed columns and rules for validating one collection against its schema."""

    schema: DocumentSchema
    frames: tuple[FrameSpec, ...]
    derived: tuple[Derived, ...]
    rules: tuple[Rule, ...]
    notes: tuple[str, ...] = ()
    """Constraints the suite does not check, and why."""

    @property
    def collection(self) -> str:
        return self.schema.collection

    def rule(self, rule_id: str) -> Rule:
        return next(r for r in self.rules if r.id == rule_id)

    def groups(self) -> dict[GroupKey, tuple[Rule, ...]]:
        """Rules grouped by frame and row conditions, in rule order."""
        out: dict[GroupKey, list[Rule]] = {}
        for rule in self.rules:
            out.setdefault((rule.frame, rule.conditions), []).append(rule)
        return {key: tuple(rules) for key, rules in out.items()}


@dataclass
class _Builder:
    schema: DocumentSchema
    overrides: Mapping[str, Severity]
    columns: dict[str, dict[str, None]] = field(default_factory=dict)
    inherited: dict[str, dict[str, None]] = field(default_factory=dict)
    parents: dict[str, str] = field(default_factory=dict)
    derived: dict[tuple[str, str], Derived] = field(default_factory=dict)
    rules: list[Rule] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    checks_seen: int = 0

    def frame(self, path: str, parent: str | None) -> None:
        self.columns.setdefault(path, {})
        self.inherited.setdefault(path, {})
        if parent is not None:
            self.parents[path] = parent

    def value(self, frame: str, column: str) -> str:
        """Make ``column`` a value column of ``frame``; a column of an enclosing frame is inherited."""
        owner = self._owner(column, frame)
        if owner == frame:
            self.columns[frame][column] = None
        else:
            self.value(owner, column)
            current = frame
            while current != owner:
                self.inherited[current][column] = None
                current = self.parents[current]
        return column

    def _owner(self, column: str, frame: str) -> str:
        current: str | None = frame
        while current is not None and current != ROOT:
            if column == current or column.startswith(current + "."):
                return current
            current = self.parents.get(current)
        return ROOT

    def view(self, frame: str, source: str, view: View, **extra: Any) -> str:
        self.value(frame, source)
        suffix: str = view
        if view == "check":
            self.checks_seen += 1
            suffix = f"check{self.checks_seen}"
        name = f"{source}#{suffix}"
        self.derived.setdefault((frame, name), Derived(name, frame, source, view, **extra))
        return name

    def add(
        self,
        kind: Kind,
        frame: str,
        path: str,
        description: str,
        expectation: str,
        column: str,
        params: Mapping[str, Any] | None = None,
        conditions: tuple[tuple[str, Scalar], ...] = (),
        suffix: str = "",
    ) -> None:
        base = f"{path}:{kind}{suffix}"
        rule_id, n = base, 1
        while any(r.id == rule_id for r in self.rules):
            n += 1
            rule_id = f"{base}#{n}"
        severity = self.overrides.get(rule_id) or self.overrides.get(kind) or default_severity(kind)
        self.rules.append(
            Rule(
                rule_id,
                kind,
                frame,
                path,
                severity,
                description,
                expectation,
                column,
                tuple(sorted((k, _frozen(v)) for k, v in (params or {}).items())),
                conditions,
            )
        )


def _frozen(value: Any) -> Any:
    return tuple(value) if isinstance(value, list) else value


def build_plan(schema: DocumentSchema, severity_overrides: Mapping[str, Severity] | None = None) -> SuitePlan:
    """The frames and rules for ``schema``; cached per (schema, overrides)."""
    return _build_plan_cached(schema, tuple(sorted((severity_overrides or {}).items())))


@lru_cache(maxsize=64)
def _build_plan_cached(schema: DocumentSchema, overrides: tuple[tuple[str, Severity], ...]) -> SuitePlan:
    for key, value in overrides:
        if value not in ("ERROR", "WARN"):
            raise ValueError(f"severity for {key!r} must be ERROR or WARN, not {value!r}")
    b = _Builder(schema, dict(overrides))
    b.frame(ROOT, None)
    for walked in schema.walk_fields():
        frame = walked.array_path or ROOT
        b.frame(frame, None)
        variant: tuple[tuple[str, Scalar], ...] = ()
        suffix = ""
        if walked.variant is not None:
            disc, case = walked.variant
            variant = ((b.value(frame, disc), case),)
            suffix = f"[{disc}={case}]"
        _field_rules(b, walked.field, frame, variant, suffix)
    unknown = sorted(set(b.overrides) - {r.id for r in b.rules} - set(get_args(Kind)))
    if unknown:
        raise ValueError(
            f"unknown severity override(s) {', '.join(unknown)}: use a kind ({', '.join(get_args(Kind))}) "
            "or a rule id such as 'email:unique'"
        )
    frames = tuple(
        FrameSpec(path, b.parents.get(path) if path != ROOT else None, tuple(cols), tuple(b.inherited[path]))
        for path, cols in b.columns.items()
    )
    return SuitePlan(schema, frames, tuple(b.derived.values()), tuple(b.rules), tuple(b.notes))


def _parent_condition(b: _Builder, frame: str, path: str) -> tuple[tuple[str, Scalar], ...]:
    """A nested field is required only where its parent document is present (as ``required`` in
    ``$jsonSchema`` applies to present sub-documents); top-level fields of the root have no parent."""
    if "." not in path:
        return ()
    parent = path.rsplit(".", 1)[0]
    if frame == ROOT or parent.startswith(frame + ".") or parent == frame:
        return ((b.view(frame, parent, "type"), "object"),)
    return ()


def _field_rules(
    b: _Builder, f: Field, frame: str, variant: tuple[tuple[str, Scalar], ...], suffix: str
) -> None:
    path = f.path
    b.value(frame, path)
    if f.required:
        b.add(
            "not_null",
            frame,
            path,
            f"{path} is present and not null",
            "ExpectColumnValuesToNotBeNull",
            path,
            conditions=variant + _parent_condition(b, frame, path),
            suffix=suffix,
        )
    _type_rules(b, f.type, frame, path, variant, suffix)
    if isinstance(f.type, ArrayType):
        _array_rules(b, f, f.type, frame, variant, suffix)
    for check in f.checks:
        _check_rule(b, f, check, frame, variant, suffix)
    if f.unique and path != "_id":
        if variant:
            b.notes.append(f"{path}: UNIQUE inside a VARIANT case is not checked")
        else:
            arrays = _array_ancestors(b, frame)
            column = b.view(frame, path, "unique", array_paths=arrays)
            b.add(
                "unique",
                frame,
                path,
                f"{path} is unique across the collection",
                "ExpectColumnValuesToBeInSet",
                column,
                {"value_set": [True]},
                suffix=suffix,
            )
    if f.references is not None and not isinstance(f.type, ArrayType):
        _reference_rule(b, f.references, frame, path, variant, suffix)


def _array_ancestors(b: _Builder, frame: str) -> tuple[str, ...]:
    chain: list[str] = []
    current: str | None = frame
    while current is not None and current != ROOT:
        chain.append(current)
        current = b.parents.get(current)
    return tuple(reversed(chain))


def _reference_rule(
    b: _Builder, ref: Reference, frame: str, path: str, variant: tuple[tuple[str, Scalar], ...], suffix: str
) -> None:
    column = b.view(frame, path, "ref", reference=ref)
    b.add(
        "references",
        frame,
        path,
        f"{path} exists in {ref.collection}.{ref.field}",
        "ExpectColumnValuesToBeInSet",
        column,
        {"value_set": [True]},
        variant,
        suffix,
    )


def _type_rules(
    b: _Builder,
    ftype: FieldType,
    frame: str,
    path: str,
    conditions: tuple[tuple[str, Scalar], ...],
    suffix: str,
    label: str | None = None,
) -> None:
    """Type, enum, length and numeric-range rules of one value column (``label`` names it)."""
    name = label or path
    types = bson_types(ftype)
    if types is not None:
        b.add(
            "type",
            frame,
            name,
            f"{name} has BSON type {' or '.join(types)}",
            "ExpectColumnValuesToBeInSet",
            b.view(frame, path, "type"),
            {"value_set": list(types)},
            conditions,
            suffix,
        )
    if isinstance(ftype, EnumType):
        b.add(
            "enum",
            frame,
            name,
            f"{name} is one of {', '.join(ftype.values)}",
            "ExpectColumnValuesToBeInSet",
            b.view(frame, path, "scalar"),
            {"value_set": list(ftype.values)},
            conditions,
            suffix,
        )
    if isinstance(ftype, ScalarType):
        if ftype.max_length is not None:
            b.add(
                "max_length",
                frame,
                name,
                f"{name} has at most {ftype.max_length} characters",
                "ExpectColumnValueLengthsToBeBetween",
                b.view(frame, path, "str"),
                {"max_value": ftype.max_length},
                conditions,
                suffix,
            )
        bounds: dict[str, Any] | None = None
        if ftype.kind == "int":
            bounds = {"min_value": INT32_MIN, "max_value": INT32_MAX}
            what = "a 32-bit integer"
        elif ftype.kind == "decimal" and ftype.precision is not None:
            limit = 10 ** (ftype.precision - (ftype.scale or 0))
            bounds = {"min_value": -limit, "max_value": limit, "strict_min": True, "strict_max": True}
            what = f"within DECIMAL({ftype.precision},{ftype.scale or 0})"
        if bounds is not None:
            b.add(
                "range",
                frame,
                name,
                f"{name} is {what}",
                "ExpectColumnValuesToBeBetween",
                b.view(frame, path, "num"),
                bounds,
                conditions,
                suffix,
            )


def _array_rules(
    b: _Builder,
    f: Field,
    array: ArrayType,
    frame: str,
    variant: tuple[tuple[str, Scalar], ...],
    suffix: str,
) -> None:
    path = f.path
    if array.max_length is not None:
        b.add(
            "array_length",
            frame,
            path,
            f"{path} has at most {array.max_length} elements",
            "ExpectColumnValuesToBeBetween",
            b.view(frame, path, "len"),
            {"max_value": array.max_length},
            variant,
            suffix,
        )
    # Elements: one row each in the array's own frame; the element column is the array's path.
    b.frame(path, frame)
    conditions = tuple((b.value(path, col), value) for col, value in variant)
    b.value(path, path)
    b.add(
        "element_not_null",
        path,
        f"{path}[]",
        f"elements of {path} are not null",
        "ExpectColumnValuesToNotBeNull",
        path,
        conditions=conditions,
        suffix=suffix,
    )
    if isinstance(array.of, ArrayType):
        b.notes.append(f"{path}: elements of nested arrays are checked for type only")
        _type_rules(b, array.of, path, path, conditions, suffix, f"{path}[]")
        return
    _type_rules(b, array.of, path, path, conditions, suffix, f"{path}[]")
    if f.references is not None:
        _reference_rule(b, f.references, path, path, conditions, suffix)
    if f.unique:
        b.notes.append(f"{path}: UNIQUE on an array field is not checked")
    if isinstance(array.of, DocumentType):
        return  # its fields are walked by DocumentSchema.walk_fields with array_path=path


def _check_rule(
    b: _Builder, f: Field, check: Check, frame: str, variant: tuple[tuple[str, Scalar], ...], suffix: str
) -> None:
    path = f.path
    paths = check.paths()
    for leaf_path in paths:
        owner = b._owner(leaf_path, frame)
        if owner != frame and not frame.startswith(owner):
            b.notes.append(f"{path}: CHECK ({check.text}) reads {leaf_path} from another array; not checked")
            return
    native = _native_check(check, f)
    description = f"CHECK ({check.text})"
    if native is not None:
        expectation, params = native
        b.add(
            "check",
            frame,
            path,
            description,
            expectation,
            b.view(frame, path, "num"),
            params,
            variant,
            suffix,
        )
        return
    for leaf_path in paths:
        b.value(frame, leaf_path)
    column = b.view(frame, path, "check", check=check)
    b.add(
        "check",
        frame,
        path,
        description,
        "ExpectColumnValuesToBeInSet",
        column,
        {"value_set": [True]},
        variant,
        suffix,
    )


def _native_check(check: Check, f: Field) -> tuple[str, dict[str, Any]] | None:
    """A numeric range on a numeric field as ``ExpectColumnValuesToBeBetween``, or None.

    Only for INTEGER/BIGINT/DECIMAL fields: a value of another type is reported by the type rule,
    so reading the numeric view loses nothing.
    """
    if not (isinstance(f.type, ScalarType) and f.type.kind in NUMERIC_KINDS):
        return None
    leaves = list(condition_leaves(check.condition))
    if not isinstance(check.condition, And | Comparison | Between):
        return None
    if isinstance(check.condition, And) and any(not isinstance(i, Comparison) for i in check.condition.items):
        return None
    params: dict[str, Any] = {}
    for leaf in leaves:
        if leaf.path != f.path:
            return None
        if isinstance(leaf, Between):
            if leaf.negated or not (_is_number(leaf.low) and _is_number(leaf.high)):
                return None
            _tighten(params, "min", leaf.low, False)
            _tighten(params, "max", leaf.high, False)
        elif isinstance(leaf, Comparison):
            if leaf.length or leaf.op in ("=", "!=") or not _is_number(leaf.value):
                return None
            side = "min" if leaf.op in (">", ">=") else "max"
            _tighten(params, side, leaf.value, leaf.op in (">", "<"))
        else:
            return None
    return ("ExpectColumnValuesToBeBetween", params) if params else None


def _is_number(value: Scalar) -> bool:
    return isinstance(value, int | float | Decimal) and not isinstance(value, bool)


def _tighten(params: dict[str, Any], side: str, value: Scalar, strict: bool) -> None:
    key = f"{side}_value"
    if key in params:
        current = params[key]
        keep_current = current > value if side == "min" else current < value
        if keep_current or (current == value and params.get(f"strict_{side}")):
            return
    params[key] = float(value) if isinstance(value, Decimal) else value
    params[f"strict_{side}"] = strict


def gx_suites(plan: SuitePlan) -> dict[GroupKey, gx.ExpectationSuite]:
    """One GX ``ExpectationSuite`` per frame and row condition of ``plan`` (the root frame, each
    exploded array, each VARIANT case), each expectation tagged with its rule id in
    ``meta["leaf_rule"]``. Cached per plan (plans are cached per schema)."""
    return _gx_suites_cached(plan)


@lru_cache(maxsize=64)
def _gx_suites_cached(plan: SuitePlan) -> dict[GroupKey, gx.ExpectationSuite]:
    from leaf_dagster.quality.gxcontext import ensure_context, import_gx

    ensure_context()  # GX binds suites to the active context
    great_expectations = import_gx()
    # Given to the constructor, not add_expectation: that compares each new expectation with every
    # one before it (quadratic: 0.2-0.5 s a schema) to drop look-alikes, where each rule must keep
    # its own expectation (its result is read back by the rule id in ``meta``).
    return {
        key: great_expectations.ExpectationSuite(
            name=f"leaf.{plan.collection}.{key[0] or 'root'}.{n}", expectations=[r.to_gx() for r in rules]
        )
        for n, (key, rules) in enumerate(plan.groups().items())
    }
