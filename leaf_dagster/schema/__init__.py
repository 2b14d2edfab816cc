"""``CREATE DOCUMENT_SCHEMA`` DDL → one typed schema model → validators, indexes, quality stats.

No Dagster import here. Parse with :func:`parse_ddl` (or :func:`load_ddl` for a file); every output
is generated from the :mod:`leaf_dagster.schema.model` classes re-exported below:
:func:`to_json_schema` (the validator), :func:`apply_schema` (collMod + indexes),
:func:`schema_stats` (the data-quality report) and :func:`render_schema` (canonical DDL).
"""

from leaf_dagster.schema.apply import ApplyResult, SchemaPlan, apply_schema, plan_schema
from leaf_dagster.schema.catalog import sql_catalog
from leaf_dagster.schema.defaults import NO_DEFAULT, apply_defaults, default_value
from leaf_dagster.schema.errors import LeafSchemaError
from leaf_dagster.schema.model import (
    AlterAddColumn,
    And,
    ArrayType,
    Between,
    Check,
    Comparison,
    Condition,
    CurrentTimestamp,
    Default,
    DocumentSchema,
    DocumentType,
    EnumType,
    Field,
    FieldType,
    IndexDef,
    IndexKey,
    InList,
    IsNull,
    Like,
    LiteralValue,
    Not,
    Or,
    Reference,
    Scalar,
    ScalarType,
    SchemaSet,
    StructuredDefault,
    VariantCase,
    VariantType,
    WalkedField,
    condition_leaves,
)
from leaf_dagster.schema.parser import load_ddl, parse_ddl
from leaf_dagster.schema.render import render_schema
from leaf_dagster.schema.stats import SchemaStats, schema_stats
from leaf_dagster.schema.validator import bson_types, build_validator, to_json_schema

__all__ = [
    "NO_DEFAULT",
    "AlterAddColumn",
    "And",
    "ApplyResult",
    "ArrayType",
    "Between",
    "Check",
    "Comparison",
    "Condition",
    "CurrentTimestamp",
    "Default",
    "DocumentSchema",
    "DocumentType",
    "EnumType",
    "Field",
    "FieldType",
    "InList",
    "IndexDef",
    "IndexKey",
    "IsNull",
    "LeafSchemaError",
    "Like",
    "LiteralValue",
    "Not",
    "Or",
    "Reference",
    "Scalar",
    "ScalarType",
    "SchemaPlan",
    "SchemaSet",
    "SchemaStats",
    "StructuredDefault",
    "VariantCase",
    "VariantType",
    "WalkedField",
    "apply_defaults",
    "apply_schema",
    "bson_types",
    "build_validator",
    "condition_leaves",
    "default_value",
    "load_ddl",
    "parse_ddl",
    "plan_schema",
    "render_schema",
    "schema_stats",
    "sql_catalog",
    "to_json_schema",
]
