"""Column-level metadata of collection assets: ``dagster/column_schema``, ``dagster/column_lineage``,
``dagster/table_name``.

Sources take their columns from their ``CREATE DOCUMENT_SCHEMA`` (every field, nested ones by dotted
path, with its DDL type and NOT NULL / UNIQUE). Rollup targets take theirs from the rollup's output
columns, typed by the source field a column copies (else by sqlglot's type inference over the DDL
types), unless a schema describes the target. The lineage of each output column is traced with
``sqlglot.lineage`` through CTEs, joins and UNNEST back to the source collections' fields.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import dagster as dg
import sqlglot
from sqlglot import exp
from sqlglot.lineage import Node, lineage
from sqlglot.optimizer.annotate_types import annotate_types
from sqlglot.optimizer.qualify import qualify

from leaf_dagster.rollups import RollupSpec
from leaf_dagster.schema import DocumentSchema
from leaf_dagster.schema.model import ArrayType, DocumentType, EnumType, FieldType, ScalarType

_SQL_TYPES = {
    "objectid": "TEXT",
    "string": "TEXT",
    "text": "TEXT",
    "int": "INT",
    "long": "BIGINT",
    "decimal": "DECIMAL",
    "bool": "BOOLEAN",
    "date": "DATE",
    "timestamp": "TIMESTAMP",
}


def type_name(kind: FieldType) -> str:
    """A DDL type as the UI shows it: ``varchar(30)``, ``decimal(10,2)``, ``array<document>``, …"""
    if isinstance(kind, ScalarType):
        if kind.max_length is not None:
            return f"varchar({kind.max_length})"
        if kind.precision is not None:
            return f"decimal({kind.precision},{kind.scale or 0})"
        return kind.kind
    if isinstance(kind, EnumType):
        return "enum(" + ", ".join(kind.values) + ")"
    if isinstance(kind, DocumentType):
        return "document"
    if isinstance(kind, ArrayType):
        return f"array<{type_name(kind.of)}>"
    return "variant"


def schema_columns(schema: DocumentSchema) -> dg.TableSchema:
    seen: set[str] = set()
    columns = []
    for walked in schema.walk_fields():
        if walked.path in seen:  # VARIANT cases may repeat a path
            continue
        seen.add(walked.path)
        f = walked.field
        columns.append(
            dg.TableColumn(
                walked.path,
                type_name(f.type),
                constraints=dg.TableColumnConstraints(
                    nullable=not f.required, unique=f.unique or f.primary_key
                ),
            )
        )
    return dg.TableSchema(columns=columns)


def collection_metadata(
    database: str, collection: str, columns: DocumentSchema | dg.TableSchema | None
) -> dict[str, Any]:
    """``dagster/table_name`` (``db.collection``) and, if known, ``dagster/column_schema``."""
    metadata: dict[str, Any] = {"dagster/table_name": f"{database}.{collection}"}
    if isinstance(columns, DocumentSchema):
        columns = schema_columns(columns)
    if columns is not None:
        metadata["dagster/column_schema"] = columns
    return metadata


def _field_types(schemas: Mapping[str, DocumentSchema]) -> dict[str, dict[str, str]]:
    """collection → dotted field path → DDL type name."""
    return {
        name: {w.path: type_name(w.field.type) for w in schema.walk_fields()}
        for name, schema in schemas.items()
    }


def _parse(spec: RollupSpec, quoted: bool = False) -> exp.Expr:
    tree = sqlglot.parse_one(spec.sql, dialect="postgres")
    if quoted:  # MongoDB field names are case-sensitive: keep sqlglot from lowercasing them
        for identifier in tree.find_all(exp.Identifier):
            identifier.set("quoted", True)
    return tree


def rollup_column_schema(spec: RollupSpec, schemas: Mapping[str, DocumentSchema]) -> dg.TableSchema:
    """The rollup's output columns, typed by the source field a column copies, else by sqlglot."""
    types = _field_types(schemas)
    lineage_by_column = trace_columns(spec)
    inferred = _inferred_types(spec, schemas)
    columns = []
    for name in spec.columns:
        deps = lineage_by_column.get(name, set())
        copied = {types.get(c, {}).get(f) for c, f, direct in deps if direct}
        if name == spec.time_column:  # the partition's start, bound by the engine
            kind: str | None = "timestamp"
        elif len(copied) == 1 and None not in copied:
            kind = copied.pop()
        else:
            kind = inferred.get(name.lower(), "unknown")
        columns.append(dg.TableColumn(name, kind or "unknown"))
    return dg.TableSchema(columns=columns)


def _inferred_types(spec: RollupSpec, schemas: Mapping[str, DocumentSchema]) -> dict[str, str]:
    """Output column → the type sqlglot infers (aggregates, arithmetic, CASE); {} if it cannot."""
    sql_schema: dict[str, object] = {
        name: {path.split(".")[0]: _SQL_TYPES.get(t, "TEXT") for path, t in fields.items()}
        for name, fields in _field_types(schemas).items()
        if name in spec.sources
    }
    try:
        tree = qualify(_parse(spec), schema=sql_schema, dialect="postgres", validate_qualify_columns=False)
        typed = annotate_types(tree, schema=sql_schema)
    except Exception:  # inference is a nicety: an untyped column shows "unknown"
        return {}
    if not isinstance(typed, exp.Query):
        return {}
    out = {}
    for select in typed.selects:
        data_type = select.type
        if data_type is not None and not data_type.is_type(exp.DataType.Type.UNKNOWN):
            out[select.alias_or_name.lower()] = data_type.sql(dialect="postgres").lower()
    return out


# Lineage is a pure function of the SQL, and every process that loads the code location (each run,
# each step process of a multiprocess run) builds it: traced once per rollup and process.
_traced: dict[tuple[str, tuple[str, ...]], dict[str, set[tuple[str, str, bool]]]] = {}


def trace_columns(spec: RollupSpec) -> dict[str, set[tuple[str, str, bool]]]:
    """Output column → {(source collection, source field path, copied unchanged)}."""
    key = (spec.sql, tuple(spec.columns))
    if key not in _traced:
        _traced[key] = _trace(spec)
    return {name: set(leaves) for name, leaves in _traced[key].items()}


def _trace(spec: RollupSpec) -> dict[str, set[tuple[str, str, bool]]]:
    tree = _parse(spec, quoted=True)
    try:  # every column in one walk: the query is qualified once, not once per column
        roots = lineage(None, tree, {}, dialect="postgres")
    except Exception:  # one column sqlglot cannot trace: trace the others one by one
        roots = {}
    assert isinstance(roots, dict)
    out: dict[str, set[tuple[str, str, bool]]] = {}
    for name in spec.columns:
        root = roots.get(name)
        if root is None:
            try:
                root = lineage(exp.column(name, quoted=True), tree, {}, dialect="postgres")
            except Exception:  # a construct sqlglot cannot trace: the column simply has no lineage
                continue
        assert not isinstance(root, dict)
        out[name] = _leaves(root)
    return out


def _leaves(root: Node) -> set[tuple[str, str, bool]]:
    found: set[tuple[str, str, bool]] = set()
    stack: list[tuple[Node, Node | None, bool]] = [(root, None, True)]
    while stack:
        node, parent, direct = stack.pop()
        copies = (
            direct and isinstance(node.expression, exp.Alias | exp.Column) and _is_column(node.expression)
        )
        if node.downstream:
            stack += [(child, node, copies) for child in node.downstream]
            continue
        if not isinstance(node.source, exp.Table) or parent is None:
            continue
        collection = node.source.name
        alias, _, first = node.name.replace('"', "").rpartition(".")
        for path in _field_paths(parent.expression, alias, first):
            found.add((collection, path, direct))
    return found


def _is_column(node: exp.Expr) -> bool:
    inner = node.this if isinstance(node, exp.Alias) else node
    return isinstance(inner, exp.Column | exp.Dot)


def _field_paths(expression: exp.Expr, alias: str, first: str) -> set[str]:
    """The dotted source paths of the columns in ``expression`` that sqlglot's lineage names
    ``alias.first`` (it keeps only the first part of a nested path such as ``u.profile.firstName``)."""
    paths: set[str] = set()
    for column in expression.find_all(exp.Column):
        parts = [part.name for part in column.parts]
        node: exp.Expr = column
        while isinstance(node.parent, exp.Dot) and node.parent.this is node:  # u.profile.firstName
            node = node.parent
            parts.append(node.name)
        if len(parts) > 1 and parts[0] == alias:
            parts = parts[1:]
        if parts and parts[0] == first:
            paths.add(".".join(parts))
    return paths or {first}


def column_lineage(spec: RollupSpec, key_of: Mapping[str, dg.AssetKey]) -> dict[str, Any]:
    """``dagster/column_lineage``: each output column's source fields, on the assets of the
    collections the rollup reads (``key_of``: collection → asset key)."""
    deps_by_column = {}
    for name, leaves in trace_columns(spec).items():
        deps = [
            dg.TableColumnDep(asset_key=key_of[collection], column_name=path)
            for collection, path, _ in sorted(leaves)
            if collection in key_of
        ]
        if deps:
            deps_by_column[name] = deps
    return {"dagster/column_lineage": dg.TableColumnLineage(deps_by_column)} if deps_by_column else {}
