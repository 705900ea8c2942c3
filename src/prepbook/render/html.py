"""Bank → the handbook's HTML: the exact document the PDF is made from, also written for previewing."""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from typing import Any

from markupsafe import Markup

from prepbook import __version__
from prepbook.bank import Bank
from prepbook.models import SECTIONS
from prepbook.render import Files, Paper, Settings, option
from prepbook.render.html_writer import inline_markdown_in_link_html, inline_markdown_to_html, markdown_to_html
from prepbook.render.templating import render_template

TEMPLATE = "handbook.html.j2"
FONTS_FOLDER = "fonts"
PAPER_SIZES = {"a4": "A4", "letter": "letter"}


@dataclass(frozen=True)
class HandbookOptions:
    paper: Paper = option("a4", "Paper size of the PDF handbook.")


@dataclass(frozen=True)
class Portion:
    """Which parts of the book one HTML document holds: all of them, or one part of a parallel render."""

    chapters: frozenset[int]
    cover: bool = False
    toc: bool = False
    index: bool = False

    @classmethod
    def whole(cls, bank: Bank) -> Portion:
        return cls(frozenset(chapter.number for chapter in bank.chapters), cover=True, toc=True, index=True)


def handbook_context(bank: Bank, settings: Settings, options: HandbookOptions) -> dict[str, Any]:
    when = datetime.datetime.fromtimestamp(settings.source_date, tz=datetime.UTC)
    book = bank.book
    tags = bank.tags
    return {
        "book": book,
        "chapters": bank.chapters,
        "entry_count": len(bank.entries),
        "by_id": bank.by_id,
        "tags": tags,
        "sections": SECTIONS,
        "date": book.date or when.strftime("%-d %B %Y"),
        "iso_date": when.strftime("%Y-%m-%dT%H:%M:%SZ"),
        "subject": book.subject or book.subtitle or book.title,
        "keywords": book.keywords or list(tags),
        "paper_size": PAPER_SIZES[options.paper],
        "total_pages": None,
        "version": __version__,
    }


def handbook_html(bank: Bank, settings: Settings, options: HandbookOptions, portion: Portion | None = None,
                  pages: dict[str, int] | None = None, stamped: bool = False) -> str:
    """The handbook's HTML, whole by default. `pages` (anchor → page) prints known page numbers in the
    contents and index; `stamped` leaves footers and see-also page numbers to be stamped on later."""
    context = handbook_context(bank, settings, options)
    context.update(portion=portion or Portion.whole(bank), pages=pages, stamped=stamped)
    return render_template(settings.templates_dir, TEMPLATE, context, filters=_FILTERS)


# Safe to mark: the writer escapes raw HTML and the sanitiser passes only its allow-list.
_FILTERS = {
    "markdown": lambda markdown: Markup(markdown_to_html(markdown)),
    "inline_markdown": lambda markdown: Markup(inline_markdown_to_html(markdown)),
    "inline_markdown_in_link": lambda markdown: Markup(inline_markdown_in_link_html(markdown)),
}


class HtmlRenderer:
    filename = "handbook.html"
    options = HandbookOptions

    def render(self, bank: Bank, settings: Settings, options: HandbookOptions) -> Files:
        # The stylesheet loads its fonts from fonts/ beside the document: a copy goes there, licences included,
        # so the preview opened from the output folder is set in the book's own faces.
        fonts = settings.templates_dir / FONTS_FOLDER
        # A restyled copy of the templates may have no fonts/ (system fonts only): then there is nothing to copy.
        found = sorted(fonts.iterdir()) if fonts.is_dir() else []
        files = {f"{FONTS_FOLDER}/{path.name}": path.read_bytes() for path in found if path.is_file()}
        return {self.filename: handbook_html(bank, settings, options).encode("utf-8"), **files}


RENDERER = HtmlRenderer()
