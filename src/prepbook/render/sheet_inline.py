"""Inline nodes → Markdown for a wiki: the cheat-sheet writer's text, code spans, emphasis, links and raw HTML.

Each inline node becomes pieces (text to escape, Markdown written here); joining them is where neighbours matter:
text is escaped together with the text beside it and knows whether it starts a line; "!" before a link would make
an image; two code spans side by side would make one backtick run; an emphasis marker between a letter and
punctuation opens nothing (what stood beside it in the source, an image or a raw HTML tag, may be gone).

Raw HTML of the safe set becomes its Markdown equivalent: `b`/`strong` and `i`/`em` pairs emphasis, `kbd` around
text a code span, `summary` a bold label on
a line of its own, `br` and `details` a line break (a space on one line), `sub`, `sup` and `mark` their content.
Any other HTML is shown as the text that was typed. Images (not supported yet) are "!" and their link or text.
"""

from __future__ import annotations

import re
import string
import unicodedata
from collections.abc import Iterator, Sequence
from typing import NamedTuple
from urllib.parse import quote, urlsplit

from markdown_it_pyrs import Node

from prepbook.markup import LINK_SCHEMES, SAFE_TAG, plain_text
from prepbook.render import Flavor
from prepbook.render.sheet_text import code_span, escape_text


# Not a dataclass: NamedTuple._replace() costs less than dataclasses.replace(), and most blocks call it.
class Context(NamedTuple):
    flavor: Flavor
    nested: bool = False  # inside a list item or a quote
    in_table: bool = False
    one_line: bool = False  # a heading, a table cell, a link's text: a line break would end it
    links: bool = True


# (kind, value): "text" is content, escaped when joined; "code" and "markup" are Markdown written here; "open" and
# "close" are the two markers of an emphasis (they nest); "break" is a line break.
Piece = tuple[str, str]
BREAK: Piece = ("break", "")

_EMPHASIS = frozenset({"em", "strong", "strikethrough"})
_PLAIN = frozenset({"text", "text_special", "softbreak", "hardbreak"})


def pieces(nodes: Sequence[Node], context: Context) -> list[Piece]:
    """The pieces that write these inline nodes."""
    out: list[Piece] = []
    index = 0
    while index < len(nodes):
        node = nodes[index]
        if node.name == "html_inline":
            index = _html_inline(nodes, index, out, context)
            continue
        index += 1
        if node.name in ("text", "text_special"):
            out.append(("text", str(node.meta.get("content", ""))))
        elif node.name in ("softbreak", "hardbreak"):
            out.append(BREAK)  # never a hard break: wikis disagree on them
        elif node.name == "code_inline":
            out.append(_code_piece(plain_text(node), context))
        elif node.name in _EMPHASIS:
            out += _wrapped(_marker(node), pieces(node.children, context))
        elif node.name == "link":
            out += _link(str(node.meta.get("url", "")), node.children, context)
        elif node.name == "autolink":
            out += _autolink(node, context)
        elif node.name == "image":
            out += [("text", "!"), *_link(str(node.meta.get("url", "")), node.children, context)]
        else:
            out.append(("text", plain_text(node)))
    return out


def _code_piece(code: str, context: Context) -> Piece:
    if not code.strip():
        return ("text", code)  # an empty span is no span: its backticks would show
    return ("code", code_span(code, context.flavor, in_table=context.in_table))


def _marker(node: Node) -> str:
    if node.name == "strikethrough":
        return "~~"
    marker = str(node.meta.get("marker", "*"))  # the source's: "_" and "*" pair with their neighbours differently
    return marker * 2 if node.name == "strong" else marker


def _wrapped(marker: str, inner: list[Piece]) -> list[Piece]:
    """Inner pieces between two markers. A marker next to a space or a line break opens or closes nothing, so
    breaks go outside and spaces at the ends go; with nothing left to mark, the markers go too."""
    start, end = 0, len(inner)
    while start < end and inner[start] == BREAK:
        start += 1
    while end > start and inner[end - 1] == BREAK:
        end -= 1
    core = list(inner[start:end])
    for edge in (range(len(core)), range(len(core) - 1, -1, -1)):  # the start, then the end
        for index in edge:
            kind, value = core[index]
            if kind != "text":
                break
            core[index] = (kind, value.lstrip() if edge.step == 1 else value.rstrip())
            if core[index][1]:
                break
    if not any(value.strip() for kind, value in core):
        return inner
    return [*inner[:start], ("open", marker), *core, ("close", marker), *inner[end:]]


# What a URL may hold as it is inside a link: nothing that could end the destination or the cell it sits in.
_URL_SAFE = "-._~:/?#@!$&'()*+,;=%"
# Autolinks every flavour reads as one (Python-Markdown's only for web addresses and plain mail addresses).
_PLAIN_AUTOLINK = re.compile(r"https?://[A-Za-z0-9\-._~:/?#@!$&'*+,;=%]+"
                             r"|[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*", re.IGNORECASE)


def _link(url: str, children: Sequence[Node], context: Context) -> list[Piece]:
    """A link to a web page or a mail address; to anything else, or where no link may be, its text."""
    text_context = context._replace(one_line=True, links=False)
    text = pieces(children, text_context)
    if not context.links or not _web_or_mail(url):
        return text
    destination = quote(url, safe=_URL_SAFE)
    if "(" in destination or ")" in destination:
        destination = f"<{destination}>"  # unbalanced, one would end the link early
    return [("markup", f"[{joined(text, text_context, line_start=False)}]({destination})")]


def _autolink(node: Node, context: Context) -> list[Piece]:
    shown = plain_text(node)
    if context.links and _web_or_mail(str(node.meta.get("url", ""))) and _PLAIN_AUTOLINK.fullmatch(shown):
        return [("markup", f"<{shown}>")]
    return _link(str(node.meta.get("url", "")), node.children, context)


def _web_or_mail(url: str) -> bool:
    try:
        return urlsplit(url).scheme.lower() in LINK_SCHEMES
    except ValueError:  # not a URL at all ("http://[x", say)
        return False


def _html_inline(nodes: Sequence[Node], index: int, out: list[Piece], context: Context) -> int:
    """Write the raw HTML at nodes[index], and what a kbd or summary pair encloses; the index to go on from."""
    content = str(nodes[index].meta.get("content", ""))
    tag = SAFE_TAG.fullmatch(content)
    if tag is None:
        out.append(("text", content))  # shown as typed
        return index + 1
    name = tag.group(2).lower()
    if name in ("br", "details"):
        out.append(BREAK)
    elif name in ("kbd", "summary") and not tag.group(1):
        end = _closing_tag(nodes, index + 1, name)
        enclosed = nodes[index + 1:end] if end is not None else []
        if name == "kbd" and end is not None and all(node.name in _PLAIN for node in enclosed):
            out.append(_code_piece("".join(plain_text(node) for node in enclosed), context))
            return end + 1
        if name == "summary" and end is not None:  # the label of what follows, on a line of its own
            label = [piece for piece in pieces(enclosed, context) if piece != ("text", "")]
            bold_already = label[:1] == [("open", "**")] and label[-1:] == [("close", "**")]  # <summary><b>...
            out += [BREAK, *(label if bold_already else _wrapped("**", label)), BREAK]
            return end + 1
    elif name in _HTML_EMPHASIS and not tag.group(1):
        end = _closing_tag(nodes, index + 1, name)
        if end is not None:
            out += _wrapped(_HTML_EMPHASIS[name], pieces(nodes[index + 1:end], context))
            return end + 1
    # sub, sup, mark, kbd around markup, a tag left open or a stray closing one: the tag goes, its content stays
    return index + 1


# HTML emphasis and its Markdown: a pair becomes the markers around what it encloses.
_HTML_EMPHASIS = {"b": "**", "strong": "**", "i": "*", "em": "*"}


def _closing_tag(nodes: Sequence[Node], start: int, name: str) -> int | None:
    for index in range(start, len(nodes)):
        if nodes[index].name == "html_inline":
            tag = SAFE_TAG.fullmatch(str(nodes[index].meta.get("content", "")))
            if tag and tag.group(1) and tag.group(2).lower() == name:
                return index
    return None


_TRAILING_SPACE = re.compile(r"[ \t]+$", re.MULTILINE)


def joined(written: list[Piece], context: Context, *, line_start: bool) -> str:
    """The pieces as Markdown: text escaped (where a line starts, against opening a block too); one line break at
    most in a row and none at either end, none at all on one line; no space before a line's end (two would make a
    hard break)."""
    out: list[str] = []
    markers: list[tuple[int, str]] = []  # where in `out` each emphasis marker is, and its kind
    at_line_start = line_start
    previous = ""
    for kind, value in _coalesced(written, context.one_line):
        if kind == "break":
            if not at_line_start:
                out.append("\n")
                at_line_start = True
            continue
        if kind == "text":
            value = escape_text(value, context.flavor, line_start=at_line_start)
            if not value:
                continue
        elif value.startswith("[") and out and _ends_unescaped(out[-1], "!"):
            out[-1] = out[-1][:-1] + "\\!"  # "![" would make the link an image
        elif kind == "code" and previous == "code":
            out.append(" ")  # backtick runs side by side would join into one
        elif kind in ("open", "close"):
            markers.append((len(out), kind))
        out.append(value)
        previous = kind
        # Text right after an opening marker is escaped as the line's start: the marker may yet be dropped.
        at_line_start = at_line_start and kind == "open"
    if markers:
        _drop_idle_markers(out, _pairs(markers))
    markdown = "".join(out)
    if " \n" in markdown or "\t\n" in markdown:
        markdown = _TRAILING_SPACE.sub("", markdown)
    return markdown.rstrip(" \t\n")


def _coalesced(written: list[Piece], one_line: bool) -> Iterator[Piece]:
    """Adjacent text as one piece, escaped together: "1" and an escaped "." still make "1." at a line's start, and
    "&" and "amp;" still an entity. On one line a break is a space."""
    text: list[str] = []
    for kind, value in written:
        if kind == "text" or (one_line and kind == "break"):
            text.append(value if kind == "text" else " ")
            continue
        if text:
            yield "text", "".join(text)
            text = []
        yield kind, value
    if text:
        yield "text", "".join(text)


def _ends_unescaped(written: str, char: str) -> bool:
    return written.endswith(char) and not _escaped(written, len(written) - 1)


def _escaped(text: str, at: int) -> bool:
    """Whether a backslash escapes the character at `at`."""
    return (at - len(text[:at].rstrip("\\"))) % 2 == 1


def _pairs(markers: list[tuple[int, str]]) -> list[tuple[int, int]]:
    pairs = []
    opened: list[int] = []
    for index, kind in markers:
        if kind == "open":
            opened.append(index)
        else:
            pairs.append((opened.pop(), index))
    return pairs


def _drop_idle_markers(out: list[str], pairs: list[tuple[int, int]]) -> None:
    """Remove each marker pair that would not open and close an emphasis where it stands (CommonMark's flanking
    rules), so its characters never show; until none is left, as a removal changes its neighbours' neighbours."""
    while True:
        text = "".join(out)
        offsets = [0]
        for piece in out:
            offsets.append(offsets[-1] + len(piece))
        idle = [(opening, closing) for opening, closing in pairs if out[opening] and not (
            _delimits(text, offsets[opening], offsets[opening + 1], opens=True)
            and _delimits(text, offsets[closing], offsets[closing + 1], opens=False))]
        if not idle:
            return
        for opening, closing in idle:
            out[opening] = out[closing] = ""


def _delimits(text: str, start: int, end: int, *, opens: bool) -> bool:
    """Whether the marker text[start:end] can open (or close) an emphasis: CommonMark judges the whole run of the
    marker's character around it by the characters on either side."""
    char = text[start]
    while start > 0 and text[start - 1] == char and not _escaped(text, start - 1):
        start -= 1
    while end < len(text) and text[end] == char:
        end += 1
    if char == "~" and end - start > 2:
        return False  # GFM strikes through with one or two tildes; three or more are text
    before = text[start - 1] if start else " "
    after = text[end] if end < len(text) else " "
    left = not after.isspace() and (not _punctuation(after) or before.isspace() or _punctuation(before))
    right = not before.isspace() and (not _punctuation(before) or after.isspace() or _punctuation(after))
    if char != "_":
        return left if opens else right
    # "_" also never opens or closes inside a word
    return left and (not right or _punctuation(before)) if opens else right and (not left or _punctuation(after))


def _punctuation(char: str) -> bool:
    return char in string.punctuation or unicodedata.category(char)[0] in "PS"
