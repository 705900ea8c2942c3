"""The Markdown cheat-sheet: every question with its prompt, short answer and common mistakes, for any wiki.

Content reaches the sheet through sheet_writer, which writes it for the --flavor's wiki; book fields are plain text,
escaped so the wiki shows them literally. Heading anchors are computed from the rendered headings with the
flavour's rules, so the table of contents and see-also links reach their headings on that wiki.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import Any

import yaml

from prepbook.bank import Bank, Chapter, Entry
from prepbook.markup import parse, parse_inline, plain_text
from prepbook.models import MISTAKES, SECTIONS, SHORT
from prepbook.render import Files, Flavor, Settings, option
from prepbook.render.sheet_text import escape_text
from prepbook.render.sheet_writer import inline, section
from prepbook.render.slugs import slugger
from prepbook.render.templating import render_template

TEMPLATE = "cheatsheet.md.j2"


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
    prompt: str | None
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
        # Each heading once: a question's shows in its heading, the contents and every see-also link to it.
        headings = {_chapter_key(chapter): f"{chapter.number}. {escape_text(chapter.info.title, flavor)}"
                    for chapter in bank.chapters}
        # A question that shows nothing (only "<br>", say) leaves its number, without a space that a link's text
        # would keep and its heading lose.
        headings.update({_question_key(entry): f"{entry.number} {inline(entry.record.question, flavor)}".rstrip()
                         for entry in bank.entries})
        context: dict[str, Any] = {
            "title": escape_text(book.title, flavor),
            "subtitle": escape_text(book.subtitle, flavor) if book.subtitle else None,
            "edition": escape_text(book.edition, flavor) if book.edition else None,
            "date": built.isoformat(),
            "sections": {answer_section.key: answer_section for answer_section in SECTIONS},
            "chapters": tuple(_chapter(chapter, bank, headings, flavor) for chapter in bank.chapters),
        }
        # Anchors depend on every heading before them, so render once to find the headings in document order,
        # then again with the anchors. The template alone decides which headings exist and where.
        draft = render_template(settings.templates_dir, TEMPLATE, {**context, "anchors": dict.fromkeys(headings, "")})
        anchors = _anchors(draft, headings, flavor)
        body = render_template(settings.templates_dir, TEMPLATE, {**context, "anchors": anchors})
        front = _front_matter(book.title, built, book.edition) if options.front_matter else ""
        return {self.filename: (front + body.strip("\n") + "\n").encode("utf-8")}


def _chapter(chapter: Chapter, bank: Bank, headings: dict[str, str], flavor: Flavor) -> _Chapter:
    return _Chapter(
        key=_chapter_key(chapter),
        heading=headings[_chapter_key(chapter)],
        description=escape_text(chapter.info.description, flavor) if chapter.info.description else None,
        questions=tuple(_question(entry, bank, headings, flavor) for entry in chapter.entries),
    )


def _question(entry: Entry, bank: Bank, headings: dict[str, str], flavor: Flavor) -> _Question:
    record = entry.record
    return _Question(
        key=_question_key(entry),
        heading=headings[_question_key(entry)],
        difficulty=record.difficulty.value,
        tags=tuple(record.tags),
        prompt=section(record.prompt, flavor) if record.prompt else None,
        short=section(record.answer.text(SHORT), flavor),
        mistakes=section(record.answer.text(MISTAKES), flavor),
        see_also=tuple(_Link(_question_key(bank.by_id[target]), headings[_question_key(bank.by_id[target])])
                       for target in record.see_also),
    )


def _chapter_key(chapter: Chapter) -> str:
    return f"topic:{chapter.info.id}"


def _question_key(entry: Entry) -> str:
    return f"question:{entry.id}"


def _anchors(markdown: str, headings: dict[str, str], flavor: Flavor) -> dict[str, str]:
    """Slug every heading of the sheet in document order, from the text a wiki shows for it; each key takes the
    first heading showing its heading's text (numbers make those unique)."""
    slug = slugger(flavor)
    key_by_text = {plain_text(parse_inline(heading)): key for key, heading in headings.items()}
    anchors: dict[str, str] = {}
    for node in parse(markdown).walk():
        if node.name in ("heading", "lheading"):
            text = plain_text(node)
            anchor = slug(text)
            key = key_by_text.pop(text, None)
            if key is not None:
                anchors[key] = anchor
    return anchors


def _front_matter(title: str, built: date, edition: str | None) -> str:
    # A YAML date, not a string: static-site generators read it as the page's date.
    fields: dict[str, Any] = {"title": title, "date": built}
    if edition:
        fields["edition"] = edition
    # safe_dump quotes whatever YAML would misread (a colon, a leading "*", "1" as a number); no line folding.
    dumped = yaml.safe_dump(fields, sort_keys=False, allow_unicode=True, width=2**31 - 1)
    return f"---\n{dumped}---\n\n"


RENDERER = MarkdownRenderer()
