"""Loading and validating revision folders; scaffolding new revisions."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest

from leaf_dagster.migrations import RevisionError, Revisions, new_revision
from tests.migrations.conftest import WriteRevision
from tests.migrations.helpers import EXAMPLES


def revision(rid: str, frm: str, to: str, deps: str = "[]", collection: str = "users") -> str:
    return f'''
id = "{rid}"
collection = "{collection}"
from_version = "{frm}"
to_version = "{to}"
depends_on = {deps}
def up(doc):
    return doc
'''


def test_examples_load_in_dependency_order() -> None:
    revs = Revisions.load(EXAMPLES)
    assert [r.id for r in revs] == [
        "migration_20240815_v2",
        "migration_20240914_v21",
        "migrate_users_v2_to_v3",
    ]
    v3 = revs.get("migrate_users_v2_to_v3")
    assert v3.source == "sql" and v3.server_side and v3.reversible and len(v3.checksum) == 64
    assert revs.dependencies("migration_20240914_v21") == ["migration_20240815_v2"]
    assert [r.id for r in revs.up_to("migration_20240914_v21")] == [
        "migration_20240815_v2",
        "migration_20240914_v21",
    ]


def test_version_chain_orders_without_explicit_depends_on(write_revision: WriteRevision) -> None:
    write_revision("b.py", revision("b_second", "2.0.0", "3.0.0"))
    folder = write_revision("a.py", revision("z_first", "1.0.0", "2.0.0"))
    assert [r.id for r in Revisions.load(folder)] == ["z_first", "b_second"]


@pytest.mark.parametrize(
    ("files", "message"),
    [
        (
            {"a.py": revision("same", "1", "2"), "b.py": revision("same", "5", "6", collection="c")},
            "duplicate",
        ),
        ({"a.py": revision("a", "1", "2", deps='["ghost"]')}, "depends on 'ghost'"),
        ({"a.py": revision("a", "1", "2", deps='["b"]'), "b.py": revision("b", "2", "3")}, "cycle"),
        ({"a.py": revision("a", "1", "2"), "b.py": revision("b", "3", "4")}, "gap"),
        ({"a.py": revision("a", "1", "2"), "b.py": revision("b", "1", "3")}, "single chain"),
        ({"a.py": revision("a", "1", "1")}, "equals"),
        ({"a.py": 'id = "a"\ncollection = "users"\n'}, "lacks from_version, to_version"),
        ({"a.py": 'id = "a"\ncollection = "u"\nfrom_version = "1"\nto_version = "2"\n'}, "neither up"),
        ({"a.py": "raise RuntimeError('boom')\n"}, "failed to import"),
    ],
)
def test_invalid_folders_are_refused_with_a_reason(
    write_revision: WriteRevision, files: dict[str, str], message: str
) -> None:
    folder = Path()
    for name, text in files.items():
        folder = write_revision(name, text)
    with pytest.raises(RevisionError, match=message):
        Revisions.load(folder)


def test_missing_folder_is_refused(tmp_path: Path) -> None:
    with pytest.raises(RevisionError, match="does not exist"):
        Revisions.load(tmp_path / "nope")


def test_new_revision_continues_the_chain(tmp_path: Path) -> None:
    folder = tmp_path / "migs"
    first = new_revision(
        folder,
        "Split names",
        collection="users",
        from_version="1.0.0",
        to_version="2.0.0",
        at=datetime(2024, 8, 15, tzinfo=UTC),
    )
    assert first.name == "m20240815000000_split_names.py"
    second = new_revision(
        folder, "add analytics", collection="users", to_version="2.1.0", at=datetime(2024, 9, 14, tzinfo=UTC)
    )
    revs = Revisions.load(folder)
    assert [r.id for r in revs] == [first.stem, second.stem]
    assert revs.get(second.stem).from_version == "2.0.0"
    assert revs.get(second.stem).depends_on == (first.stem,)
    with pytest.raises(RevisionError, match="--from"):
        new_revision(folder, "orders", collection="orders", to_version="2")
