"""Content Markdown → Markdown for a wiki: the cheat-sheet's writer, walking markup's syntax tree.

As Sphinx's writers walk the doctree, this walks the tree of a section (CommonMark, GFM tables and strikethrough)
and writes each block the way the chosen wiki reads it; sheet_inline writes what is inside a block. Content reaches
the page only as text through sheet_text's escaping, so what the sheet must never hold cannot come from content:
the writers have no way to write raw HTML, a hard line break, a link outside markup.LINK_SCHEMES, or a code fence
they do not close.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

from markdown_it_pyrs import Node

from prepbook.markup import SAFE_TAG, parse, parse_inline, plain_text
from prepbook.render import Flavor
from prepbook.render.sheet_inline import BREAK, Context, Piece, joined, pieces
from prepbook.render.sheet_text import code_block, escape_text


def section(markdown: str, flavor: Flavor) -> str:
    """A section (a prompt, an answer section) as the flavour's Markdown, to stand at the left margin between blank
    lines."""
    return "\n\n".join(text for _, text in _blocks(parse(markdown).children, Context(flavor)))


def inline(markdown: str, flavor: Flavor) -> str:
    """Inline Markdown (a question) on one line, for its heading and the links to it: links are shown as their text,
    since a link's text cannot hold another link."""
    context = Context(flavor, one_line=True, links=False)
    written: list[Piece] = []
    for paragraph in parse_inline(markdown).children:
        written += [BREAK] if written else []
        written += pieces(paragraph.children, context)
    return joined(written, context, line_start=False).strip()


# --- blocks -------------------------------------------------------------------------------------------------------

_Block = tuple[Node | None, str]  # the node written (None for a tight list item's text) and its Markdown

_INLINE = frozenset({"text", "text_special", "softbreak", "hardbreak", "em", "strong", "strikethrough",
                     "code_inline", "link", "autolink", "image", "html_inline"})


def _blocks(nodes: Sequence[Node], context: Context) -> list[_Block]:
    """Each block's Markdown, empty ones left out. Inline nodes among blocks are the text of a tight list item,
    whose paragraph the tree leaves out."""
    blocks: list[_Block] = []
    text: list[Node] = []
    for node in [*nodes, None]:
        if node is not None and node.name in _INLINE:
            text.append(node)
            continue
        if text:
            blocks.append((None, _paragraph_of(text, context)))
            text = []
        if node is not None:
            write = _BLOCK_WRITERS.get(node.name, _as_text)
            blocks.append((node, write(node, context)))
    return [(node, written) for node, written in blocks if written]


def _paragraph(node: Node, context: Context) -> str:
    return _paragraph_of(node.children, context)


def _paragraph_of(nodes: Sequence[Node], context: Context) -> str:
    return joined(pieces(nodes, context), context, line_start=True)


def _heading(node: Node, context: Context) -> str:
    # ATX whatever the source used (a setext underline depends on the line above staying put), so on one line.
    one_line = context._replace(one_line=True)
    text = joined(pieces(node.children, one_line), one_line, line_start=False)
    return f"{'#' * int(node.meta.get('level', 1))} {text}".rstrip()


def _list(node: Node, context: Context) -> str:
    ordered = node.name == "ordered_list"
    start = int(node.meta.get("start", 1))
    mkdocs = context.flavor == "mkdocs"
    # The source's marker keeps two lists apart where it did; Python-Markdown knows only "1." for ordered ones.
    marker = "." if ordered and mkdocs else str(node.meta.get("marker", "-"))
    loose = any(child.name == "paragraph" for item in node.children for child in item.children)
    items = []
    for number, item in enumerate(node.children, start=start):
        bullet = f"{number}{marker}" if ordered else marker
        # Python-Markdown reads an item's further lines four spaces in, whatever its marker's width.
        indent = " " * (4 if mkdocs else len(bullet) + 1)
        blocks = _blocks(item.children, context._replace(nested=True))
        lines = _item_body(blocks, loose, context.flavor).split("\n")
        if mkdocs and blocks and blocks[0][0] is not None and blocks[0][0].name != "paragraph":
            lines = ["", "", *lines]
        # Python-Markdown opens an item only at a marker with a space after it, even an empty item. It reads a
        # first block other than text whole only under a blank line: after the marker it keeps the indentation of a
        # quote's further lines ("    > b" shows its ">"), takes indented code for text, and "- - - " is a rule.
        head = f"{bullet} {lines[0]}"
        items.append("\n".join([head, *(indent + line if line else "" for line in lines[1:])]))
    # Python-Markdown puts an item that follows a blank line inside its neighbour's block unless a blank line
    # separates the items too, and reads an empty item under a line of text as that line's setext underline.
    spaced = loose or (mkdocs and any("\n\n" in written or written.endswith(" ") for written in items))
    return ("\n\n" if spaced else "\n").join(items)


def _item_body(blocks: list[_Block], loose: bool, flavor: Flavor) -> str:
    body = ""
    after_text = False
    for node, written in blocks:
        if body:
            # A blank line inside an item makes its whole list loose: in a tight one, go without where the block
            # can follow a line of text directly.
            body += "\n" if not loose and after_text and _follows_text(node, flavor) else "\n\n"
        body += written
        after_text = node is None
    return body


def _follows_text(node: Node | None, flavor: Flavor) -> bool:
    """Whether this block starts of itself right under a line of text (CommonMark's "interrupts a paragraph";
    Python-Markdown allows only a nested list)."""
    if node is None:
        return False
    if node.name == "bullet_list":
        return True
    if node.name == "ordered_list":
        return int(node.meta.get("start", 1)) == 1
    return node.name in ("fence", "code_block") and flavor != "mkdocs"


def _blockquote(node: Node, context: Context) -> str:
    body = "\n\n".join(written for _, written in _blocks(node.children, context._replace(nested=True)))
    return "\n".join(f"> {line}" if line else ">" for line in body.split("\n"))


def _code(node: Node, context: Context) -> str:
    return code_block(str(node.meta.get("content", "")), str(node.meta.get("info", "")), context.flavor,
                      nested=context.nested)


_DELIMITERS = {"left": ":--", "center": ":-:", "right": "--:"}


def _table(node: Node, context: Context) -> str:
    alignments = [str(alignment) for alignment in node.meta.get("alignments", ())]
    cell_context = context._replace(in_table=True, one_line=True)

    def row(cells: Sequence[Node]) -> str:
        written = [joined(pieces(cell.children, cell_context), cell_context, line_start=False) for cell in cells]
        # GFM needs the header's cell count in the delimiter row; other rows are cut or filled to it anyway.
        return "| " + " | ".join((written + [""] * len(alignments))[:len(alignments)]) + " |"

    header, *body = [part_row for part in node.children for part_row in part.children]
    delimiter = "| " + " | ".join(_DELIMITERS.get(alignment, "---") for alignment in alignments) + " |"
    return "\n".join([row(header.children), delimiter, *(row(body_row.children) for body_row in body)])


def _hr(node: Node, context: Context) -> str:
    return "___"  # "---" or "***" as an item's first block would read as a rule made with the item's marker


def _html_block(node: Node, context: Context) -> str:
    """Raw HTML as one paragraph of the text that was typed, its tags of the safe set written as inline ones are."""
    content = str(node.meta.get("content", ""))
    nodes: list[Node] = []
    position = 0
    for tag in [*SAFE_TAG.finditer(content), None]:
        end = tag.start() if tag else len(content)
        nodes.append(_made("text", content[position:end]))
        if tag:
            nodes.append(_made("html_inline", tag.group()))
            position = tag.end()
    return _paragraph_of(nodes, context)


def _made(name: str, content: str) -> Node:
    node = Node(name)
    node.meta = {"content": content}
    return node


def _definition(node: Node, context: Context) -> str:
    return ""  # the links that use it carry its target already


def _as_text(node: Node, context: Context) -> str:
    """A block this writer does not know: its text, so nothing is lost and nothing passes unescaped."""
    return escape_text(plain_text(node), context.flavor)


_BLOCK_WRITERS: dict[str, Callable[[Node, Context], str]] = {
    "paragraph": _paragraph, "heading": _heading, "lheading": _heading, "bullet_list": _list,
    "ordered_list": _list, "blockquote": _blockquote, "fence": _code, "code_block": _code, "table": _table,
    "hr": _hr, "html_block": _html_block, "definition": _definition,
}
