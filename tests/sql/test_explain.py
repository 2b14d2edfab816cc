"""``--explain`` labels every stage of every corpus query with the construct it comes from."""

from __future__ import annotations

from collections import Counter

from leaf_dagster.sql import LeafSQLError, compile_sql
from leaf_dagster.sql.explain import annotate
from tests.sql import queries, queries_multi, queries_windows


def _stage_count(stages: list[dict]) -> int:
    total = 0
    for stage in stages:
        total += 1
        body = next(iter(stage.values()))
        if isinstance(body, dict) and isinstance(body.get("pipeline"), list):
            total += _stage_count(body["pipeline"])
        if "$facet" in stage:
            total += sum(_stage_count(branch) for branch in body.values())
    return total


def test_every_stage_of_the_corpora_gets_a_label() -> None:
    labels: Counter[str] = Counter()
    compiled = 0
    for query in [*queries.QUERIES, *queries_multi.QUERIES, *queries_windows.QUERIES]:
        try:
            pipeline = compile_sql(query.sql, params=query.params, now=queries.NOW).pipeline
        except LeafSQLError:
            continue
        lines = annotate(query.sql, pipeline)
        assert len(lines) == _stage_count(pipeline), query.id
        labels.update(line.construct for line in lines)
        compiled += 1
    assert compiled > 500
    assert labels["compiler helper"] == 0, "a stage operator explain.py does not know"
