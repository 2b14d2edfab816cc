"""Regular expressions against PostgreSQL 15: ``~``, ``~*``, ``!~``, ``!~*``, ``SIMILAR TO``,
``REGEXP_REPLACE`` and ``REGEXP_MATCH``, on fixed cases and on generated patterns of the exact subset;
the syntax whose meaning differs between PostgreSQL and PCRE is refused, naming it."""

from __future__ import annotations

import random
from collections.abc import Iterator
from typing import Any

import pytest
from pymongo import MongoClient

from leaf_dagster.sql import LeafSQLError, compile_sql
from leaf_dagster.sql.regex import RegexRefused, translate
from tests.sql.pg import PostgresServer
from tests.sql.textdiff import TextEnv, loaded_text_env


@pytest.fixture(scope="module")
def text_env(mongo_client: MongoClient[Any], pg_server: PostgresServer) -> Iterator[TextEnv]:
    yield from loaded_text_env(mongo_client, pg_server)


QUERIES = [
    "SELECT _id, s ~ 'l+o' AS a, s ~* 'ÉCOLE' AS b, s !~ '^h' AS c, s !~* 'WÖR' AS d FROM w",
    "SELECT _id, s ~ 'c$' AS a, s ~ '^$' AS b, s ~ 'b.c' AS c, s ~ '[a-c]{2,}' AS d, s ~ '\\d' AS e FROM w",
    "SELECT _id, s ~* '[^a-z ]' AS a, s ~ '[^a-z ]' AS b, s ~* 'ǅ' AS c, s ~* 'SS' AS d, s ~ '(o|ö)r' AS e FROM w",
    "SELECT _id, s ~ 'a.*?b' AS a, s ~ '(ab|c)+' AS b, s ~ '\\.' AS c, s ~ '[.,]' AS d, s ~ '\\D\\d' AS e FROM w",
    "SELECT _id FROM w WHERE s ~ 'o' AND s !~* 'H'",
    "SELECT _id FROM w WHERE NOT (s ~* '^[a-f]')",
    "SELECT _id, s SIMILAR TO '%(b|d)%' AS a, s NOT SIMILAR TO '_b%' AS b, s SIMILAR TO 'a,b,,c' AS c FROM w",
    "SELECT _id, s SIMILAR TO '[a-z]+ [a-z]+' AS a, s SIMILAR TO '%.%' AS b, s SIMILAR TO 'a#,%' ESCAPE '#' AS c FROM w",
    "SELECT _id FROM w WHERE s SIMILAR TO '(hello|abc)%'",
    "SELECT _id, REGEXP_REPLACE(s, 'l+', 'L') AS a, REGEXP_REPLACE(s, 'o', '0', 'g') AS b FROM w",
    "SELECT _id, REGEXP_REPLACE(s, '([a-z])([a-z])', '\\2\\1', 'g') AS a, REGEXP_REPLACE(s, '[éö]', '<\\&>', 'gi') AS b FROM w",
    "SELECT _id, REGEXP_REPLACE(s, 'x*', '-') AS a, REGEXP_REPLACE(s, 'O', '\\\\', 'i') AS b, REGEXP_REPLACE(s, 'l', '\\q\\5') AS c FROM w",
    "SELECT _id, REGEXP_MATCHES(s, '(l+)(o)') AS m FROM w",
    "SELECT _id, REGEXP_MATCHES(s, 'L', 'i') AS a, REGEXP_MATCHES(s, 'ö') AS b FROM w WHERE _id < 12",
    "SELECT DISTINCT REGEXP_MATCHES(s, '[a-c]') AS m FROM w",
    "SELECT _id, REGEXP_MATCHES(s, 'o') AS m FROM w ORDER BY _id DESC LIMIT 2",
    "SELECT _id, REGEXP_MATCH(s, '([a-z]+) ([a-zö]+)') AS a, REGEXP_MATCH(s, 'L+', 'i') AS b, REGEXP_MATCH(s, '(l)(o)') AS c FROM w",
]


@pytest.mark.parametrize("sql", QUERIES)
def test_regex_matches_postgresql(text_env: TextEnv, sql: str) -> None:
    text_env.check(sql)


REFUSED = [
    ("SELECT s ~ '\\mfoo' AS a FROM w", "\\m"),
    ("SELECT s ~ 'a\\yb' AS a FROM w", "\\y"),
    ("SELECT s ~ '\\w+' AS a FROM w", "\\w"),
    ("SELECT s ~ '\\s' AS a FROM w", "\\s"),
    ("SELECT s ~ '[[:alpha:]]' AS a FROM w", "[:"),
    ("SELECT s ~ '(a)\\1' AS a FROM w", "\\1"),
    ("SELECT s ~ '(?=a)' AS a FROM w", "(?"),
    ("SELECT s ~ p AS a FROM w", "constant"),
    ("SELECT REGEXP_REPLACE(s, 'a|ab', 'x') AS a FROM w", "alternation"),
    ("SELECT REGEXP_REPLACE(s, 'a+?', 'x') AS a FROM w", "lazy"),
    ("SELECT REGEXP_REPLACE(s, '(ab)?c', 'x') AS a FROM w", "quantified group"),
    ("SELECT REGEXP_REPLACE(s, 'a*', 'x', 'g') AS a FROM w", "empty"),
    ("SELECT REGEXP_REPLACE(s, 'a', 'x', 'n') AS a FROM w", "flag 'n'"),
    ("SELECT REGEXP_MATCHES(s, 'a', 'g') AS a FROM w", "a row per match"),
    ("SELECT _id FROM w WHERE REGEXP_MATCHES(s, 'a') IS NULL", "only in the select list"),
    ("SELECT COUNT(*) AS c, REGEXP_MATCHES(s, 'a') AS m FROM w", "aggregates"),
    ("SELECT CASE WHEN n > 0 THEN REGEXP_MATCHES(s, 'a') END AS m FROM w", "CASE"),
]


@pytest.mark.parametrize(("sql", "words"), REFUSED)
def test_regex_syntax_that_differs_is_refused(sql: str, words: str) -> None:
    with pytest.raises(LeafSQLError) as info:
        compile_sql(sql)
    assert words in str(info.value), str(info.value)


# Generated patterns: single characters, classes, anchors and greedy quantifiers (the subset whose
# matches, groups and replacements must agree), plus | and lazy quantifiers for ~ (a yes/no answer).
ATOMS = ["a", "b", "l", "o", ".", "[a-c]", "[^ l]", "\\d", "é", "ö", "O", "L", " ", ","]
QUANTS = ["", "", "*", "+", "?", "{2}", "{1,2}"]


def _pattern(rng: random.Random, extent: bool) -> str:
    parts = []
    for _ in range(rng.randint(1, 4)):
        atom = rng.choice(ATOMS)
        if rng.random() < 0.25:
            atom = f"({atom}{rng.choice(ATOMS)})"
            parts.append(atom if extent else atom + rng.choice(QUANTS))
            continue
        quant = rng.choice(QUANTS)
        if not extent and quant and rng.random() < 0.3:
            quant += "?"
        parts.append(atom + quant)
    text = "".join(parts)
    if not extent and rng.random() < 0.3:
        text += "|" + rng.choice(ATOMS)
    if rng.random() < 0.2:
        text = "^" + text
    if rng.random() < 0.2:
        text += "$"
    return text


def test_generated_patterns_match_postgresql(text_env: TextEnv) -> None:
    rng = random.Random(11)
    checked = 0
    for _ in range(40):
        test, extent = _pattern(rng, extent=False), _pattern(rng, extent=True)
        sql = (
            f"SELECT _id, s ~ '{test}' AS a, s ~* '{test}' AS b, REGEXP_MATCH(s, '{extent}') AS c,"
            f" REGEXP_MATCH(s, '{extent}', 'i') AS d, REGEXP_REPLACE(s, '{extent}', '[\\&]') AS e"
        )
        if not translate(extent).can_be_empty:
            sql += f", REGEXP_REPLACE(s, '{extent}', '<\\1>', 'gi') AS f"
        text_env.check(sql + " FROM w")
        checked += 1
    assert checked == 40


def test_the_translation_is_plain_syntax() -> None:
    assert translate("a.b$").pcre == "a[\\s\\S]b(?![\\s\\S])"
    assert translate("k[a-b]", icase=True).pcre == "[Kk][a-bABab]"
    assert translate("\\d+\\.").pcre == "[0-9]+\\."
    # PCRE reads \v as a class of vertical white space: control characters go by code.
    assert translate("\\v\\t ").pcre == "\\x0b\\x09\\x20"
    with pytest.raises(RegexRefused, match="backspace"):
        translate("\\b")
    with pytest.raises(RegexRefused, match="escape"):
        translate("\\é")
