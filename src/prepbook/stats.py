"""`prepbook stats`: the bank as a whole, as numbers a script reads (JSON) or a table a person reads."""

from __future__ import annotations

import dataclasses
import json
import statistics
from collections import Counter
from dataclasses import dataclass

from prepbook.bank import Bank
from prepbook.markup import word_count
from prepbook.models import SECTIONS, Difficulty


@dataclass(frozen=True)
class Lengths:
    """An answer section's length in words across the bank."""

    shortest: int
    median: float
    longest: int


@dataclass(frozen=True)
class Stats:
    records: int
    by_topic: dict[str, int]  # topic id → records, in reading order
    by_difficulty: dict[str, int]  # every level, easy to hard, zeros included
    by_tag: dict[str, int]  # most used first, then alphabetically
    section_words: dict[str, Lengths]  # section key → lengths, in the sections' order
    unlinked: list[str]  # ids of the records no see_also names, in reading order


def bank_stats(bank: Bank) -> Stats:
    linked = {target for entry in bank.entries for target in entry.record.see_also}
    difficulties = Counter(entry.record.difficulty for entry in bank.entries)
    tags = {tag: len(entries) for tag, entries in bank.tags.items()}
    lengths = {}
    for section in SECTIONS:
        words = [word_count(entry.record.answer.text(section)) for entry in bank.entries]
        if words:
            lengths[section.key] = Lengths(min(words), statistics.median(words), max(words))
    return Stats(
        records=len(bank.entries),
        by_topic={chapter.info.id: len(chapter.entries) for chapter in bank.chapters},
        by_difficulty={level.value: difficulties[level] for level in Difficulty},
        by_tag=dict(sorted(tags.items(), key=lambda item: (-item[1], item[0]))),
        section_words=lengths,
        unlinked=[entry.id for entry in bank.entries if entry.id not in linked],
    )


def as_json(stats: Stats) -> str:
    return json.dumps(dataclasses.asdict(stats), indent=2, ensure_ascii=False)


def as_table(stats: Stats, bank: Bank) -> str:
    titles = {chapter.info.id: chapter.info.title for chapter in bank.chapters}
    parts = [
        f"{stats.records} records",
        _table(("Topic", "", "Records"), [(topic, titles[topic], count) for topic, count in stats.by_topic.items()]),
        _table(("Difficulty", "Records"), list(stats.by_difficulty.items())),
        _table(("Tag", "Records"), list(stats.by_tag.items())),
        _table(("Section", "Shortest", "Median", "Longest"),
               [(section.title, lengths.shortest, f"{lengths.median:g}", lengths.longest)
                for section in SECTIONS if (lengths := stats.section_words.get(section.key))]),
        f"Linked to by no see_also ({len(stats.unlinked)}): {', '.join(stats.unlinked) or 'none'}",
    ]
    return "\n\n".join(parts) + "\n"


def _table(headers: tuple[str, ...], rows: list[tuple[object, ...]]) -> str:
    """Columns padded to their widest cell: text to the left, numbers (and the last column) to the right."""
    cells = [headers, *(tuple(str(cell) for cell in row) for row in rows)]
    widths = [max(len(row[column]) for row in cells) for column in range(len(headers))]
    numeric = [all(str(row[column]).replace(".", "", 1).isdigit() for row in rows) and bool(rows)
               for column in range(len(headers))]
    return "\n".join("  ".join(cell.rjust(width) if right else cell.ljust(width)
                               for cell, width, right in zip(row, widths, numeric, strict=True)).rstrip()
                     for row in cells)
