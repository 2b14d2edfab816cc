"""A :class:`ValidationReport` as a readable rich table."""

from __future__ import annotations

from rich.console import Console, Group, RenderableType
from rich.table import Table
from rich.text import Text

from leaf_dagster.quality.runner import RuleResult, ValidationReport

MAX_IDS_SHOWN = 3


def render_report(report: ValidationReport, *, show_passed: bool = True) -> RenderableType:
    """The report: a summary line, one row per expectation (failures first), the version counts."""
    rows = sorted(report.results, key=lambda r: (r.success, r.severity != "ERROR"))
    if not show_passed:
        rows = [r for r in rows if not r.success]
    table = Table(title=f"{report.collection}: {len(report.results)} expectations", title_justify="left")
    table.add_column("expectation", max_width=40)
    table.add_column("column", max_width=50)
    table.add_column("severity")
    table.add_column("result")
    table.add_column("unexpected", justify="right")
    table.add_column("%", justify="right")
    table.add_column("example _ids", overflow="fold")
    for r in rows:
        table.add_row(
            summary(r),
            _column(r),
            Text(r.severity, style="red" if r.severity == "ERROR" else "yellow"),
            _verdict(r),
            f"{r.unexpected_count:,}",
            f"{r.unexpected_percent:.2f}",
            _ids(r),
        )
    parts: list[RenderableType] = [_summary(report), table]
    if report.version_distribution:
        versions = ", ".join(f"{v}: {n:,}" for v, n in report.version_distribution.items())
        outdated = report.outdated_documents
        tail = f" ({outdated:,} not at {report.schema_version})" if outdated else ""
        parts.append(Text(f"schema versions: {versions}{tail}"))
    parts.extend(Text(f"note: {note}", style="dim") for note in report.notes)
    return Group(*parts)


def print_report(
    report: ValidationReport, console: Console | None = None, *, show_passed: bool = True
) -> None:
    (console or Console()).print(render_report(report, show_passed=show_passed))


def _summary(report: ValidationReport) -> Text:
    mode = f"sample of {report.sample:,}" if report.sample else "all documents"
    if report.filter:
        mode += " matching the filter"
    failed, blocking = len(report.failures), len(report.blocking_failures)
    status = (
        Text("PASSED", style="bold green")
        if report.success
        else Text(f"FAILED ({failed} failed, {blocking} blocking)", style="bold red")
    )
    return Text.assemble(
        status, f"  {report.documents:,} documents validated ({mode}) in {report.batches} batch(es)"
    )


def summary(r: RuleResult) -> str:
    """A short name for what the expectation checks: ``not null``, ``type int|long``, ``≤ 30 chars``."""
    params = dict(r.rule.params)
    kind = r.rule.kind
    if kind in ("not_null", "element_not_null"):
        return "not null"
    if kind == "type":
        return "type " + "|".join(params["value_set"])
    if kind == "enum":
        return "in (" + ", ".join(map(str, params["value_set"])) + ")"
    if kind == "max_length":
        return f"≤ {params['max_value']} chars"
    if kind == "array_length":
        return f"≤ {params['max_value']} items"
    if kind == "range":
        return "range " + r.rule.description.split(" is ", 1)[-1]
    if kind == "unique":
        return "unique"
    if kind == "references":
        return r.rule.description.split(" ", 1)[-1]
    return r.rule.description


def _column(r: RuleResult) -> str:
    where = " and ".join(
        f"{c.split('#')[0]} = {v!r}" for c, v in r.rule.conditions if not c.endswith("#type")
    )
    return r.rule.path + (f" (where {where})" if where else "")


def _verdict(r: RuleResult) -> Text:
    if r.errors:
        return Text("ERROR", style="bold red")
    return Text("pass", style="green") if r.success else Text("FAIL", style="bold red")


def _ids(r: RuleResult) -> str:
    shown = [str(i) for i in r.example_ids[:MAX_IDS_SHOWN]]
    more = len(r.example_ids) - len(shown)
    return ", ".join(shown) + (f" (+{more})" if more > 0 else "")
