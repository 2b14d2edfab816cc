"""validate_collection: exact totals across batches, server-side UNIQUE/REFERENCES, modes, report."""

from __future__ import annotations

from typing import Any

import pytest
from bson import ObjectId
from pymongo.database import Database

from leaf_dagster.connection import Document
from leaf_dagster.quality import build_plan, validate_collection
from leaf_dagster.quality.gxcontext import progress_bars_enabled
from leaf_dagster.schema import DocumentSchema

TEAM = ObjectId()
IDS = [ObjectId() for _ in range(12)]


def _people() -> list[Document]:
    docs: list[Document] = []
    for i, _id in enumerate(IDS):
        docs.append(
            {
                "_id": _id,
                "name": f"p{i}",
                "role": "a",
                "age": 30,
                "team": TEAM,
                "address": {"city": "Oslo"},
                "pets": [{"kind": "cat"}],
                "_schema": {"version": "2.0"},
            }
        )
    docs[0]["name"] = docs[11]["name"] = "dup"  # duplicate in the first and the last batch
    docs[1]["role"] = "z"
    docs[2]["age"] = -1
    docs[3]["team"] = ObjectId()  # dangling reference
    docs[4]["address"] = {}  # missing required nested field
    docs[5]["pets"] = [{"kind": "cat"}, {"kind": "cow"}, {}]  # bad enum, missing kind, too many
    docs[6]["name"] = "toolong"
    del docs[7]["name"]
    del docs[8]["address"]  # optional document: its required field is not required then
    docs[9]["age"] = "old"  # wrong type: the type rule reports it, the numeric CHECK does not
    docs[10]["_schema"]["version"] = "1.0"
    return docs


@pytest.fixture
def people(db: Database[Document]) -> Database[Document]:
    db.teams.insert_one({"_id": TEAM})
    db.people.insert_many(_people())
    db.people.create_index("name")
    return db


def _counts(report: Any) -> dict[str, tuple[int, list[Any]]]:
    return {r.rule.id: (r.unexpected_count, sorted(r.example_ids)) for r in report.results if not r.success}


def test_exact_counts_do_not_depend_on_the_batch_size(
    people: Database[Document], people_schema: DocumentSchema
) -> None:
    small = validate_collection(people, people_schema, batch_size=5)
    large = validate_collection(people, people_schema, batch_size=1000)
    assert small.batches == 3 and large.batches == 1
    assert small.documents == large.documents == 12
    assert _counts(small) == _counts(large)
    assert _counts(small) == {
        "name:unique": (2, sorted([IDS[0], IDS[11]])),
        "name:not_null": (1, [IDS[7]]),
        "name:max_length": (1, [IDS[6]]),
        "role:enum": (1, [IDS[1]]),
        "age:check": (1, [IDS[2]]),
        "age:type": (1, [IDS[9]]),
        "team:references": (1, [IDS[3]]),
        "address.city:not_null": (1, [IDS[4]]),
        "pets:array_length": (1, [IDS[5]]),
        "pets.kind:enum": (1, [IDS[5]]),
        "pets.kind:not_null": (1, [IDS[5]]),
    }


def test_report_totals_percentages_and_severities(
    people: Database[Document], people_schema: DocumentSchema
) -> None:
    report = validate_collection(people, people_schema, batch_size=4)
    assert not report.success
    assert {r.rule.id for r in report.blocking_failures} == {
        "name:unique",
        "name:not_null",
        "team:references",
        "address.city:not_null",
        "pets.kind:not_null",
    }
    unique = report.result("name:unique")
    assert (unique.element_count, unique.missing_count) == (12, 1)
    assert unique.unexpected_percent == pytest.approx(100 * 2 / 11)
    not_null = report.result("name:not_null")
    assert not_null.unexpected_percent == pytest.approx(100 / 12)
    city = report.result("address.city:not_null")
    assert city.element_count == 11  # only where address is a document
    kinds = report.result("pets.kind:enum")
    assert (kinds.element_count, kinds.missing_count) == (14, 1)  # one row per pet
    assert report.version_distribution == {"2.0": 11, "1.0": 1}
    assert report.outdated_documents == 1
    data = report.to_dict()
    assert data["failed"] == 11 and data["documents"] == 12
    assert str(IDS[3]) in next(r for r in data["results"] if r["id"] == "team:references")["example_ids"]


def test_severity_overrides_by_kind_and_by_rule(
    people: Database[Document], people_schema: DocumentSchema
) -> None:
    report = validate_collection(
        people,
        people_schema,
        severity_overrides={"unique": "WARN", "role:enum": "ERROR"},
    )
    blocking = {r.rule.id for r in report.blocking_failures}
    assert "name:unique" not in blocking and "role:enum" in blocking
    with pytest.raises(ValueError, match="ERROR or WARN"):
        build_plan(people_schema, {"enum": "FATAL"})  # type: ignore[dict-item]
    with pytest.raises(ValueError, match="unknown severity override"):
        build_plan(people_schema, {"nmae:unique": "WARN"})


def test_filter_and_sample_modes(people: Database[Document], people_schema: DocumentSchema) -> None:
    filtered = validate_collection(people, people_schema, filter={"_id": {"$in": IDS[:2]}})
    assert filtered.documents == 2
    # Uniqueness stays collection-wide: doc 0 still collides with doc 11, outside the filter.
    assert filtered.result("name:unique").unexpected_count == 1
    assert filtered.result("role:enum").unexpected_count == 1
    assert filtered.version_distribution == {"2.0": 2}
    sampled = validate_collection(people, people_schema, sample=5, batch_size=2)
    assert sampled.documents == 5 and sampled.batches == 3
    assert sum(sampled.version_distribution.values()) == 5


def test_example_ids_are_capped_and_a_clean_collection_passes(
    db: Database[Document], people_schema: DocumentSchema
) -> None:
    db.teams.insert_one({"_id": TEAM})
    db.people.insert_many([{"_id": ObjectId(), "name": f"n{i}", "role": "x"} for i in range(30)])
    report = validate_collection(db, people_schema, batch_size=7)
    enum = report.result("role:enum")
    assert enum.unexpected_count == 30 and len(enum.example_ids) == 20
    everything = validate_collection(db, people_schema, batch_size=7, max_example_ids=None)
    assert len(everything.result("role:enum").example_ids) == 30
    db.people.update_many({}, {"$set": {"role": "a"}})
    clean = validate_collection(db, people_schema)
    assert clean.success and not clean.blocking_failures
    assert clean.version_distribution == {"(none)": 30}
    assert progress_bars_enabled() is False


def test_empty_collection_passes(db: Database[Document], people_schema: DocumentSchema) -> None:
    report = validate_collection(db, people_schema)
    assert report.success and report.documents == 0 and report.batches == 0


def test_gx_writes_nothing_to_disk(
    db: Database[Document], people_schema: DocumentSchema, tmp_path: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    db.people.insert_one({"_id": ObjectId(), "name": "x"})
    assert validate_collection(db, people_schema).success
    assert list(tmp_path.iterdir()) == []
