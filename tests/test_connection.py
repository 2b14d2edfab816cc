from __future__ import annotations

import re
from urllib.parse import quote_plus

import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st
from pymongo import MongoClient

from leaf_dagster.connection import (
    LeafConnectionError,
    connect,
    invalid_uri_message,
    redact_text,
    redact_uri,
    resolve_db_name,
    resolve_uri,
)
from leaf_dagster.embedded import free_port


def test_db_resolution_order(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("LEAF_MONGODB_DB", raising=False)
    assert resolve_db_name("mongodb://h:1/") == "leaf"
    assert resolve_db_name("mongodb://h:1/shop") == "shop"
    monkeypatch.setenv("LEAF_MONGODB_DB", "envdb")
    assert resolve_db_name("mongodb://h:1/shop") == "envdb"
    assert resolve_db_name("mongodb://h:1/shop", "explicit") == "explicit"


def test_missing_uri_names_the_variable(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("LEAF_MONGODB_URI", raising=False)
    with pytest.raises(LeafConnectionError, match="LEAF_MONGODB_URI"):
        resolve_uri(None)


def test_password_never_shown() -> None:
    assert redact_uri("mongodb://alice:s3cret@h:1/db") == "mongodb://alice:***@h:1/db"
    with pytest.raises(LeafConnectionError) as info:
        connect("mongodb://alice:s3cret@h:1/db?bogusOption=", timeout_ms=200)
    assert "s3cret" not in str(info.value)


def test_bad_uri_is_a_clear_error() -> None:
    with pytest.raises(LeafConnectionError, match="invalid MongoDB URI"):
        connect("postgres://localhost:5432")


def test_dead_server_is_a_clear_error() -> None:
    uri = f"mongodb://127.0.0.1:{free_port()}/"
    with pytest.raises(LeafConnectionError, match="did not answer"):
        connect(uri, timeout_ms=300)


def test_real_server_round_trip(mongo_client: MongoClient[dict[str, object]], db: object) -> None:
    from pymongo.database import Database

    assert isinstance(db, Database)
    db.things.insert_many([{"n": i} for i in range(5)])
    assert db.things.count_documents({"n": {"$gte": 2}}) == 3


# -- redaction over generated passwords ---------------------------------------------------------


# The characters that matter to a URI parser, plus everything else a password may hold.
SPECIAL = list(":/?#[]@%!$&'()*+,;= \t\"\\\x00é")
# Distinctive pieces (a digit and an upper-case letter each), so that any leaked piece is found.
PIECE = st.from_regex(r"[A-Z][a-z]{2}[0-9][A-Za-z0-9]{1,4}", fullmatch=True)
PASSWORDS = st.lists(st.one_of(PIECE, st.sampled_from(SPECIAL)), min_size=1, max_size=8).map("".join)
HOSTS = ["127.0.0.1:1", "h:27017,h2:27018", "cluster0.example.net"]


def _pieces(password: str) -> list[str]:
    """The password's distinctive runs of letters and digits (4+ characters)."""
    return [p for p in re.findall(r"[A-Za-z0-9]{4,}", password) if any(c.isdigit() for c in p)]


def _assert_hidden(password: str, *texts: str) -> None:
    for text in texts:
        for form in {password, quote_plus(password)}:
            assert form not in text, text
        for piece in _pieces(password):
            assert piece not in text, text


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(password=PASSWORDS, host=st.sampled_from(HOSTS), encoded=st.booleans(), srv=st.booleans())
def test_password_never_shown_for_any_password(password: str, host: str, encoded: bool, srv: bool) -> None:
    assume(_pieces(password) or len(password) >= 4)
    scheme = "mongodb+srv" if srv else "mongodb"
    secret = quote_plus(password) if encoded else password
    uri = f"{scheme}://leaf:{secret}@{host}/shop?authSource=admin"
    redacted = redact_uri(uri)
    assert redacted.startswith(f"{scheme}://leaf:***@")
    texts = [redacted, redact_text(f"driver said: bad {uri} ({password}, {secret})", uri)]
    if not srv:  # an SRV URI is resolved through DNS: the connect test covers the driver's errors
        try:
            resolve_db_name(uri)
        except LeafConnectionError as exc:
            texts.append(str(exc))
    texts.append(invalid_uri_message(uri, ValueError(f"cannot parse {uri}")))
    _assert_hidden(password, *texts)


@settings(max_examples=25, deadline=None)
@given(password=PASSWORDS)
def test_connect_errors_never_show_the_password(password: str) -> None:
    """The real driver, on a dead port: a malformed URI (raw password) and a well-formed one."""
    assume(_pieces(password))
    port = free_port()
    for secret in (password, quote_plus(password)):
        with pytest.raises(LeafConnectionError) as info:
            connect(f"mongodb://leaf:{secret}@127.0.0.1:{port}/?directConnection=true", timeout_ms=50)
        _assert_hidden(password, str(info.value))


def test_the_issue_examples() -> None:
    for uri, shown in (
        ("mongodb://user:Sl4sh/Pw88@h:1/db", "mongodb://user:***@h:1/db"),
        ("mongodb://user:At@Pw88x@h:1/", "mongodb://user:***@h:1/"),
        ("mongodb://user:p%40ss%2Fw%3Ard@h:1/", "mongodb://user:***@h:1/"),
        ("mongodb+srv://user:pw@cluster0.example.net/x", "mongodb+srv://user:***@cluster0.example.net/x"),
        ("mongodb://h:1/", "mongodb://h:1/"),
        ("mongodb://x509user@h:1/", "mongodb://x509user@h:1/"),
    ):
        assert redact_uri(uri) == shown
    with pytest.raises(LeafConnectionError) as info:
        connect("mongodb://user:Sl4sh/Pw88@127.0.0.1:1/", timeout_ms=50)
    assert "Sl4sh" not in str(info.value) and "Pw88" not in str(info.value)
    assert "must be percent-encoded" in str(info.value)
