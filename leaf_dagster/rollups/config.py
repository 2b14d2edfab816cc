"""Rollup files: a SELECT with a YAML config block at its top, in the spirit of dbt's ``config()``.

```sql
/* leaf
pattern: computed
target: customer_daily_orders
on: [customerId, day]
partition: daily
time_field: createdAt
time_column: day
*/
SELECT customerId, DATE_TRUNC('day', createdAt) AS day, COUNT(*) AS orders FROM orders
GROUP BY customerId, DATE_TRUNC('day', createdAt)
```

A partitioned rollup filters on its window in one of two ways:

- ``time_field``: a field of the base collection (the FROM); the engine prepends
  ``{$match: {time_field: {$gte: start, $lt: end}}}`` to the aggregation;
- the SQL parameters ``:partition_start`` / ``:partition_end`` (the half-open window), bound by the
  engine, for SQL whose time lives elsewhere (on a joined collection) or that reads more than the
  window (``b.bucketDate >= :partition_end - INTERVAL '30 days'``). Then there is no ``time_field``
  and ``time_column`` names the output column holding the partition's time (``:partition_start AS
  day``).

Every mistake raises :class:`LeafRollupConfigError` naming the file and the line.
"""

from __future__ import annotations

import datetime as dt
import difflib
import re
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any, NamedTuple, cast

import sqlglot
import yaml
from sqlglot import exp

from leaf_dagster.rollups import sqlbridge
from leaf_dagster.rollups.cron import cron_error
from leaf_dagster.rollups.errors import LeafRollupConfigError
from leaf_dagster.rollups.incremental import NotCombinableError, plan_incremental
from leaf_dagster.rollups.spec import PARTITION_PERIOD, WINDOW_PARAMS, BucketOptions, RollupSpec
from leaf_dagster.rollups.sqlbridge import CompiledRollupSQL, RollupSQLError

_HEADER = re.compile(r"\A(?P<lead>(?:[ \t]*(?:--[^\n]*)?\n)*)[ \t]*/\*[ \t]*leaf\b[ \t:]*\n?", re.IGNORECASE)

TOP_KEYS = (
    "name",
    "pattern",
    "target",
    "on",
    "write",
    "partition",
    "time_field",
    "time_column",
    "start",
    "schedule",
    "late_partitions",
    "incremental",
    "owners",
    "tags",
    "group",
    "description",
    "metadata_field",
    "bucket",
    "upstream_lookback",
    "watermark_lag",
)
BUCKET_KEYS = ("max_events", "size", "measures", "count_by", "distinct")
_GRAIN = {"hourly": 1, "daily": 24}


class _Loader(yaml.SafeLoader):
    """YAML 1.2-style booleans: ``on: userId`` is the key 'on', not True."""


_Loader.yaml_implicit_resolvers = {
    first: [(tag, regexp) for tag, regexp in resolvers if tag != "tag:yaml.org,2002:bool"]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}
_Loader.add_implicit_resolver(
    "tag:yaml.org,2002:bool", re.compile(r"^(?:true|True|TRUE|false|False|FALSE)$"), list("tTfF")
)


class _Item(NamedTuple):
    value: Any
    key_node: yaml.Node
    value_node: yaml.Node


class _Block:
    """The parsed config block: values plus the file line of every key, for error messages."""

    def __init__(self, text: str, first_line: int, source: str) -> None:
        self.source = source
        self.first_line = first_line
        try:
            node = yaml.compose(text, Loader=_Loader)
        except yaml.YAMLError as exc:
            mark = getattr(exc, "problem_mark", None)
            line = first_line + mark.line if mark is not None else first_line
            raise LeafRollupConfigError(
                f"config block is not valid YAML: {exc}", source=source, line=line
            ) from exc
        if node is None:
            node = yaml.MappingNode("tag:yaml.org,2002:map", [])
        if not isinstance(node, yaml.MappingNode):
            raise LeafRollupConfigError(
                "config block must be a mapping of key: value", source=source, line=first_line
            )
        self.node = node

    def error(self, message: str, node: yaml.Node | None = None) -> LeafRollupConfigError:
        line = self.first_line + node.start_mark.line if node is not None else self.first_line
        return LeafRollupConfigError(message, source=self.source, line=line)

    def items(self, node: yaml.MappingNode, allowed: Iterable[str], where: str) -> dict[str, _Item]:
        allowed = tuple(allowed)
        out: dict[str, _Item] = {}
        loader = _Loader("")
        for key_node, value_node in node.value:
            key = str(key_node.value)
            if key not in allowed:
                close = difflib.get_close_matches(key, allowed, n=1)
                hint = f" (did you mean {close[0]!r}?)" if close else f"; known keys: {', '.join(allowed)}"
                raise self.error(f"unknown {where}key {key!r}{hint}", key_node)
            if key in out:
                raise self.error(f"duplicate key {key!r}", key_node)
            out[key] = _Item(loader.construct_object(value_node, deep=True), key_node, value_node)
        return out


def split_rollup_text(text: str, source: str) -> tuple[str, int, str]:
    """The config block, the file line where it starts, and the SQL with the block blanked out.

    The SQL keeps its line numbers, so compiler errors point at the right line of the file.
    """
    match = _HEADER.match(text)
    if not match:
        raise LeafRollupConfigError(
            "no config block: a rollup file starts with /* leaf ... */ holding its YAML config",
            source=source,
            line=1,
        )
    end = text.find("*/", match.end())
    if end < 0:
        raise LeafRollupConfigError("config block /* leaf is never closed with */", source=source, line=1)
    header_line = match.group("lead").count("\n") + 1
    block = text[match.end() : end]
    first_line = header_line + (1 if text[match.start() : match.end()].endswith("\n") else 0)
    consumed = text[: end + 2]
    sql = "\n" * consumed.count("\n") + text[end + 2 :]
    return block, first_line, sql


def _as_str_tuple(value: Any, what: str, block: _Block, node: yaml.Node) -> tuple[str, ...]:
    if isinstance(value, str):
        return (value,)
    if isinstance(value, list) and value and all(isinstance(item, str) for item in value):
        return tuple(value)
    raise block.error(f"{what} must be a name or a non-empty list of names, got {value!r}", node)


def _choice(value: Any, choices: tuple[str, ...], what: str, block: _Block, node: yaml.Node) -> str:
    if value not in choices:
        close = difflib.get_close_matches(str(value), choices, n=1)
        hint = f" (did you mean {close[0]!r}?)" if close else ""
        raise block.error(f"{what} must be one of {', '.join(choices)}; got {value!r}{hint}", node)
    return cast(str, value)


def _string(value: Any, what: str, block: _Block, node: yaml.Node) -> str:
    if not isinstance(value, str) or not value:
        raise block.error(f"{what} must be a non-empty string, got {value!r}", node)
    return value


def _start(value: Any, block: _Block, node: yaml.Node) -> str:
    if isinstance(value, dt.datetime):
        return value.strftime("%Y-%m-%d-%H:%M")
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, str):
        for fmt in ("%Y-%m-%d", "%Y-%m-%d-%H:%M"):
            try:
                dt.datetime.strptime(value, fmt)
                return value
            except ValueError:
                continue
    raise block.error(f"start must be a date like 2024-09-01, got {value!r}", node)


_LOOKBACK = re.compile(r"^\s*(\d+)\s*(hours?|days?)\s*$", re.IGNORECASE)
_WINDOW_HINT = "AND b.bucketDate >= :partition_start AND b.bucketDate < :partition_end"


def _upstream_lookback(value: Any, block: _Block, node: yaml.Node | None) -> dt.timedelta:
    match = _LOOKBACK.match(str(value)) if isinstance(value, str | int) else None
    if match is None or int(match.group(1)) < 1:
        raise block.error(
            f"upstream_lookback must be a duration like '30 days' or '48 hours', got {value!r}", node
        )
    amount, unit = int(match.group(1)), match.group(2).lower()
    return dt.timedelta(days=amount) if unit.startswith("day") else dt.timedelta(hours=amount)


_LAG = re.compile(r"^\s*(\d+)\s*(seconds?|minutes?|hours?)\s*$", re.IGNORECASE)


def _watermark_lag(value: Any, block: _Block, node: yaml.Node | None) -> dt.timedelta:
    match = _LAG.match(str(value)) if isinstance(value, str) else None
    if match is None:
        raise block.error(
            f"watermark_lag must be a duration like '30 seconds', '5 minutes' or '0 seconds', got {value!r}",
            node,
        )
    amount, unit = int(match.group(1)), match.group(2).lower().rstrip("s")
    return dt.timedelta(**{f"{unit}s": amount})


def sql_window_params(sql: str) -> tuple[str, ...]:
    """The window parameters (``:partition_start``, ``:partition_end``) the SQL references.

    SQL that does not parse has none here: the compiler reports its error, with the line.
    """
    try:
        tree = sqlglot.parse_one(sql, dialect="postgres")
    except sqlglot.errors.SqlglotError:
        return ()
    names = {node.name for node in tree.find_all(exp.Placeholder)}
    return tuple(name for name in WINDOW_PARAMS if name in names)


def _sql_line(sql: str, pattern: str) -> int | None:
    """The file line of the first match of ``pattern`` in the SQL outside ``--`` comments."""
    for number, line in enumerate(sql.splitlines(), start=1):
        if re.search(pattern, line.split("--", 1)[0]):
            return number
    return None


def _field_owners(sql: str, field_name: str) -> tuple[set[str], bool]:
    """Which collections (by table name) the SQL reads ``field_name`` from through an alias, and
    whether it also reads it unqualified."""
    tree = sqlglot.parse_one(sql, dialect="postgres")
    ctes = {cte.alias_or_name for cte in tree.find_all(exp.CTE)}
    aliases = {t.alias_or_name: t.name for t in tree.find_all(exp.Table) if t.name and t.name not in ctes}
    owners: set[str] = set()
    unqualified = False
    for column in tree.find_all(exp.Column):
        parts = [part.name for part in column.parts]
        if parts and parts[0] in aliases and len(parts) > 1:
            if parts[1] == field_name:
                owners.add(aliases[parts[0]])
        elif parts and parts[0] == field_name:
            unqualified = True
    return owners, unqualified


def _check_window(
    spec: RollupSpec,
    compiled: CompiledRollupSQL,
    sql: str,
    block: _Block,
    node: Callable[[str], yaml.Node | None],
) -> None:
    """How a partitioned rollup filters on its window: time_field on the base collection, or the
    window parameters in its SQL (never both, never neither)."""
    params = " / ".join(f":{name}" for name in WINDOW_PARAMS)
    if spec.window_params:
        first = spec.window_params[0]
        line = _sql_line(sql, rf":{first}\b")
        if spec.pattern != "computed":
            raise LeafRollupConfigError(
                f"the SQL uses :{first}: window parameters are for computed rollups; a bucket rollup "
                "filters on its time_field",
                source=block.source,
                line=line,
            )
        if spec.partition is None:
            raise LeafRollupConfigError(
                f"the SQL uses :{first}, which is bound to the partition window: add partition: daily "
                "(or hourly)",
                source=block.source,
                line=line,
            )
        if spec.time_field is not None:
            raise block.error(
                f"time_field {spec.time_field!r} and the SQL's {params} both filter on the window: the "
                "SQL already filters, so drop time_field (time_column names the output's time column)",
                node("time_field"),
            )
        if spec.time_column is None:
            raise block.error(
                "a rollup whose SQL filters with the window parameters needs time_column: the output "
                "column holding the partition's time (e.g. :partition_start AS day, time_column: day)",
                node("partition"),
            )
        return
    if spec.upstream_lookback is not None:
        raise block.error(
            f"upstream_lookback is for rollups whose SQL reads a range ending at :partition_end; this "
            f"SQL uses neither {params}",
            node("upstream_lookback"),
        )
    if spec.time_field is None:
        if spec.partition is not None:
            raise block.error(
                f"partition: {spec.partition} needs a window: time_field (a field of the base collection "
                f"{compiled.collection!r}, which the engine filters on [start, end) before the SQL runs) "
                f"or the SQL parameters {params} (e.g. {_WINDOW_HINT})",
                node("partition"),
            )
        return
    owners, unqualified = _field_owners(sql, spec.time_field.split(".", 1)[0])
    others = owners - {compiled.collection}
    if others and not unqualified and compiled.collection not in owners:
        instead = (
            f"Filter the join in the SQL with {params} instead (e.g. {_WINDOW_HINT}), drop time_field "
            "and keep time_column"
            if spec.partition is not None
            else "Name a time field of the base collection, or drop time_field"
        )
        raise block.error(
            f"time_field {spec.time_field!r} is a field of {', '.join(sorted(others))}, not of the base "
            f"collection {compiled.collection!r}: the engine filters the base collection on time_field "
            f"(partition window, watermark) before the joins. {instead}",
            node("time_field"),
        )


def _bucket_options(node: yaml.Node, block: _Block) -> BucketOptions:
    if not isinstance(node, yaml.MappingNode):
        raise block.error("bucket must be a mapping (max_events, size, measures, count_by, distinct)", node)
    items = block.items(node, BUCKET_KEYS, "bucket ")
    kwargs: dict[str, Any] = {}
    if "max_events" in items:
        max_events, key_node, _ = items["max_events"]
        if not isinstance(max_events, int) or isinstance(max_events, bool) or max_events < 1:
            raise block.error(f"bucket.max_events must be a positive integer, got {max_events!r}", key_node)
        kwargs["max_events"] = max_events
    if "size" in items:
        kwargs["size"] = _choice(items["size"][0], tuple(_GRAIN), "bucket.size", block, items["size"][1])
    if "measures" in items:
        kwargs["measures"] = _as_str_tuple(
            items["measures"][0], "bucket.measures", block, items["measures"][1]
        )
    if "count_by" in items:
        count_by, key_node, _ = items["count_by"]
        if not isinstance(count_by, dict) or not all(
            isinstance(f, str) and isinstance(m, dict) and all(isinstance(n, str) for n in m.values())
            for f, m in count_by.items()
        ):
            raise block.error(
                "bucket.count_by maps an event field to {value: summary field}, "
                "e.g. {eventType: {page_view: pageViews}}",
                key_node,
            )
        kwargs["count_by"] = {f: dict(m) for f, m in count_by.items()}
    if "distinct" in items:
        distinct, key_node, _ = items["distinct"]
        if not isinstance(distinct, dict) or not all(
            isinstance(k, str) and isinstance(v, str) for k, v in distinct.items()
        ):
            raise block.error(
                "bucket.distinct maps a summary field to an event field: {uniquePages: page}", key_node
            )
        kwargs["distinct"] = dict(distinct)
    return BucketOptions(**kwargs)


# A namespace (``<database>.<collection>``) is at most 255 bytes; a database name at least 1.
MAX_COLLECTION_BYTES = 253


def collection_name_error(name: str) -> str | None:
    """Why ``name`` is not a usable MongoDB collection name (its documented naming rules), or None."""
    if not name:
        return "is empty"
    if "$" in name:
        return "contains '$'"
    if "\0" in name:
        return "contains a NUL character"
    if name.startswith("system."):
        return "starts with 'system.' (reserved for the server)"
    if name.startswith(".") or name.endswith("."):
        return "starts or ends with '.'"
    size = len(name.encode("utf-8"))
    if size > MAX_COLLECTION_BYTES:
        return f"is {size} bytes long; with its database name a namespace is at most 255 bytes"
    return None


def _check_collection_names(spec: RollupSpec, sql: str, block: _Block, target_node: yaml.Node | None) -> None:
    problem = collection_name_error(spec.target)
    if problem:
        what = "target" if target_node is not None else "target (the file name, as no target: is given)"
        raise block.error(
            f"{what} {spec.target!r} is not a valid MongoDB collection name: it {problem}", target_node
        )
    for source in spec.sources:
        problem = collection_name_error(source)
        if problem:
            line = _sql_line(sql, re.escape(source))
            raise LeafRollupConfigError(
                f"collection {source!r} in the SQL is not a valid MongoDB collection name: it {problem}",
                source=block.source,
                line=line,
            )


def sql_sources(sql: str) -> tuple[str, ...]:
    """Collections named in FROM and JOIN (CTE names excluded), in order of appearance."""
    tree = sqlglot.parse_one(sql)
    ctes = {cte.alias_or_name for cte in tree.find_all(exp.CTE)}
    seen: list[str] = []
    for table in tree.find_all(exp.Table):
        name = table.name
        if name and name not in ctes and name not in seen:
            seen.append(name)
    return tuple(seen)


def _compile(
    sql: str, block: _Block, window_params: tuple[str, ...] = (), partition: str | None = None
) -> CompiledRollupSQL:
    params: dict[str, Any] = {}
    if window_params and partition is not None:
        start = dt.datetime(2024, 1, 1, tzinfo=dt.UTC)
        params = {"partition_start": start, "partition_end": start + PARTITION_PERIOD[partition]}
    elif window_params:
        raise LeafRollupConfigError(
            f"the SQL uses :{window_params[0]}, which is bound to the partition window: add partition: "
            "daily (or hourly)",
            source=block.source,
            line=_sql_line(sql, rf":{window_params[0]}\b"),
        )
    try:
        return sqlbridge.compile_rollup_sql(sql, params=params)
    except RollupSQLError as exc:
        raise LeafRollupConfigError(
            f"SQL does not compile: {exc}", source=block.source, line=exc.line
        ) from exc


def parse_rollup(
    text: str,
    *,
    name: str,
    source: str | None = None,
) -> RollupSpec:
    """Parse and validate one rollup's text; ``name`` is its default asset and target name."""
    where = source or name
    block_text, first_line, sql = split_rollup_text(text, where)
    if not sql.strip():
        raise LeafRollupConfigError("no SQL after the config block", source=where, line=first_line)
    block = _Block(block_text, first_line, where)
    items = block.items(block.node, TOP_KEYS, "")

    def get(key: str, default: Any = None) -> Any:
        return items[key][0] if key in items else default

    def node(key: str) -> yaml.Node | None:
        return items[key][1] if key in items else None

    pattern = _choice(get("pattern", "computed"), ("computed", "bucket"), "pattern", block, node("pattern"))
    if "on" not in items:
        raise block.error("missing merge key 'on' (the output column(s) identifying a document)")
    on = _as_str_tuple(get("on"), "on", block, items["on"][1])
    partition_value = get("partition")
    partition = (
        None
        if partition_value in (None, "none")
        else _choice(partition_value, ("hourly", "daily", "none"), "partition", block, node("partition"))
    )
    time_field = (
        _string(get("time_field"), "time_field", block, node("time_field")) if "time_field" in items else None
    )
    time_column = (
        _string(get("time_column"), "time_column", block, node("time_column"))
        if "time_column" in items
        else None
    )
    write = _choice(get("write", "replace"), ("replace", "update"), "write", block, node("write"))
    incremental = get("incremental", False)
    if not isinstance(incremental, bool):
        raise block.error(f"incremental must be true or false, got {incremental!r}", node("incremental"))
    schedule = get("schedule")
    if schedule is not None:
        problem = (
            cron_error(str(schedule))
            if isinstance(schedule, str)
            else f"schedule must be a cron string, got {schedule!r}"
        )
        if problem:
            raise block.error(problem, node("schedule"))
    late = get("late_partitions")
    if late is not None and (not isinstance(late, int) or isinstance(late, bool) or late < 0):
        raise block.error(f"late_partitions must be an integer >= 0, got {late!r}", node("late_partitions"))
    owners = _as_str_tuple(get("owners"), "owners", block, items["owners"][1]) if "owners" in items else ()
    tags = get("tags", {})
    if not isinstance(tags, dict):
        raise block.error(f"tags must be a mapping, got {tags!r}", node("tags"))
    bucket = _bucket_options(items["bucket"].value_node, block) if "bucket" in items else None

    window_params = sql_window_params(sql)
    upstream_lookback = (
        _upstream_lookback(get("upstream_lookback"), block, node("upstream_lookback"))
        if "upstream_lookback" in items
        else None
    )
    if pattern == "bucket" and partition is not None and time_field is None:
        raise block.error(
            f"partition: {partition} needs time_field (the source field the window filters on)",
            node("partition"),
        )
    if "watermark_lag" in items and not incremental:
        raise block.error("watermark_lag is for incremental: true rollups", node("watermark_lag"))
    if incremental and (pattern != "computed" or partition is not None or time_field is None):
        raise block.error(
            "incremental: true is for unpartitioned computed rollups with a time_field "
            "(a partitioned rollup already processes one window per run)",
            node("incremental"),
        )
    if pattern == "bucket":
        if partition is None:
            raise block.error("pattern: bucket needs partition: hourly or daily", node("pattern"))
        if write != "replace":
            raise block.error(
                "pattern: bucket owns its target collection: write must be replace", node("write")
            )
        if bucket is None:
            bucket = BucketOptions()
        if bucket.size is not None and _GRAIN[bucket.size] > _GRAIN[partition]:
            raise block.error(
                f"bucket.size {bucket.size} is larger than the {partition} partition", node("bucket")
            )
    elif bucket is not None:
        raise block.error("bucket options are only for pattern: bucket", node("bucket"))

    compiled = _compile(sql, block, window_params, partition)
    sources = sql_sources(sql)
    columns, pipeline = compiled.columns, compiled.pipeline
    spec_kwargs: dict[str, Any] = dict(
        name=_string(get("name", name), "name", block, node("name")),
        sql=sql.strip(),
        target=_string(get("target", name), "target", block, node("target")),
        on=on,
        pattern=pattern,
        write=write,
        partition=partition,
        time_field=time_field,
        time_column=time_column,
        schedule=schedule,
        late_partitions=late,
        incremental=incremental,
        owners=owners,
        tags={str(k): str(v) for k, v in tags.items()},
        group=_string(get("group"), "group", block, node("group")) if "group" in items else None,
        description=get("description"),
        bucket=bucket,
        sources=sources,
        columns=columns,
        path=source,
        window_params=window_params,
        upstream_lookback=upstream_lookback,
    )
    if "start" in items:
        spec_kwargs["start"] = _start(get("start"), block, node("start"))
    spec_kwargs["target_line"] = block.first_line + (
        items["target"].key_node.start_mark.line if "target" in items else 0
    )
    if "watermark_lag" in items:
        spec_kwargs["watermark_lag"] = _watermark_lag(get("watermark_lag"), block, node("watermark_lag"))
    if "metadata_field" in items:
        spec_kwargs["metadata_field"] = _string(
            get("metadata_field"), "metadata_field", block, node("metadata_field")
        )
    spec = RollupSpec(**spec_kwargs)
    _check_collection_names(spec, sql, block, node("target"))
    _check_window(spec, compiled, sql, block, node)
    _check_columns(spec, pipeline, block, node)
    if spec.incremental:
        try:
            plan_incremental(spec.sql)
        except NotCombinableError as exc:
            raise block.error(f"incremental: {exc}", node("incremental")) from exc
    return spec


def _check_columns(
    spec: RollupSpec,
    pipeline: list[dict[str, Any]],
    block: _Block,
    node: Callable[[str], yaml.Node | None],
) -> None:
    columns = set(spec.columns)
    produced = ", ".join(spec.columns)
    if spec.pattern == "bucket":
        assert spec.bucket is not None and spec.time_field is not None
        dotted = [column for column in spec.columns if "." in column]
        if dotted:
            raise block.error(
                f"a bucket rollup's event columns are plain names, not {dotted}", node("pattern")
            )
        if "." in spec.metadata_field:
            raise block.error("a bucket rollup's metadata_field is a plain name", node("metadata_field"))
        if any("$group" in stage for stage in pipeline):
            raise block.error(
                "a bucket rollup's SQL selects events: no GROUP BY or aggregates", node("pattern")
            )
        wanted: list[tuple[str, str]] = [(f, "on") for f in spec.on] + [(spec.time_field, "time_field")]
        wanted += [(m, "bucket") for m in spec.bucket.measures]
        wanted += [(f, "bucket") for f in spec.bucket.count_by]
        wanted += [(f, "bucket") for f in spec.bucket.distinct.values()]
        for column, key in wanted:
            if column not in columns:
                raise block.error(
                    f"{key}: {column!r} is not a column the SQL produces ({produced})", node(key)
                )
        return
    for column in spec.on:
        if column not in columns:
            raise block.error(
                f"merge key {column!r} is not a column the SQL produces ({produced})", node("on")
            )
    if "_id" in columns and spec.on != ("_id",):
        raise block.error("the SQL produces _id: make it the merge key (on: _id)", node("on"))
    problem = sqlbridge.merge_key_problem(spec.sql, spec.on)  # grouping sets (ROLLUP, CUBE, …)
    if problem is not None:
        raise block.error(f"merge key: {problem}", node("on"))
    time_column = spec.output_time_column
    if spec.partition is not None and time_column not in columns:
        key = "time_column" if spec.time_column else "time_field"
        raise block.error(
            f"{key} {time_column!r} is not a column the SQL produces ({produced}); a partitioned rollup "
            "outputs its time (e.g. DATE_TRUNC('day', createdAt) AS day with time_column: day)",
            node(key),
        )


def load_rollup_file(path: str | Path) -> RollupSpec:
    file = Path(path)
    return parse_rollup(file.read_text(), name=file.stem, source=str(file))


def load_rollup_folder(path: str | Path) -> list[RollupSpec]:
    """Every ``*.sql`` rollup in ``path`` (sorted by name); names and targets must be unique."""
    folder = Path(path)
    if not folder.is_dir():
        raise LeafRollupConfigError(f"rollup folder {folder} does not exist")
    specs = [load_rollup_file(file) for file in sorted(folder.glob("*.sql"))]
    seen: dict[str, str] = {}
    targets: dict[str, str] = {}
    for spec in specs:
        if spec.name in seen:
            raise LeafRollupConfigError(
                f"rollup name {spec.name!r} is also used by {seen[spec.name]}", source=spec.path
            )
        seen[spec.name] = spec.path or spec.name
        where = f"{spec.path}:{spec.target_line}" if spec.target_line else spec.path or spec.name
        if spec.target in targets:
            raise LeafRollupConfigError(
                f"target {spec.target!r} is also written by {targets[spec.target]}: two rollups writing one "
                "collection would delete or overwrite each other's documents; give each its own target",
                source=spec.path,
                line=spec.target_line,
            )
        targets[spec.target] = where
    return specs
