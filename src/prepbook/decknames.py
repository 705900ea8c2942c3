"""Anki deck names: a title as one level of the deck tree, and when Anki takes two names for the same deck.

What Anki does with a deck name (rslib/src/decks/name.rs, and the `unicase` collation of its decks table;
checked with anki 26.9.3): "::" separates levels, so a title holding it would make nested decks; each level is
normalised to NFC, loses ASCII control characters and any whitespace or colons at either end, and is "blank" if
nothing is left; names are compared ignoring case. The importer gives the second of two such names a "_" suffix,
which would file a topic's cards under a deck name the book never shows.
"""

from __future__ import annotations

import re
import unicodedata

SEPARATOR = "::"
# Two RATIO signs (U+2236): they read as "::" but are not Anki's separator.
_LOOK_ALIKE = "\u2236\u2236"
_ENDS = re.compile(r"^[\s:]+|[\s:]+$")


def deck_name(*titles: str) -> str:
    """The deck path with one level per title, whatever the titles hold."""
    return SEPARATOR.join(title.replace(SEPARATOR, _LOOK_ALIKE) for title in titles)


def same_deck_key(title: str) -> str:
    """Equal for two titles exactly when Anki would take their levels of the deck tree for one deck."""
    level = "".join(char for char in unicodedata.normalize("NFC", deck_name(title)) if not _ascii_control(char))
    return (_ENDS.sub("", level) or "blank").casefold()


def _ascii_control(char: str) -> bool:
    return char < " " or char == "\x7f"
