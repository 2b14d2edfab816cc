"""The one error the schema package raises for bad DDL or a schema that cannot be used."""

from __future__ import annotations


class LeafSchemaError(ValueError):
    """Bad DDL (syntax or meaning), with its position when known.

    ``str()`` reads ``users.ddl:12:5: expected ',' or ')' after field definition, found 'VARCHAR'``.
    ``message`` is the text without the position; ``expected``/``found`` are set for syntax errors.
    """

    def __init__(
        self,
        message: str,
        *,
        line: int | None = None,
        col: int | None = None,
        source: str | None = None,
        expected: str | None = None,
        found: str | None = None,
    ) -> None:
        self.message = message
        self.line = line
        self.col = col
        self.source = source
        self.expected = expected
        self.found = found
        super().__init__(self._render())

    def _render(self) -> str:
        where = [part for part in (self.source,) if part]
        if self.line is not None:
            where.append(str(self.line))
            if self.col is not None:
                where.append(str(self.col))
        prefix = ":".join(where)
        return f"{prefix}: {self.message}" if prefix else self.message
