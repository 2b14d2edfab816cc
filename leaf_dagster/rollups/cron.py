"""Five-field cron validation, so a bad schedule fails at load time and not at the first tick."""

from __future__ import annotations

import re

_FIELDS = (
    ("minute", 0, 59),
    ("hour", 0, 23),
    ("day of month", 1, 31),
    ("month", 1, 12),
    ("day of week", 0, 7),
)
_NAMES = {
    3: ["jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"],
    4: ["sun", "mon", "tue", "wed", "thu", "fri", "sat"],
}
_ITEM = re.compile(r"^(\*|[0-9a-z]+(?:-[0-9a-z]+)?)(?:/([0-9]+))?$")


def _value(token: str, index: int) -> int | None:
    if token.isdigit():
        return int(token)
    names = _NAMES.get(index, [])
    if token in names:
        return names.index(token) + (1 if index == 3 else 0)
    return None


def cron_error(expression: str) -> str | None:
    """Why ``expression`` is not a valid five-field cron string, or None when it is."""
    parts = expression.lower().split()
    if len(parts) != 5:
        return f"cron {expression!r} must have 5 fields (minute hour day month weekday), found {len(parts)}"
    for index, (part, (label, low, high)) in enumerate(zip(parts, _FIELDS, strict=True)):
        for item in part.split(","):
            match = _ITEM.match(item)
            if not match:
                return f"cron {expression!r}: bad {label} field {part!r}"
            if match.group(2) is not None and int(match.group(2)) == 0:
                return f"cron {expression!r}: step 0 in {label} field"
            if match.group(1) == "*":
                continue
            for token in match.group(1).split("-"):
                value = _value(token, index)
                if value is None or not low <= value <= high:
                    return f"cron {expression!r}: {label} {token!r} is outside {low}-{high}"
    return None
