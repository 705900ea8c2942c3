"""Content Markdown → one tree, and the tree → safe HTML: one parser and one sanitiser for every output.

Questions, prompts and answer sections are parsed once into markdown-it's syntax tree (CommonMark, GFM tables
and strikethrough); each output walks that tree with a writer of its own, as Sphinx's writers walk the doctree.
The tree is faithful to the source, raw HTML and images included: what is safe to show is each writer's call.
"""

from __future__ import annotations

import contextlib
import os
import re
import sys
from collections.abc import Iterator
from typing import Final
from urllib.parse import urlsplit

import nh3
from markdown_it_pyrs import MarkdownIt, Node
from pygments.token import STANDARD_TYPES

# Where a link in content may lead: web pages and mail. A relative or local target would be resolved against the
# output's own folder (in the PDF, `/etc/passwd` would become a file: link).
LINK_SCHEMES = frozenset({"http", "https", "mailto"})
# Raw HTML an author may use, written without attributes; any other tag is shown as the text that was typed.
# (b, i, strong and em too: real banks write <summary><b>Answer</b></summary>.)
SAFE_INLINE_TAGS = frozenset({"sub", "sup", "br", "kbd", "mark", "details", "summary", "b", "i", "strong", "em"})
# One tag of the safe set, as typed: no attributes (an attribute is how HTML turns active), optional "/".
SAFE_TAG = re.compile(r"<(/?)({})\s*/?>".format("|".join(sorted(SAFE_INLINE_TAGS))), re.IGNORECASE)

_tree_parser = MarkdownIt("commonmark").enable_many(["table", "strikethrough"])
# CommonMark's inline rules and GFM strikethrough, but for code spans (see _tree).
_INLINE_RULES: Final = ("autolink", "emphasis", "entity", "escape", "image", "link", "newline", "html_inline",
                        "strikethrough")
# A question is one paragraph's worth of inline Markdown: "1. What..." or "# of bytes?" stays text, never a list
# or a heading.
_inline_parser = MarkdownIt("zero").enable_many(["paragraph", *_INLINE_RULES, "backticks"])
_without_code_spans = {
    _tree_parser: MarkdownIt("zero").enable_many([
        "blockquote", "code", "fence", "heading", "hr", "lheading", "list", "paragraph", "reference", "html_block",
        "table", *_INLINE_RULES]),
    _inline_parser: MarkdownIt("zero").enable_many(["paragraph", *_INLINE_RULES]),
}


def parse(markdown: str) -> Node:
    """The syntax tree of a piece of content Markdown. Nodes carry `name`, `meta` (content, url, info...),
    `children` and `srcmap` (offsets into `markdown`)."""
    return _tree(_tree_parser, markdown)


def parse_inline(markdown: str) -> Node:
    """The syntax tree of inline Markdown (a question): paragraphs of inline nodes, no other blocks."""
    return _tree(_inline_parser, markdown)


def _tree(parser: MarkdownIt, markdown: str) -> Node:
    try:
        if "[" in markdown and "`" in markdown:  # where the panic below can happen: keep Rust's report off stderr
            with _rust_panic_report_silenced():
                return parser.tree(markdown)
        return parser.tree(markdown)
    except BaseException as error:  # pyo3's PanicException is no Exception
        if type(error).__name__ != "PanicException":
            raise
        # markdown-it-pyrs 0.4 (the latest) panics on a "[" followed by a backtick run nothing closes ("[a`"),
        # which markdown-it 0.6.1 fixed (markdown-it-rust/markdown-it#40). Rather than fail the build, read such
        # text without code spans: its backticks show as typed.
        return _without_code_spans[parser].tree(markdown)


@contextlib.contextmanager
def _rust_panic_report_silenced() -> Iterator[None]:
    """Rust's panic hook writes "thread panicked at ..." (and a backtrace under RUST_BACKTRACE) straight to file
    descriptor 2, which a build that then succeeds must not show: point it at the null device meanwhile."""
    sys.stderr.flush()
    saved = os.dup(2)
    null = os.open(os.devnull, os.O_WRONLY)
    try:
        os.dup2(null, 2)
        yield
    finally:
        os.dup2(saved, 2)
        os.close(null)
        os.close(saved)


def plain_text(node: Node) -> str:
    """The text a reader sees in `node`, markup dropped: for PDF bookmarks, running heads, duplicate checks."""
    if node.name in ("text", "text_special", "code_block", "fence"):
        return str(node.meta.get("content", ""))
    if node.name in ("softbreak", "hardbreak"):
        return " "
    if node.name in ("html_inline", "html_block"):
        # Shown as typed, unless it is a tag of the safe set.
        return SAFE_TAG.sub("", str(node.meta.get("content", "")))
    return "".join(plain_text(child) for child in node.children)


# A word as a reader counts it: letters or digits, with the apostrophes and hyphens inside it ("can't", "mini-batch").
_WORD = re.compile(r"\w+(?:['\u2019-]\w+)*")


def word_count(markdown: str) -> int:
    """How many words a reader sees in a piece of content Markdown. Each piece of text is counted on its own, since
    plain_text runs a list item's last word into the next item's first."""
    return _words_in(parse(markdown))


def _words_in(node: Node) -> int:
    if not node.children:
        return len(_WORD.findall(plain_text(node)))
    return sum(_words_in(child) for child in node.children)


_ALLOWED_TAGS = {
    "p", "em", "strong", "del", "code", "pre", "ul", "ol", "li", "a", "blockquote",
    "h1", "h2", "h3", "h4", "h5", "h6", "hr", "br", "wbr", "span", "div",
    "table", "thead", "tbody", "tr", "th", "td", *SAFE_INLINE_TAGS,
}
_ALLOWED_ATTRIBUTES = {"a": {"href", "title"}, "ol": {"start"}}


# Highlighted code is made of spans with Pygments' short class names behind this prefix, so the stylesheets can
# colour token groups with [class^="hl-k"] (keywords), "hl-s" (strings), "hl-c" (comments) and so on.
HIGHLIGHT_PREFIX = "hl-"
_ALIGNED = {f"align-{side}" for side in ("left", "center", "right")}
_ALLOWED_CLASSES = {
    "span": {f"{HIGHLIGHT_PREFIX}{name}" for name in STANDARD_TYPES.values() if name},
    "div": {"table-wrap"},
    "table": {f"columns-{count}" for count in range(1, 9)},
    "th": _ALIGNED,
    "td": _ALIGNED,
}


def sanitise(html: str) -> str:
    """The one allow-list every HTML fragment from content passes before it reaches an output."""
    return nh3.clean(
        html,
        tags=_ALLOWED_TAGS,
        attributes=_ALLOWED_ATTRIBUTES,
        allowed_classes=_ALLOWED_CLASSES,
        url_schemes=set(LINK_SCHEMES),
        attribute_filter=_only_absolute_links,
        link_rel="noopener noreferrer nofollow",
        strip_comments=True,
    )


def _only_absolute_links(tag: str, attribute: str, value: str) -> str | None:
    """Keep only links to LINK_SCHEMES: nh3 lets relative URLs through."""
    if tag == "a" and attribute == "href" and urlsplit(value).scheme.lower() not in LINK_SCHEMES:
        return None
    return value
