"""The error a rollup definition raises when it cannot be used."""

from __future__ import annotations


class LeafRollupConfigError(ValueError):
    """A bad rollup file or spec, with the file and line when known.

    ``str()`` reads ``pipelines/rollups/user_engagement.sql:4: unknown key 'partiton' (did you mean 'partition'?)``.
    """

    def __init__(self, message: str, *, source: str | None = None, line: int | None = None) -> None:
        self.message = message
        self.source = source
        self.line = line
        where = ":".join(part for part in (source, str(line) if line is not None else None) if part)
        super().__init__(f"{where}: {message}" if where else message)
