"""Literal text → Markdown a wiki shows exactly as it is, per flavour: escaped text, code spans, code blocks.

These are the cheat-sheet writer's escaping rules, and the only places its output holds characters from content:
whatever the text, a flavour's parser reads it back as that text and nothing else (tests/test_md.py checks each
rule with cmark-gfm, GitHub's parser, and Python-Markdown, MkDocs').
"""

from __future__ import annotations

import re

from prepbook.render import Flavor

# Each character a wiki would read as syntax anywhere in a line, and its literal form there (a line break or tab:
# a space, as text is on one line). Backslash escapes
# where the flavour's parser honours them; entities where it does not: Python-Markdown (MkDocs) cannot
# backslash-escape `<`, `~`, `=`, `$` or `&`.
_ESCAPES_EVERYWHERE = {char: "\\" + char for char in "\\`*_[]|#"} | {"<": "&lt;"} | dict.fromkeys("\r\n\t", " ")
_ESCAPES: dict[Flavor, dict[int, str]] = {
    # GFM strikethrough and GitHub/GitLab math
    "github": str.maketrans(_ESCAPES_EVERYWHERE | {"~": "\\~", "$": "\\$"}),
    # and GitLab's references (@user, #issue, !merge-request, &epic, %milestone, ~label, $snippet, ^...): a
    # backslash-escaped one stays text (GitLab's EscapedCharFilter.REFERENCE_CHARS)
    "gitlab": str.maketrans(_ESCAPES_EVERYWHERE | {char: "\\" + char for char in "~$%&@!^"}),
    # attribute lists, which many MkDocs sites enable; "]" as an entity, since Python-Markdown takes a line like
    # "[x\]: y](#a)" for a link reference definition whatever the backslash; "~", which opens a code fence
    # anywhere at the start of a line (fenced_code reads the whole page before any other rule)
    "mkdocs": str.maketrans(_ESCAPES_EVERYWHERE | {"{": "\\{", "}": "\\}", "]": "&#93;", "~": "&#126;"}),
}
# At the start of a line these would open a block: a list, a quote, a setext heading's underline ("="), or a
# table's delimiter row (":-:", which cmark-gfm reads under any line of text; Python-Markdown wants a "|").
_LINE_START: dict[Flavor, dict[str, str]] = {
    "github": {"-": "\\-", "+": "\\+", ">": "\\>", "=": "\\=", ":": "\\:"},
    "gitlab": {"-": "\\-", "+": "\\+", ">": "\\>", "=": "\\=", ":": "\\:"},
    "mkdocs": {"-": "\\-", "+": "\\+", ">": "\\>", "=": "&#61;"},
}
_ORDERED_LIST = re.compile(r"^([0-9]{1,9})([.)])")
_ENTITY_LIKE = re.compile(r"&(?=#?[0-9A-Za-z]+;)")
# GFM links bare URLs ("http://...", "www.") straight from the source, up to the next space, where an escape
# inside them would show as a backslash; a backslash after the match ("https\://", "www\.") keeps the text plain,
# as in the handbook and the deck, which link only what the author marked as a link. Python-Markdown links no
# bare URLs, and would show "\:".
_BARE_URL_START = re.compile(r"(?<![^\s*_~(])(?i:www)(?=\.)|(?<![A-Za-z])[A-Za-z]+(?=://)")
_LINKS_BARE_URLS = {"github", "gitlab"}
_BACKTICKS = re.compile("`+")
# The languages a fence may name: Python-Markdown's fenced_code reads nothing else after the fence.
_LANGUAGE = re.compile(r"[\w#+.-]+")


def escape_text(text: str, flavor: Flavor, *, line_start: bool = True) -> str:
    """Plain text → Markdown that the flavour shows literally, on one line; with `line_start`, safe where a line
    begins (no leading spaces, which would make it code)."""
    line = text
    # Each step only where it has something to do: the sheet escapes every text of a thousand questions.
    if "&" in line and ord("&") not in _ESCAPES[flavor]:  # an escaped "&" starts no entity either
        line = _ENTITY_LIKE.sub("&amp;", line)
    line = line.translate(_ESCAPES[flavor])
    if flavor in _LINKS_BARE_URLS and ("://" in line or "www" in line.lower()):
        line = _BARE_URL_START.sub(r"\g<0>\\", line)
    if line_start:
        line = line.lstrip(" ")
        if line[:1] in _LINE_START[flavor]:
            line = _LINE_START[flavor][line[0]] + line[1:]
        elif line[:1].isdigit():
            line = _ORDERED_LIST.sub(r"\1\\\2", line)
    return line


def code_span(code: str, flavor: Flavor, *, in_table: bool) -> str:
    """Code shown literally inline: fenced by a backtick run longer than any inside it, so no parser can close the
    span early or pair its backticks otherwise (Python-Markdown closes on the next run of the same length)."""
    code = code.replace("\r", " ").replace("\n", " ")  # a span is on one line, as in the tree
    fence = "`" * (_longest_backtick_run(code) + 1)
    # A parser drops one space from each end, and a backtick at an end would join the fence.
    if code.startswith("`") or code.endswith("`") or (code.startswith(" ") and code.endswith(" ") and code.strip()):
        code = f" {code} "
    if in_table and flavor != "mkdocs":
        # GFM splits a row at every unescaped "|" before it reads code spans, and drops the backslash after;
        # Python-Markdown's tables skip "|" inside code, where a backslash would show.
        code = code.replace("|", "\\|")
    return f"{fence}{code}{fence}"


def code_block(code: str, info: str, flavor: Flavor, *, nested: bool) -> str:
    """A code block, its language kept where the flavour can show it. Python-Markdown reads a fence only at the
    left margin, so for MkDocs code inside a list item or a quote is indented code, without its language."""
    lines = code.rstrip("\n").split("\n")
    if flavor == "mkdocs" and nested:
        # Spaces at a line's end are invisible in code, and would make a hard break where a parser took the line
        # for text.
        return "\n".join(f"    {line.rstrip()}" if line.strip() else "" for line in lines)
    fence = "`" * max(3, _longest_backtick_run(code) + 1)  # no line of the code can close it
    words = info.split()
    language = words[0] if words and _LANGUAGE.fullmatch(words[0]) else ""
    return "\n".join([fence + language, *(lines if code.strip("\n") else []), fence])


def _longest_backtick_run(text: str) -> int:
    return max((len(run) for run in _BACKTICKS.findall(text)), default=0)
