"""Heading anchors as each wiki computes them: a slug of the heading's text, made unique in document order.

A link such as `[x](#slug)` only works when the slug is exactly what the wiki generates for the heading, so each
flavour reproduces its platform's code, duplicates included:

- github: github-slugger 2.x, the library that mirrors GitHub's own anchors.
- gitlab: Banzai::Filter::TableOfContentsFilter (GitLab's Markdown pipeline).
- mkdocs: Python-Markdown's `toc` extension with its default `slugify`, which MkDocs uses.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable

from prepbook.render import Flavor

Slugger = Callable[[str], str]

# github-slugger strips every character of these general categories except "-" and " "...
_GITHUB_STRIPPED = {"No", "Pd", "Ps", "Pe", "Pi", "Pf", "Po", "Sm", "Sc", "Sk", "So",
                    "Cc", "Cf", "Co", "Cn", "Zs", "Zl", "Zp"}
# ...unless the character is Alphabetic: the symbols among those are the circled and squared Latin letters.
_ALPHABETIC_SYMBOLS = ((0x24B6, 0x24E9), (0x1F130, 0x1F149), (0x1F150, 0x1F169), (0x1F170, 0x1F189))


def _github_keeps(char: str) -> bool:
    if char in "- ":
        return True
    if unicodedata.category(char) not in _GITHUB_STRIPPED:
        return True
    return any(low <= ord(char) <= high for low, high in _ALPHABETIC_SYMBOLS)


def github_slug(text: str) -> str:
    """Lowercase, drop punctuation, symbols and control characters, each space a hyphen (no trimming)."""
    return "".join(char for char in text.lower() if _github_keeps(char)).replace(" ", "-")


def _gitlab_keeps(char: str) -> bool:
    # Ruby's /[^\p{Word}\- ]/: \p{Word} is Letter, Mark, Decimal_Number and Connector_Punctuation.
    return char in "- " or unicodedata.category(char)[0] in "LM" or unicodedata.category(char) in ("Nd", "Pc")


def gitlab_slug(text: str) -> str:
    """Lowercase, drop non-word characters, spaces to hyphens, runs of hyphens squeezed to one."""
    slug = re.sub("-+", "-", "".join(char for char in text.lower() if _gitlab_keeps(char)).replace(" ", "-"))
    # GitLab prefixes digits-only ids, which would otherwise look like issue references.
    return f"anchor-{slug}" if re.fullmatch("[0-9]+", slug) else slug


def mkdocs_slug(text: str) -> str:
    """Python-Markdown's toc.slugify: accents folded to ASCII, other non-ASCII dropped, punctuation removed."""
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii")
    return re.sub(r"[-\s]+", "-", re.sub(r"[^\w\s-]", "", ascii_text).strip().lower())


def _github_unique() -> Slugger:
    occurrences: dict[str, int] = {}

    def unique(text: str) -> str:
        # BananaSlug.slug: bump the base's counter until the candidate is free ("a", "a-1", "a-2"...).
        base = slug = github_slug(text)
        while slug in occurrences:
            occurrences[base] += 1
            slug = f"{base}-{occurrences[base]}"
        occurrences[slug] = 0
        return slug

    return unique


def _gitlab_unique() -> Slugger:
    seen: dict[str, int] = {}

    def unique(text: str) -> str:
        # GitLab counts each base id and never checks the suffixed id against other headings.
        base = gitlab_slug(text)
        count = seen.get(base, 0)
        seen[base] = count + 1
        return f"{base}-{count}" if count else base

    return unique


_MKDOCS_COUNTED = re.compile(r"^(.*)_([0-9]+)$")


def _mkdocs_unique() -> Slugger:
    used: set[str] = set()

    def unique(text: str) -> str:
        # toc.unique: an empty or taken id gets "_1", and an id already ending in "_<n>" counts up from n.
        slug = mkdocs_slug(text)
        while slug in used or not slug:
            counted = _MKDOCS_COUNTED.match(slug)
            slug = f"{counted.group(1)}_{int(counted.group(2)) + 1}" if counted else f"{slug}_1"
        used.add(slug)
        return slug

    return unique


_UNIQUE: dict[str, Callable[[], Slugger]] = {
    "github": _github_unique,
    "gitlab": _gitlab_unique,
    "mkdocs": _mkdocs_unique,
}


def slugger(flavor: Flavor) -> Slugger:
    """A fresh anchor generator: call it with every heading's text, in document order."""
    return _UNIQUE[flavor]()
