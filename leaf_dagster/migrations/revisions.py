"""The set of revisions in a migrations folder, validated and put in dependency order."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path

from leaf_dagster.migrations.errors import RevisionError
from leaf_dagster.migrations.revision import Revision, load_python_revision

DEFAULT_PATHS = ("migrations", "pipelines/migrations")


def _load_sql_revision(path: Path) -> Revision:
    from leaf_dagster.migrations.sql_statements import load_sql_revision  # the SQL compiler, on demand

    return load_sql_revision(path)


LOADERS: dict[str, Callable[[Path], Revision]] = {".py": load_python_revision, ".sql": _load_sql_revision}


def default_path() -> Path:
    for candidate in DEFAULT_PATHS:
        if Path(candidate).is_dir():
            return Path(candidate)
    return Path(DEFAULT_PATHS[0])


class Revisions:
    """Revisions by id, in an order where dependencies come first.

    A revision depends on the ids it names in ``depends_on`` and, implicitly, on the revision of the
    same collection whose ``to_version`` is its ``from_version``. Per collection the versions must form
    one chain: a gap (a ``from_version`` nothing reaches while another chain exists) or a fork (two
    revisions leaving the same version) is an error.
    """

    def __init__(self, revisions: list[Revision]) -> None:
        self._by_id: dict[str, Revision] = {}
        for rev in revisions:
            if rev.id in self._by_id:
                other = self._by_id[rev.id]
                raise RevisionError(f"duplicate revision id {rev.id!r} in {other.path} and {rev.path}")
            self._by_id[rev.id] = rev
        self._deps = self._dependencies()
        self._order = self._topological_order()

    @classmethod
    def load(cls, path: Path | str) -> Revisions:
        folder = Path(path)
        if not folder.is_dir():
            raise RevisionError(f"migrations folder {folder} does not exist")
        files = sorted(
            p for p in folder.iterdir() if p.suffix in LOADERS and not p.name.startswith(("_", "."))
        )
        return cls([LOADERS[p.suffix](p) for p in files])

    def _dependencies(self) -> dict[str, list[str]]:
        deps: dict[str, list[str]] = {}
        reaching: dict[tuple[str, str], Revision] = {}
        leaving: dict[tuple[str, str], Revision] = {}
        for rev in self._by_id.values():
            for key, table, verb in (
                ((rev.collection, rev.to_version), reaching, "reach"),
                ((rev.collection, rev.from_version), leaving, "leave"),
            ):
                if key in table:
                    raise RevisionError(
                        f"revisions {table[key].id} and {rev.id} both {verb} {key[0]} version {key[1]}: "
                        "versions of a collection must form a single chain"
                    )
                table[key] = rev
        for rev in self._by_id.values():
            explicit = list(rev.depends_on)
            for dep in explicit:
                if dep not in self._by_id:
                    raise RevisionError(f"revision {rev.id} depends on {dep!r}, which no file defines")
            previous = reaching.get((rev.collection, rev.from_version))
            deps[rev.id] = explicit + ([previous.id] if previous and previous.id not in explicit else [])
        roots: dict[str, list[Revision]] = {}
        for rev in self._by_id.values():
            if (rev.collection, rev.from_version) not in reaching:
                roots.setdefault(rev.collection, []).append(rev)
        for collection, starts in roots.items():
            if len(starts) > 1:
                described = ", ".join(f"{r.id} starts at {r.from_version}" for r in starts)
                raise RevisionError(
                    f"version chain of {collection} has a gap: {described}; "
                    "only the first revision may start at a version no other revision reaches"
                )
        return deps

    def _topological_order(self) -> list[Revision]:
        order: list[Revision] = []
        state: dict[str, int] = {}  # 1 = visiting, 2 = done

        def visit(rid: str, trail: list[str]) -> None:
            if state.get(rid) == 2:
                return
            if state.get(rid) == 1:
                cycle = [*trail[trail.index(rid) :], rid]
                raise RevisionError(f"dependency cycle: {' -> '.join(cycle)}")
            state[rid] = 1
            for dep in sorted(self._deps[rid]):
                visit(dep, [*trail, rid])
            state[rid] = 2
            order.append(self._by_id[rid])

        for rid in sorted(self._by_id):
            visit(rid, [])
        return order

    def __iter__(self) -> Iterator[Revision]:
        return iter(self._order)

    def __len__(self) -> int:
        return len(self._order)

    def __contains__(self, rid: object) -> bool:
        return rid in self._by_id

    def get(self, rid: str) -> Revision:
        try:
            return self._by_id[rid]
        except KeyError:
            known = ", ".join(sorted(self._by_id)) or "none"
            raise RevisionError(f"no revision {rid!r} (known: {known})") from None

    def dependencies(self, rid: str) -> list[str]:
        return list(self._deps[rid])

    def dependents(self, rid: str) -> list[Revision]:
        return [r for r in self._order if rid in self._deps[r.id]]

    def up_to(self, target: str | None) -> list[Revision]:
        """Every revision needed to reach ``target`` (all revisions when None), in order."""
        if target is None:
            return list(self._order)
        self.get(target)
        needed: set[str] = set()
        stack = [target]
        while stack:
            rid = stack.pop()
            if rid not in needed:
                needed.add(rid)
                stack.extend(self._deps[rid])
        return [r for r in self._order if r.id in needed]

    def head(self, collection: str) -> Revision | None:
        """The last revision of a collection's chain."""
        last = None
        for rev in self._order:
            if rev.collection == collection:
                last = rev
        return last
