"""The Markdown cheat-sheet: every question with its short answer and common mistakes, for any wiki.

Plain-text fields are escaped so a wiki shows them literally; answer sections keep their Markdown, but raw HTML in
them is turned into visible text. Heading anchors are computed from the rendered headings with the --flavor's
rules, so the table of contents and see-also links reach their headings on that wiki.
"""

from __future__ import annotations

import html
import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import Any

import yaml
from markdown_it import MarkdownIt
from markdown_it.token import Token
from markdown_it_pyrs import MarkdownIt as RustMarkdownIt
from markdown_it_pyrs import Node

from prepbook.bank import Bank, Chapter, Entry
from prepbook.models import MISTAKES, SECTIONS, SHORT
from prepbook.render import Files, Flavor, Settings, option
from prepbook.render.slugs import slugger
from prepbook.render.templating import render_template

TEMPLATE = "cheatsheet.md.j2"



class _AnyLinkMarkdownIt(MarkdownIt):
    """Links to any target, as GFM makes them: markdown-it would take "[x](javascript:...)" for text."""

    def validateLink(self, url: str) -> bool:
        return True


# The same block structure as GFM (CommonMark plus tables); html=True so raw HTML is found, not hidden.
_parser = _AnyLinkMarkdownIt("commonmark", {"html": True}).enable("table")
# Blocks only, where inline content does not matter: parsing it is most of the cost.
_block_parser = _AnyLinkMarkdownIt("commonmark", {"html": True}).enable("table").disable("inline")
# markdown-it lets a table take a line that GFM opens a code fence with ("```|" over "|---|"): find fences
# without tables.
_fence_parser = MarkdownIt("commonmark", {"html": True}).disable("inline")
# The whole sheet, to read its headings: a megabyte at N = 1000, ten times faster in markdown-it's Rust port.
_tree_parser = RustMarkdownIt("commonmark").enable("table")

# Plain text → Markdown, per flavour: each character a wiki would read as syntax anywhere in a line, and its
# literal form there. Backslash escapes where the flavour's parser honours them; entities where it does not:
# Python-Markdown (MkDocs) cannot backslash-escape `<`, `~`, `$` or `&`.
_ESCAPES_EVERYWHERE = {char: "\\" + char for char in "\\`*_[]|#"} | {"<": "&lt;"}
_ESCAPES: dict[str, dict[int, str]] = {
    # GFM strikethrough and GitHub/GitLab math
    "github": str.maketrans(_ESCAPES_EVERYWHERE | {"~": "\\~", "$": "\\$"}),
    # and GitLab's references (@user, #issue, !merge-request, &epic, %milestone, ~label, $snippet, ^...): a
    # backslash-escaped one stays text (GitLab's EscapedCharFilter.REFERENCE_CHARS)
    "gitlab": str.maketrans(_ESCAPES_EVERYWHERE | {char: "\\" + char for char in "~$%&@!^"}),
    # attribute lists, which many MkDocs sites enable; and "]" as an entity, since Python-Markdown takes a line
    # like "[x\]: y](#a)" for a link reference definition whatever the backslash
    "mkdocs": str.maketrans(_ESCAPES_EVERYWHERE | {"{": "\\{", "}": "\\}", "]": "&#93;"}),
}
_ENTITY_LIKE = re.compile(r"&(?=#?[0-9A-Za-z]+;)")
# GFM links bare URLs ("http://...", "www.") straight from the source, up to the next space, where an escape
# inside them would show as a backslash; a backslash after the match ("https\://", "www\.") keeps the text plain
# instead. Python-Markdown links no bare URLs, and would show "\:".
_BARE_URL_START = re.compile(r"(?<![^\s*_~(])(?i:www)(?=\.)|(?<![A-Za-z])[A-Za-z]+(?=://)")
_LINKS_BARE_URLS = {"github", "gitlab"}
# Where _escape_inline_html has something to decide; every other character is copied as it is.
_SPECIAL = re.compile(r"[\\`<!\]]")
_SPECIAL_OR_BARE_URL = re.compile(f"{_SPECIAL.pattern}|{_BARE_URL_START.pattern}")
# At the start of a line these would open a list or a quote ("#" is escaped everywhere already).
_BULLET_OR_QUOTE = re.compile(r"^([-+>])")
_ORDERED_LIST = re.compile(r"^([0-9]{1,9})([.)])")

_ASCII_PUNCTUATION = frozenset("!\"#$%&'()*+,-./:;<=>?@[\\]^_`{|}~")
# Autolinks a wiki keeps as links; any other `<...>` is raw HTML (or a dangerous scheme) and is shown as text.
_SAFE_AUTOLINK = re.compile(
    r"<(?:(?:https?|mailto):[^\x00-\x20<>]*"
    r"|[A-Za-z0-9.!#$%&'*+/=?^_`{|}~-]+@[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?"
    r"(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?)*)>",
    re.IGNORECASE,
)
_BACKTICKS = re.compile("`+")
# Backticks whose pairing differs between wikis: escaped (Python-Markdown may still close a span on one),
# inside an autolink or a link's target or title (CommonMark takes the link first, Python-Markdown the code), or
# inside a bare URL (GFM takes the link straight from the source).
_CONTESTED_BACKTICK = re.compile(
    r"\\`|<[^\s<>`]*`[^\s<>]*>|(?:www\.|[A-Za-z]+://)[^ \t]*`"
    r"""|\]\([ \t]*(?:<[^>\n]*>|[^\s)]*)(?:[ \t]+(?:"[^"\n]*"|'[^'\n]*'|\([^)\n]*\)))?[ \t]*\)"""
    r"|\]:.*`",
    re.IGNORECASE,
)
# A GFM table's delimiter row, e.g. "|---|:--:|"; a section with one may hold tables.
_DELIMITER_ROW = re.compile(r"[ \t]*\|?[ \t]*:?-+:?[ \t]*(?:\|[ \t]*:?-+:?[ \t]*)*\|?[ \t]*")
# A fence as Python-Markdown's fenced_code finds it: at the left margin, a plain language or {attributes}.
_PYTHON_MARKDOWN_FENCE = re.compile(r"(`{3,}|~{3,}) *(?:\{[^\n]*\}|\.?[\w#.+-]*) *")
# What every rule of _settled_markdown starts from: "<" (raw HTML, autolinks), "![" (images), "]" (links and
# link definitions), "\\" (escapes, hard breaks), fences (left open), spaces or "\r" before a line end (hard breaks).
_MAY_NEED_SETTLING = re.compile(r"[<\]\\\r]|!\[|```|~~~|[ \t]\n")
# Token types a block of the sheet must not contain, from answer content.
_UNWANTED = {"html_block": "html", "html_inline": "html", "hardbreak": "hardbreak", "image": "image"}
_UNESCAPED_IMAGE = re.compile(r"(?<!\\)((?:\\\\)*)!\[")
# Link targets no output links to (markdown-it refuses them in the handbook and the deck): shown as typed.
_DANGEROUS_SCHEMES = ("javascript:", "vbscript:", "file:", "data:")
_LINK_DESTINATION = re.compile(r"[ \t]*\n?[ \t]*(<[^<>\n]*>|[^\s]*)")
_LINK_DEFINITION = re.compile(r"(?<!\\)\[(?:[^\]\\]|\\.)+\]:")


@dataclass(frozen=True)
class _Link:
    key: str  # the anchors entry of the heading linked to
    heading: str  # Markdown of the heading's text, used as the link text


@dataclass(frozen=True)
class _Question:
    key: str
    heading: str
    difficulty: str
    tags: tuple[str, ...]
    short: str
    mistakes: str
    see_also: tuple[_Link, ...]


@dataclass(frozen=True)
class _Chapter:
    key: str
    heading: str
    description: str | None
    questions: tuple[_Question, ...]


@dataclass(frozen=True)
class CheatsheetOptions:
    flavor: Flavor = option("github", "Wiki whose heading-anchor rules the cheat-sheet's links follow.")
    front_matter: bool = option(False, "Start the cheat-sheet with YAML front matter (MkDocs, Docusaurus).")


class MarkdownRenderer:
    filename = "cheatsheet.md"
    options = CheatsheetOptions

    def render(self, bank: Bank, settings: Settings, options: CheatsheetOptions) -> Files:
        flavor = options.flavor
        built = datetime.fromtimestamp(settings.source_date, tz=UTC).date()
        book = bank.book
        context: dict[str, Any] = {
            "title": escape_text(book.title, flavor),
            "subtitle": escape_text(book.subtitle, flavor) if book.subtitle else None,
            "edition": escape_text(book.edition, flavor) if book.edition else None,
            "date": built.isoformat(),
            "sections": {section.key: section for section in SECTIONS},
            "chapters": tuple(_chapter(chapter, bank, flavor) for chapter in bank.chapters),
        }
        targets = _heading_targets(bank)
        # Anchors depend on every heading before them, so render once to find the headings in document order,
        # then again with the anchors. The template alone decides which headings exist and where.
        draft = render_template(settings.templates_dir, TEMPLATE, {**context, "anchors": dict.fromkeys(targets, "")})
        anchors = _anchors(draft, targets, flavor)
        body = render_template(settings.templates_dir, TEMPLATE, {**context, "anchors": anchors})
        front = _front_matter(book.title, built, book.edition) if options.front_matter else ""
        return {self.filename: (front + body.strip("\n") + "\n").encode("utf-8")}


def escape_text(text: str, flavor: Flavor) -> str:
    """Plain text → Markdown that the flavour shows literally, on one line, safe even at the start of a line."""
    line = _single_line(text)
    if ord("&") not in _ESCAPES[flavor]:  # an escaped "&" starts no entity either
        line = _ENTITY_LIKE.sub("&amp;", line)
    line = line.translate(_ESCAPES[flavor])
    if flavor in _LINKS_BARE_URLS:
        line = _BARE_URL_START.sub(r"\g<0>\\", line)
    return _ORDERED_LIST.sub(r"\1\\\2", _BULLET_OR_QUOTE.sub(r"\\\1", line))


def answer_markdown(markdown: str, flavor: Flavor) -> str:
    """An answer section as Markdown for the sheet: its own Markdown kept, raw HTML made visible text."""
    if not _MAY_NEED_SETTLING.search(markdown):
        return markdown  # most sections: three parses saved each, half the sheet's time at N = 1,000
    return _settled_markdown(markdown, flavor)


def _settled_markdown(markdown: str, flavor: Flavor) -> str:
    """The section with what the sheet must not pass through made harmless.

    Every `<` becomes `&lt;` except in code, which shows it literally, and in autolinks to web or mail
    addresses. Also: no hard line breaks (wikis differ on them), and a code fence left open is closed so it
    cannot swallow the rest of the sheet.
    """
    lines = markdown.split("\n")
    whole_blocks: set[tuple[int, int]] = set()  # blocks to settle whole: raw HTML, code that is not code
    inline_blocks: set[tuple[int, int]] = set()
    code: set[int] = set()  # lines of code blocks every wiki reads as code
    read: set[int] = set()  # lines of blocks with content: the others are blank, rules or link definitions
    in_lists: set[int] = set()
    for token in _block_parser.parse(markdown):
        if not token.map:
            continue
        start, end = token.map
        if token.type in ("bullet_list_open", "ordered_list_open"):
            in_lists.update(range(start, end))
        if token.type not in ("html_block", "code_block", "fence", "inline"):
            continue
        read.update(range(start, end))
        if token.type == "inline":
            inline_blocks.add((start, end))
        elif token.type == "html_block" or token.type == "code_block" and not _indented_code_everywhere(lines, start, in_lists) or flavor == "mkdocs" and not _python_markdown_code(token, lines):
            whole_blocks.add((start, end))
        else:
            code.update(range(start, end))
    for number, line in enumerate(lines):
        # A link reference definition's line is plain text to GFM when a table splits its paragraph; its "<" too.
        if number not in read and "<" in line:
            whole_blocks.add((number, number + 1))
        if number not in code:
            lines[number] = _break_dangerous_definitions(lines, number)

    contested = _lines_with_contested_code_spans(lines, code)
    for start, end in sorted(inline_blocks):
        keep_code = not contested.intersection(range(start, end))
        lines[start:end] = _escape_inline_html("\n".join(lines[start:end]), keep_code, flavor).split("\n")
    for start, end in sorted(whole_blocks):
        lines[start:end] = _settle("\n".join(lines[start:end]), {"html", "image", "link"}).split("\n")
    text = "\n".join(lines)
    # Check the result the way a CommonMark parser reads it (escaping can merge an HTML block into the
    # paragraph before it, a backtick in a link title is no code span...) and settle what is left bluntly.
    while unsettled := _unsettled_blocks(text):
        lines = text.split("\n")
        for (start, end), kinds in unsettled.items():
            lines[start:end] = _settle("\n".join(lines[start:end]), kinds).split("\n")
        if any("link" in kinds for kinds in unsettled.values()):
            # The link may take its target from a definition anywhere, even in lines that were code before
            # escaping changed the blocks around them.
            lines = [_break_dangerous_definitions(lines, number) for number in range(len(lines))]
        settled = "\n".join(lines)
        if settled == text:
            break  # nothing left that these rules can change; never loop forever on a parser surprise
        text = settled
    return text + _closing_fence(text)


def _indented_code_everywhere(lines: list[str], start: int, in_lists: set[int]) -> bool:
    """Whether indented code that markdown-it found at `start` is code to cmark too. Not right under a line: to
    markdown-it that follows a link reference definition, to GFM it is the rest of that paragraph. Not after a
    list: cmark may take it into the last item (an empty one followed by a blank line, say)."""
    above = [number for number in range(start) if lines[number].strip()]
    return not above or (above[-1] < start - 1 and above[-1] not in in_lists)


def _python_markdown_code(token: Token, lines: list[str]) -> bool:
    """Whether MkDocs reads this code block as code: Python-Markdown wants fences at the left margin, closed by
    the same fence, and code in a list item 8 spaces in. Anything else it reads as text."""
    if token.level:
        return False
    if token.type == "code_block":
        return True
    assert token.map is not None
    start, end = token.map
    opening = _PYTHON_MARKDOWN_FENCE.fullmatch(lines[start])
    if opening is None or end - start < 2:
        return False
    return lines[end - 1].rstrip() == opening.group(1)


def _lines_with_contested_code_spans(lines: list[str], code: set[int]) -> set[int]:
    """The lines of each paragraph-like chunk whose code spans some wiki could pair differently.

    Wikis split the same lines into blocks differently (cmark starts a block on some lazy lines that
    markdown-it continues; Python-Markdown needs blank lines around lists), and pair backticks differently. They
    agree where every backtick run is closed by the next, equally long, on the same line, in any chunk of
    lines between blank lines: then any block of whole lines pairs them alike. A `<` is kept for code only
    there; elsewhere a rare code span shows "&lt;".
    """
    tables = any("|" in line and _DELIMITER_ROW.fullmatch(line) for line in lines)
    contested: set[int] = set()
    chunk: list[int] = []
    for number, line in enumerate([*lines, ""]):
        if line.strip() and number not in code:
            chunk.append(number)
            continue
        if chunk and not all(_pairs_on_line(lines[index], tables) for index in chunk):
            contested.update(chunk)
        chunk = []
    return contested


def _pairs_on_line(line: str, tables: bool) -> bool:
    if any("`" in contested.group() for contested in _CONTESTED_BACKTICK.finditer(line)):
        return False
    runs = list(_BACKTICKS.finditer(line))
    if len(runs) % 2:
        return False
    for opening, closing in zip(runs[::2], runs[1::2], strict=True):
        # In a table GFM splits cells at "|" before it looks for code spans.
        if len(opening.group()) != len(closing.group()) or (tables and "|" in line[opening.end():closing.start()]):
            return False
    return True


def _escape_inline_html(source: str, keep_code: bool, flavor: Flavor) -> str:
    """Replace each `<` that would start raw HTML with `&lt;`, leaving safe autolinks and, if `keep_code`, code
    spans alone: a left-to-right scan like CommonMark's, where a backslash escape is skipped and a backtick run
    opens a code span when a run of the same length closes it on the same line. Links to a dangerous scheme
    and images are shown as typed."""
    out: list[str] = []
    position = 0
    interesting = _SPECIAL_OR_BARE_URL if flavor in _LINKS_BARE_URLS else _SPECIAL
    while position < len(source):
        # Copy the run of ordinary characters up to the next one the scan must look at, all at once.
        found = interesting.search(source, position)
        stop = found.start() if found else len(source)
        if stop > position:
            out.append(source[position:stop])
            position = stop
            continue
        char = source[position]
        bare_url = _BARE_URL_START.match(source, position) if flavor in _LINKS_BARE_URLS else None
        if bare_url and not re.search(r"[<\\]", re.split(r"[ \t\r\n]", source[position:], maxsplit=1)[0]):
            bare_url = None  # GFM links it, and nothing in it would show an escape: let it
        if char == "\\" and position + 1 < len(source) and source[position + 1] in _ASCII_PUNCTUATION | {"\n"}:
            escaped = source[position + 1]
            # Python-Markdown shows "\<" as a backslash and a tag; a backslash line end is a hard break, which
            # becomes an ordinary line end.
            out.append({"<": "&lt;", "\n": "\n"}.get(escaped, "\\" + escaped))
            position += 2
        elif char == "`":
            opening = _BACKTICKS.match(source, position)
            assert opening is not None
            end = _code_span_end(source, opening) if keep_code else opening.end()
            out.append(source[position:end])
            position = end
        elif char == "<":
            autolink = _SAFE_AUTOLINK.match(source, position)
            out.append(autolink.group() if autolink else "&lt;")
            position = autolink.end() if autolink else position + 1
        elif char == "!" and source.startswith("![", position):
            # Images are not supported anywhere in prepbook: show "!" and the link, as the other outputs do.
            out.append("\\!")
            position += 1
        elif char == "]" and source.startswith("](", position) and _dangerous_destination(source, position + 2):
            out.append("\\]")  # "[x\](javascript:...)" is no link
            position += 1
        elif bare_url:
            # GFM would link this URL from the source, "&lt;" or "\_" in it shown as typed: keep it plain text.
            out.append(bare_url.group() + "\\")
            position = bare_url.end()
        else:
            out.append(char)
            position += 1
    # Two trailing spaces would make a hard line break.
    return re.sub(r"[ \t]+(?=\n|$)", "", "".join(out))


def _break_dangerous_definitions(lines: list[str], number: int) -> str:
    """The line with "\\[" opening each link definition in it to a dangerous scheme, so it stays text. Any
    "[x]: " counts, not only one at the start of a line: Python-Markdown finds definitions inside a block."""
    line = lines[number]
    following = "\n".join(lines[number:number + 2])  # the destination may be on the next line
    for definition in reversed(list(_LINK_DEFINITION.finditer(line))):
        if _dangerous_destination(following, definition.end()):
            line = f"{line[:definition.start()]}\\{line[definition.start():]}"
    return line


def _dangerous_destination(source: str, start: int) -> bool:
    """Whether the link destination at `start` goes to a scheme that can run code or read files."""
    destination = _LINK_DESTINATION.match(source, start)
    assert destination is not None
    target = html.unescape(re.sub(r"\\([!-/:-@\[-`{-~])", r"\1", destination.group(1).strip("<>")))
    # Browsers ignore spaces and control characters in a scheme ("java\tscript:").
    return re.sub(r"[\x00-\x20]", "", target).lower().startswith(_DANGEROUS_SCHEMES)


def _code_span_end(source: str, opening: re.Match[str]) -> int:
    """Where the code span opened by this backtick run ends, or the run's end if no run closes it on its line."""
    line_end = source.find("\n", opening.end())
    for closing in _BACKTICKS.finditer(source, opening.end(), len(source) if line_end < 0 else line_end):
        if len(closing.group()) == len(opening.group()):
            return closing.end()
    return opening.end()


def _unsettled_blocks(markdown: str) -> dict[tuple[int, int], set[str]]:
    """(first line, end line) → what is still unwanted in that block: raw HTML, a hard line break, an image, a
    link to a dangerous scheme."""
    blocks: dict[tuple[int, int], set[str]] = {}
    for token in _parser.parse(markdown):
        found = [token, *(token.children or [])]
        kinds = {_UNWANTED[item.type] for item in found if item.type in _UNWANTED}
        if any(item.type == "link_open" and _dangerous_destination(str(item.attrs["href"]), 0) for item in found):
            kinds.add("link")
        if kinds and token.map:
            blocks.setdefault((token.map[0], token.map[1]), set()).update(kinds)
    return blocks


def _settle(block: str, kinds: set[str]) -> str:
    """The block without what `kinds` names: `<` as text, images as "!" and a link, links to a dangerous scheme
    as typed, no hard line break. Each step leaves nothing for itself to do, so settling ends."""
    if "html" in kinds:
        block = block.replace("<", "&lt;")
    if "image" in kinds:
        block = _UNESCAPED_IMAGE.sub(r"\1\\![", block)
    if "link" in kinds:
        block = "".join(_break_link(block, at) for at in range(len(block)))
    if "hardbreak" in kinds:
        block = re.sub(r"[ \t]+$", "", block, flags=re.MULTILINE)
        block = re.sub(r"(?<!\\)((?:\\\\)*)\\$", r"\1", block, flags=re.MULTILINE)
    return block


def _break_link(block: str, at: int) -> str:
    """The character at `at`, escaped if it makes a link to a dangerous scheme: the "]" of "](" or the "<" of an
    autolink. A link needs its "](" together, so this works wherever its "[" is."""
    char = block[at]
    if char not in "]<" or (at - len(block[:at].rstrip("\\"))) % 2:  # an escaped character stays as it is
        return char
    if char == "]" and block.startswith("](", at) and _dangerous_destination(block, at + 2):
        return "\\]"
    if char == "<" and _dangerous_destination(block, at + 1):
        return "&lt;"
    return char


def _closing_fence(markdown: str) -> str:
    """The fence that closes a top-level code block still open at the end of `markdown`, else ""."""
    lines = markdown.split("\n")
    for token in _fence_parser.parse(markdown):
        if token.type == "fence" and token.level == 0 and token.map and token.map[1] >= len(lines):
            start, end = token.map
            fence = re.escape(token.markup[0]) + f"{{{len(token.markup)},}}"
            if end - start < 2 or not re.fullmatch(f" {{0,3}}{fence}[ \t]*", lines[end - 1]):
                return "\n" + token.markup
    return ""


def _chapter(chapter: Chapter, bank: Bank, flavor: Flavor) -> _Chapter:
    return _Chapter(
        key=_chapter_key(chapter),
        heading=_chapter_heading(chapter, lambda text: escape_text(text, flavor)),
        description=escape_text(chapter.info.description, flavor) if chapter.info.description else None,
        questions=tuple(_question(entry, bank, flavor) for entry in chapter.entries),
    )


def _question(entry: Entry, bank: Bank, flavor: Flavor) -> _Question:
    record = entry.record
    return _Question(
        key=_question_key(entry),
        heading=_question_heading(entry, flavor),
        difficulty=record.difficulty.value,
        tags=tuple(record.tags),
        short=answer_markdown(record.answer.text(SHORT), flavor),
        mistakes=answer_markdown(record.answer.text(MISTAKES), flavor),
        see_also=tuple(_Link(_question_key(bank.by_id[target]), _question_heading(bank.by_id[target], flavor))
                       for target in record.see_also),
    )


def _question_heading(entry: Entry, flavor: Flavor) -> str:
    return _question_heading_as(entry, lambda text: escape_text(text, flavor))


# One format per kind of heading, given how its text is written: escaped in the sheet, as shown when
# matching the rendered headings to the links that point at them.
def _chapter_heading(chapter: Chapter, write: Callable[[str], str]) -> str:
    return f"{chapter.number}. {write(chapter.info.title)}"


def _question_heading_as(entry: Entry, write: Callable[[str], str]) -> str:
    return f"{entry.number} {write(entry.record.question)}"


def _chapter_key(chapter: Chapter) -> str:
    return f"topic:{chapter.info.id}"


def _question_key(entry: Entry) -> str:
    return f"question:{entry.id}"


def _single_line(text: str) -> str:
    return re.sub(r"[ \t\r\n]+", " ", text)


def _heading_targets(bank: Bank) -> dict[str, str]:
    """Anchor key → the text a renderer shows for that heading (numbers make every one unique)."""
    targets = {_chapter_key(chapter): _chapter_heading(chapter, _single_line) for chapter in bank.chapters}
    targets.update({_question_key(entry): _question_heading_as(entry, _single_line) for entry in bank.entries})
    return targets


def _anchors(markdown: str, targets: dict[str, str], flavor: Flavor) -> dict[str, str]:
    """Slug every heading of the sheet in document order; each target takes the first heading showing its text."""
    slug = slugger(flavor)
    key_by_text = {text: key for key, text in targets.items()}
    anchors: dict[str, str] = {}
    for text in _heading_texts(markdown):
        anchor = slug(text)
        key = key_by_text.pop(text, None)
        if key is not None:
            anchors[key] = anchor
    return anchors


def _heading_texts(markdown: str) -> list[str]:
    """The text of every heading as a renderer shows it: escapes and entities resolved, markup dropped."""
    return [_plain_text(node) for node in _tree_parser.tree(markdown).walk() if node.name in ("heading", "lheading")]


def _plain_text(node: Node) -> str:
    parts = []
    for child in node.children:
        if child.name in ("text", "text_special"):
            parts.append(child.meta["content"])
        elif child.name in ("softbreak", "hardbreak"):
            parts.append("\n")
        elif child.name not in ("image", "html_inline"):  # an image's alt text is not heading text
            parts.append(_plain_text(child))
    return "".join(parts)


def _front_matter(title: str, built: date, edition: str | None) -> str:
    # A YAML date, not a string: static-site generators read it as the page's date.
    fields: dict[str, Any] = {"title": title, "date": built}
    if edition:
        fields["edition"] = edition
    # safe_dump quotes whatever YAML would misread (a colon, a leading "*", "1" as a number); no line folding.
    dumped = yaml.safe_dump(fields, sort_keys=False, allow_unicode=True, width=2**31 - 1)
    return f"---\n{dumped}---\n\n"


RENDERER = MarkdownRenderer()
