"""The validated bank: topics in reading order, their questions numbered, looked up by id."""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path

from prepbook.errors import Problem
from prepbook.models import Book, Question, TopicInfo
from prepbook.yamlread import Document


@dataclass(frozen=True)
class Entry:
    """A question placed in the book: its record, its number (2.3), its source file, and when what it shows last
    changed (seconds since the epoch: the newest of its file, its topic folder and book.yaml)."""

    record: Question
    number: str
    topic: TopicInfo
    source: Path
    modified: int
    # Where each field is written in the source, for reports that point at a line (lint), and the reviewer's rules
    # the record's comments silence (rules.py).
    document: Document = field(compare=False, repr=False)
    allowed: frozenset[str] = frozenset()

    @property
    def id(self) -> str:
        return self.record.id


@dataclass(frozen=True)
class Chapter:
    """A topic with its questions in reading order."""

    info: TopicInfo
    number: int
    entries: tuple[Entry, ...]


@dataclass(frozen=True)
class Bank:
    book: Book
    chapters: tuple[Chapter, ...]
    # What the loader found worth saying about the content it accepted: for the CLI to print, never for renderers.
    warnings: tuple[Problem, ...] = ()

    @cached_property
    def entries(self) -> tuple[Entry, ...]:
        return tuple(entry for chapter in self.chapters for entry in chapter.entries)

    @cached_property
    def by_id(self) -> dict[str, Entry]:
        return {entry.id: entry for entry in self.entries}

    @cached_property
    def tags(self) -> dict[str, tuple[Entry, ...]]:
        """Every tag, alphabetically, with the questions that carry it in book order."""
        by_tag: dict[str, list[Entry]] = {}
        for entry in self.entries:
            for tag in entry.record.tags:
                by_tag.setdefault(tag, []).append(entry)
        return {tag: tuple(by_tag[tag]) for tag in sorted(by_tag)}


@dataclass(frozen=True)
class Source:
    """A validated record and where it came from, before it has a place in the book."""

    path: Path
    record: Question
    modified: int
    document: Document = field(compare=False, repr=False)
    allowed: frozenset[str] = frozenset()


def number(book: Book, sources_by_topic: dict[str, list[Source]], warnings: tuple[Problem, ...] = ()) -> Bank:
    """Number the records of each topic in the order given (the loader sorts them by file name)."""
    chapters = []
    for chapter_number, topic in enumerate(book.topics, start=1):
        sources = sources_by_topic.get(topic.id, [])
        entries = tuple(
            Entry(record=source.record, number=f"{chapter_number}.{position}", topic=topic, source=source.path,
                  modified=source.modified, document=source.document, allowed=source.allowed)
            for position, source in enumerate(sources, start=1)
        )
        chapters.append(Chapter(info=topic, number=chapter_number, entries=entries))
    return Bank(book=book, chapters=tuple(chapters), warnings=warnings)
