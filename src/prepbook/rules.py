"""The reviewer's rules: each a name, the one-line fix it suggests, and the comment that silences it for one record.

A record silences rules with a comment line of its own, starting at the first column (where it cannot be part of
an answer's text):

    # prepbook: allow near-duplicate, short-section

The loader reads these comments (it checks one rule itself, duplicate-entry); `lint` applies the others.
"""

from __future__ import annotations

import re
from dataclasses import dataclass


@dataclass(frozen=True)
class Rule:
    name: str
    fix: str  # what to do about it, in one line: printed after every finding


LONG_SHORT_ANSWER = Rule("long-short-answer", "keep what you would say first and move the rest to deep_dive")
SHORT_SECTION = Rule("short-section", "say what a reader needs to act on it: the why, a case, a number")
NEAR_DUPLICATE = Rule("near-duplicate", "merge the two, or make each ask what the other does not")
TAG_TYPO = Rule("tag-typo", "use the tag the other records use, or tag one more record with this one")
BIDI_CONTROL = Rule("bidi-control", "delete it: it can show the text in another order than the one it is read in")
MISSING_GLYPH = Rule("missing-glyph", "use another character, or add a font that has it to the templates' fonts/")
DUPLICATE_ENTRY = Rule("duplicate-entry", "it is kept once")

RULES: dict[str, Rule] = {rule.name: rule for rule in (
    LONG_SHORT_ANSWER, SHORT_SECTION, NEAR_DUPLICATE, TAG_TYPO, BIDI_CONTROL, MISSING_GLYPH, DUPLICATE_ENTRY)}

_ALLOW = re.compile(r"^#[ \t]*prepbook:[ \t]*allow[ \t]+(?P<names>[^\n]*)", re.MULTILINE)
_NAME = re.compile(r"[^\s,]+")


@dataclass(frozen=True)
class Allowed:
    """A rule name an allow comment gives, and where (1-based line and column)."""

    name: str
    line: int
    column: int


def allow_comments(text: str) -> list[Allowed]:
    """Every rule name in the record's allow comments, known or not (the loader warns of the unknown ones)."""
    found = []
    for comment in _ALLOW.finditer(text):
        line = text.count("\n", 0, comment.start()) + 1
        for name in _NAME.finditer(comment["names"]):
            found.append(Allowed(name.group(), line, comment.start("names") - comment.start() + name.start() + 1))
    return found
