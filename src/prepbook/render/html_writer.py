"""The content tree → HTML for the handbook (PDF and preview) and the cards.

Walks the tree markup.parse gives. Text is always escaped; raw HTML is shown as the text that was typed, except a
small set of harmless inline tags written without attributes; links go only to web pages and mail; code blocks
are highlighted by Pygments into spans whose classes the stylesheets colour. markup.sanitise then passes the
whole fragment through the allow-list, so a mistake here still cannot let anything active through.
"""

from __future__ import annotations

import html
import re
from collections.abc import Callable, Iterator, Sequence
from functools import cache
from urllib.parse import urlsplit

from markdown_it_pyrs import Node
from pygments import highlight
from pygments.formatters import HtmlFormatter
from pygments.lexers import get_lexer_by_name
from pygments.util import ClassNotFound

from prepbook.markup import HIGHLIGHT_PREFIX, LINK_SCHEMES, SAFE_TAG, parse, parse_inline, sanitise

_formatter = HtmlFormatter(nowrap=True, classprefix=HIGHLIGHT_PREFIX)
_ANY_TAG = re.compile(r"<[^<>]*>")
# A word this long (an identifier, a hash, a URL) gets a break opportunity every _CHUNK characters, so it wraps in a
# narrow table column instead of widening the table past the page; ordinary words are left whole.
_LONG_WORD = re.compile(r"\S{24,}")
_CHUNK = 12
_ALIGN = {"left", "center", "right"}


@cache
def markdown_to_html(markdown: str) -> str:
    """A section's Markdown as safe HTML."""
    return sanitise(write_html(parse(markdown)))


@cache
def inline_markdown_to_html(markdown: str) -> str:
    """A question's inline Markdown as safe HTML, to sit inside a heading or a field."""
    return sanitise(write_inline_html(parse_inline(markdown)))


# What cannot stand inside a link (the contents' and see-also entries are links to the question): other links
# and block-level tags; a line break becomes a space.
_NOT_IN_A_LINK = re.compile(r"</?(?:a|details|summary)\b[^>]*>")


@cache
def inline_markdown_in_link_html(markdown: str) -> str:
    """A question's inline Markdown as HTML to sit inside a link: code and emphasis kept, links as their text."""
    return _NOT_IN_A_LINK.sub("", inline_markdown_to_html(markdown)).replace("<br>", " ")


def write_html(tree: Node) -> str:
    """The HTML of a whole section (a prompt, an answer section)."""
    return "".join(_block(child) for child in tree.children)


def write_inline_html(tree: Node) -> str:
    """The HTML of a one-paragraph text (a question), without the paragraph around it."""
    blocks = tree.children
    if len(blocks) == 1 and blocks[0].name == "paragraph":
        return _inline(blocks[0].children)
    return write_html(tree)  # a question that is not one paragraph is still shown, as blocks


def _block(node: Node) -> str:
    writer = _BLOCKS.get(node.name)
    if writer is not None:
        return writer(node)
    return _inline([node])


def _paragraph(node: Node) -> str:
    return f"<p>{_inline(node.children)}</p>\n"


def _heading(node: Node) -> str:
    level = node.meta.get("level", 1)
    return f"<h{level}>{_inline(node.children)}</h{level}>\n"


def _list(node: Node) -> str:
    if node.name == "ordered_list":
        start = node.meta.get("start", 1)
        opening = "<ol>" if start == 1 else f'<ol start="{int(start)}">'
        return f"{opening}\n{''.join(_item(child) for child in node.children)}</ol>\n"
    return f"<ul>\n{''.join(_item(child) for child in node.children)}</ul>\n"


def _item(node: Node) -> str:
    # In a tight list the item's text hangs directly under it, with no paragraph.
    return f"<li>{''.join(_block(child) for child in node.children)}</li>\n"


def _blockquote(node: Node) -> str:
    return f"<blockquote>\n{''.join(_block(child) for child in node.children)}</blockquote>\n"


def _code(node: Node) -> str:
    code = str(node.meta.get("content", ""))
    language = str(node.meta.get("info", "")).split(maxsplit=1)[0] if node.meta.get("info") else ""
    try:
        lexer = get_lexer_by_name(language) if language else None
    except ClassNotFound:
        lexer = None
    body = highlight(code, lexer, _formatter) if lexer else html.escape(code, quote=False)
    return f"<pre><code>{body}</code></pre>\n"


def _table(node: Node) -> str:
    alignments: list[str] = list(node.meta.get("alignments", []))
    rows: list[str] = []
    for part in node.children:
        tag = "th" if part.name == "thead" else "td"
        body = "".join(_row(row, tag, alignments) for row in part.children)
        rows.append(f"<{part.name}>\n{body}</{part.name}>\n")
    # The wrapper lets a wide table scroll sideways on a phone instead of squashing its columns.
    columns = len(alignments)
    return f'<div class="table-wrap"><table class="columns-{min(columns, 8)}">\n{"".join(rows)}</table></div>\n'


def _row(row: Node, tag: str, alignments: list[str]) -> str:
    cells = []
    # A row may have fewer cells than the table has columns, never more (GFM drops the excess).
    for cell, alignment in zip(row.children, [*alignments, *["none"] * len(row.children)], strict=False):
        attribute = f' class="align-{alignment}"' if alignment in _ALIGN else ""
        cells.append(f"<{tag}{attribute}>{_inline(cell.children)}</{tag}>")
    return f"<tr>{''.join(cells)}</tr>\n"


def _html_block(node: Node) -> str:
    return f"{_raw_html(str(node.meta.get('content', '')))}\n"


_BLOCKS: dict[str, Callable[[Node], str]] = {
    "paragraph": _paragraph,
    "heading": _heading,
    "lheading": _heading,
    "bullet_list": _list,
    "ordered_list": _list,
    "blockquote": _blockquote,
    "code_block": _code,
    "fence": _code,
    "table": _table,
    "html_block": _html_block,
    "hr": lambda node: "<hr>\n",
    "definition": lambda node: "",
}


def _inline(nodes: Sequence[Node]) -> str:
    return "".join(_inline_parts(nodes))


def _inline_parts(nodes: Sequence[Node]) -> Iterator[str]:
    for node in nodes:
        name = node.name
        if name in ("text", "text_special"):
            yield _text(str(node.meta.get("content", "")))
        elif name == "softbreak":
            yield "\n"
        elif name == "hardbreak":
            yield "<br>\n"
        elif name == "code_inline":
            yield f"<code>{_inline(node.children)}</code>"
        elif name in ("em", "strong"):
            yield f"<{name}>{_inline(node.children)}</{name}>"
        elif name == "strikethrough":
            yield f"<del>{_inline(node.children)}</del>"
        elif name in ("link", "autolink"):
            yield _link(node)
        elif name == "image":
            # Images are not supported yet: shown as "!" and a link to where they are, as typed.
            yield "!" + _link(node)
        elif name == "html_inline":
            yield _raw_html(str(node.meta.get("content", "")))
        elif node.children:
            yield from _inline_parts(node.children)


def _text(text: str) -> str:
    out = []
    position = 0
    for word in _LONG_WORD.finditer(text):
        out.append(html.escape(text[position:word.start()], quote=False))
        chunks = [word.group()[start:start + _CHUNK] for start in range(0, len(word.group()), _CHUNK)]
        out.append("<wbr>".join(html.escape(chunk, quote=False) for chunk in chunks))
        position = word.end()
    out.append(html.escape(text[position:], quote=False))
    return "".join(out)


def _link(node: Node) -> str:
    text = _inline(node.children)
    url = str(node.meta.get("url", ""))
    if urlsplit(url).scheme.lower() not in LINK_SCHEMES:
        return text  # a relative or local target leads nowhere a reader of the book or card can follow
    title = node.meta.get("title")
    title_attribute = f' title="{html.escape(str(title))}"' if title else ""
    return f'<a href="{html.escape(url)}"{title_attribute}>{text}</a>'


def _raw_html(source: str) -> str:
    """Raw HTML as typed: the safe tags kept, everything else escaped into visible text."""
    out = []
    position = 0
    for tag in _ANY_TAG.finditer(source):
        out.append(html.escape(source[position:tag.start()], quote=False))
        safe = SAFE_TAG.fullmatch(tag.group())
        if safe:
            closing, name = safe.group(1), safe.group(2).lower()
            out.append(f"<{name}>" if name == "br" else f"<{closing}{name}>")
        else:
            out.append(html.escape(tag.group(), quote=False))
        position = tag.end()
    out.append(html.escape(source[position:], quote=False))
    return "".join(out)
