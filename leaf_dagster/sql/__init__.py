"""PostgreSQL SELECTs compiled to MongoDB aggregation pipelines (no Dagster import here).

``compile_sql`` gives the pipeline, ``run_sql`` runs it; ``compile_expression`` and
``compile_condition`` translate a single expression or WHERE condition over one document's fields
(for update pipelines and filters). Anything not translated exactly raises ``LeafSQLError``.
"""

from leaf_dagster.sql.compiler import CompiledQuery, compile_condition, compile_expression, compile_sql
from leaf_dagster.sql.errors import LeafSQLError
from leaf_dagster.sql.runner import run_sql

__all__ = [
    "CompiledQuery",
    "LeafSQLError",
    "compile_condition",
    "compile_expression",
    "compile_sql",
    "run_sql",
]
