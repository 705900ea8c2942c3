"""The validated bank: topics in reading order, their questions numbered, looked up by id."""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property
from pathlib import Path

from prepbook.models import Book, Question, TopicInfo


@dataclass(frozen=True)
class Entry:
    """A question placed in the book: its record, its number (2.3) and its source file."""

    record: Question
    number: str
    topic: TopicInfo
    source: Path

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


def assemble(book: Book, records_by_topic: dict[str, list[tuple[Path, Question]]]) -> Bank:
    """Number the records of each topic in the order given (the loader sorts them by file name)."""
    chapters = []
    for chapter_number, topic in enumerate(book.topics, start=1):
        records = records_by_topic.get(topic.id, [])
        entries = tuple(
            Entry(record=record, number=f"{chapter_number}.{position}", topic=topic, source=source)
            for position, (source, record) in enumerate(records, start=1)
        )
        chapters.append(Chapter(info=topic, number=chapter_number, entries=entries))
    return Bank(book=book, chapters=tuple(chapters))
