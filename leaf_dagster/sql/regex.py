"""PostgreSQL regular expressions (ARE) rewritten into a PCRE pattern that means the same, or refused.

PostgreSQL's flavour differs from PCRE (MongoDB's) in places: ``\\m``/``\\M``/``\\y`` are word
boundaries there, ``\\b`` a backspace, ``\\w``/``\\s`` and ``[[:alpha:]]`` follow the database's locale,
``$`` never matches before a final newline, ``~*`` folds case with the locale's tolower/toupper, and
a match's extent follows POSIX rules (``a|ab`` and lazy quantifiers pick other text than in Perl).
So a constant pattern is parsed here and only a safe subset is accepted, written out in plain
syntax that reads the same in every engine: literal characters, ``.``, bracket expressions of
characters and ASCII ranges, ``\\d``/``\\D``, ``^``, ``$``, groups, ``|`` and quantifiers. Case
insensitivity is spelled out per character (``k`` becomes ``[kK]``), as PostgreSQL does it.

Where a match's extent matters (REGEXP_REPLACE, REGEXP_MATCH), alternation, lazy quantifiers and
quantified groups are refused too: there the engines may pick different text.
"""

from __future__ import annotations

from dataclasses import dataclass

MAX_REPEAT = 255  # PostgreSQL's DUPMAX
_ESCAPES = {"n": "\n", "t": "\t", "r": "\r", "f": "\f", "v": "\v"}
_DIGITS = [("0", "9")]
_REFUSED_ESCAPES = {
    "w": "\\w (word characters follow the database's locale)",
    "W": "\\W (word characters follow the database's locale)",
    "s": "\\s (white space follows the database's locale)",
    "S": "\\S (white space follows the database's locale)",
    "m": "\\m (PostgreSQL's start of a word)",
    "M": "\\M (PostgreSQL's end of a word)",
    "y": "\\y (PostgreSQL's word boundary)",
    "Y": "\\Y (PostgreSQL's non-boundary)",
    "b": "\\b (a backspace in PostgreSQL, a word boundary elsewhere)",
    "B": "\\B (a backslash in PostgreSQL)",
    "A": "\\A",
    "Z": "\\Z",
}


class RegexRefused(ValueError):
    """The pattern uses syntax that cannot be translated exactly; the message names it."""


@dataclass(frozen=True)
class Translated:
    pcre: str
    groups: int  # capturing groups
    can_be_empty: bool  # the pattern matches the empty string somewhere
    ambiguous_extent: str | None  # why the matched text may differ between engines, if it may


def _char(ch: str) -> str:
    """One character, literal in PCRE and Python (and inside brackets)."""
    if ch.isascii() and not ch.isalnum():
        # Control characters by code: PCRE reads \v as a class of vertical white space.
        return f"\\x{ord(ch):02x}" if ch.isspace() or not ch.isprintable() else "\\" + ch
    return ch


def _cases(ch: str) -> set[str]:
    """PostgreSQL's ``allcases``: the lower and upper case of the character (per code point)."""
    lower, upper = ch.lower(), ch.upper()
    lower = lower if len(lower) == 1 else ch
    upper = upper if len(upper) == 1 else ch
    return {lower, upper}


def _bracket(chars: set[str], ranges: list[tuple[str, str]], negated: bool) -> str:
    body = "".join(f"{_char(a)}-{_char(b)}" for a, b in sorted(ranges)) + "".join(
        _char(c) for c in sorted(chars)
    )
    if not body:
        return "[\\s\\S]" if negated else "(?!)"
    return f"[{'^' if negated else ''}{body}]"


class _Parser:
    def __init__(self, pattern: str, icase: bool) -> None:
        self.p = pattern
        self.i = 0
        self.icase = icase
        self.groups = 0
        self.alternation = False
        self.lazy = False
        self.quantified_group = False

    def error(self, what: str) -> RegexRefused:
        return RegexRefused(f"{what} in a regular expression is not supported")

    def peek(self) -> str | None:
        return self.p[self.i] if self.i < len(self.p) else None

    def parse(self) -> tuple[str, bool]:
        if self.p.startswith("***"):
            raise self.error("a *** director")
        out, empty = self.alternatives()
        if self.i < len(self.p):
            raise self.error("an unmatched )")
        return out, empty

    def alternatives(self) -> tuple[str, bool]:
        branches = [self.branch()]
        while self.peek() == "|":
            self.i += 1
            self.alternation = True
            branches.append(self.branch())
        return "|".join(b for b, _ in branches), any(e for _, e in branches)

    def branch(self) -> tuple[str, bool]:
        parts: list[str] = []
        empty = True
        while self.peek() not in (None, "|", ")"):
            atom, atom_empty, quantifiable, is_group = self.atom()
            lo, text = self.quantifier(quantifiable, is_group)
            parts.append(atom + text)
            empty = empty and (atom_empty or lo == 0)
        return "".join(parts), empty

    def quantifier(self, quantifiable: bool, is_group: bool) -> tuple[int, str]:
        ch = self.peek()
        if ch not in ("*", "+", "?", "{"):
            return 1, ""
        if not quantifiable:
            raise self.error(f"a quantifier {ch} after nothing or after an anchor")
        if ch == "{":
            end = self.p.find("}", self.i)
            spec = self.p[self.i + 1 : end] if end > 0 else ""
            lo_text, _, hi_text = spec.partition(",")
            if not lo_text.isdigit() or (hi_text and not hi_text.isdigit()):
                raise self.error(f"the bound {{{spec}")
            lo = int(lo_text)
            hi = int(hi_text) if hi_text else (lo if "," not in spec else None)
            if lo > MAX_REPEAT or (hi is not None and (hi > MAX_REPEAT or hi < lo)):
                raise self.error(f"the bound {{{spec}}}")
            text = "{" + spec + "}"
            self.i = end + 1
        else:
            lo = 0 if ch in "*?" else 1
            text = ch
            self.i += 1
        if self.peek() == "?":
            self.lazy = True
            text += "?"
            self.i += 1
        if self.peek() in ("*", "+", "?", "{"):
            raise self.error("a quantifier of a quantifier")
        if is_group:
            self.quantified_group = True
        return lo, text

    def atom(self) -> tuple[str, bool, bool, bool]:
        """(pcre, may be empty, quantifiable, is a group)."""
        ch = self.p[self.i]
        self.i += 1
        if ch == "(":
            capturing = True
            if self.p.startswith("?:", self.i):
                self.i += 2
                capturing = False
            elif self.peek() == "?":
                raise self.error("a (? construct other than (?:")
            if capturing:
                self.groups += 1
            inner, empty = self.alternatives()
            if self.peek() != ")":
                raise self.error("an unclosed (")
            self.i += 1
            return (f"({inner})" if capturing else f"(?:{inner})"), empty, True, True
        if ch == ".":
            return "[\\s\\S]", False, True, False
        if ch == "^":
            return "^", True, False, False
        if ch == "$":
            return "(?![\\s\\S])", True, False, False
        if ch == "[":
            return self.bracket(), False, True, False
        if ch in "*+?{":
            raise self.error(f"a quantifier {ch} after nothing")
        if ch == "\\":
            return self.escape(), False, True, False
        return self.literal(ch), False, True, False

    def literal(self, ch: str) -> str:
        if not self.icase:
            return _char(ch)
        cases = _cases(ch)
        if cases == {ch}:
            return _char(ch)
        return _bracket(cases, [], False)

    def escape(self) -> str:
        if self.i >= len(self.p):
            raise self.error("a trailing backslash")
        ch = self.p[self.i]
        self.i += 1
        if ch == "d":
            return "[0-9]"
        if ch == "D":
            return "[^0-9]"
        if ch in _ESCAPES:
            return _char(_ESCAPES[ch])
        if ch.isalnum() or not ch.isascii():
            raise self.error(_REFUSED_ESCAPES.get(ch, f"the escape \\{ch}"))
        return self.literal(ch)

    def bracket(self) -> str:
        negated = self.peek() == "^"
        if negated:
            self.i += 1
        if self.peek() == "]":
            raise self.error("a ] first in a bracket expression")
        chars: set[str] = set()
        ranges: list[tuple[str, str]] = []
        while True:
            ch = self.peek()
            if ch is None:
                raise self.error("an unclosed [")
            self.i += 1
            if ch == "]":
                break
            if ch == "[" and self.peek() in (":", ".", "="):
                raise self.error(
                    f"the class [{self.peek()}…{self.peek()}] (it follows the database's locale)"
                )
            if ch == "\\":
                if self.i >= len(self.p):
                    raise self.error("a trailing backslash")
                esc = self.p[self.i]
                self.i += 1
                if esc == "d":
                    ranges.extend(_DIGITS)
                    continue
                if esc in _ESCAPES:
                    chars.add(_ESCAPES[esc])
                    continue
                if esc.isalnum() or not esc.isascii():
                    raise self.error(_REFUSED_ESCAPES.get(esc, f"the escape \\{esc}"))
                ch = esc
            elif self.peek() == "-" and self.p[self.i + 1 : self.i + 2] not in ("]", ""):
                end = self.p[self.i + 1]
                if end in "\\[" or not (ch.isascii() and end.isascii()) or ord(end) < ord(ch):
                    raise self.error(f"the range {ch}-{end}")
                self.i += 2
                if self.peek() == "-" and self.p[self.i + 1 : self.i + 2] != "]":
                    raise self.error("a range followed by -")
                ranges.append((ch, end))
                continue
            chars.add(ch)
        if self.icase:
            for a, b in list(ranges):
                for code in range(ord(a), ord(b) + 1):
                    chars |= _cases(chr(code))
            chars = {c for ch in chars for c in (_cases(ch) | {ch})} if chars else chars
        return _bracket(chars, ranges, negated)


def translate(pattern: str, *, icase: bool = False) -> Translated:
    """The PCRE spelling of a PostgreSQL ARE ``pattern``; ``RegexRefused`` when it cannot be exact."""
    parser = _Parser(pattern, icase)
    pcre, empty = parser.parse()
    reason = (
        "alternation (|)"
        if parser.alternation
        else "a lazy quantifier"
        if parser.lazy
        else "a quantified group"
        if parser.quantified_group
        else None
    )
    return Translated(pcre, parser.groups, empty, reason)


def similar_to_regex(pattern: str, escape: str | None = "\\") -> str:
    """SQL ``SIMILAR TO`` as an anchored ARE (PostgreSQL's ``similar_escape``)."""
    out = ["^(?:"]
    in_bracket = False
    chars = iter(pattern)
    for ch in chars:
        if escape and ch == escape:
            nxt = next(chars, None)
            if nxt is None:
                raise RegexRefused("SIMILAR TO pattern must not end with the escape character")
            if nxt == '"':
                raise RegexRefused('the SUBSTRING markers (escape + ") in SIMILAR TO are not supported')
            out.append("\\" + nxt)  # as PostgreSQL: an escaped letter is an ARE escape (\\d, \\y)
        elif in_bracket:
            if ch == "]":
                in_bracket = False
            out.append("\\\\" if ch == "\\" else ch)
        elif ch == "[":
            in_bracket = True
            out.append(ch)
        elif ch == "%":
            out.append(".*")
        elif ch == "_":
            out.append(".")
        elif ch in ".^$\\":
            out.append("\\" + ch)
        else:
            out.append(ch)
    out.append(")$")
    return "".join(out)
