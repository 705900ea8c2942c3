"""`prepbook lint` and `validate --strict`: the reviewer's rules (rules.py) applied to a bank the loader accepted.

Each finding is a warning naming its rule and its fix, at the line it is about, unless the record's comment
silences that rule. Thresholds come from `lint:` in book.yaml (models.LintSettings).
"""

from __future__ import annotations

import dataclasses
import unicodedata
from collections.abc import Iterator
from pathlib import Path

from prepbook.bank import Bank, Entry
from prepbook.errors import ContentError, Problem, UsageError, display_path, field_name, in_file_order
from prepbook.load import load_bank
from prepbook.markup import parse, parse_inline, plain_text, word_count
from prepbook.models import SECTIONS, SHORT
from prepbook.rules import BIDI_CONTROL, LONG_SHORT_ANSWER, MISSING_GLYPH, NEAR_DUPLICATE, SHORT_SECTION, TAG_TYPO, Rule
from prepbook.similar import close_words, fold, similar_pairs
from prepbook.sources import read_source
from prepbook.yamlread import KeyPath, Position

FONTS_FOLDER = "fonts"
# The embedding and override controls of Unicode's bidirectional algorithm ("Trojan Source", CVE-2021-42574).
BIDI_CONTROLS = frozenset(chr(code) for code in (*range(0x202A, 0x202F), *range(0x2066, 0x206A)))
# Characters no font draws: controls, format characters, line and paragraph separators, variation selectors.
_NOT_DRAWN = frozenset({"Cc", "Cf", "Zl", "Zp", "Zs"})
_VARIATION_SELECTORS = frozenset(chr(code) for code in range(0xFE00, 0xFE10))
_SHOWN = 3  # characters named in one finding; the rest are counted


def check(content_dir: Path, templates_dir: Path) -> tuple[Bank, list[Problem]]:
    """The bank, and what the loader warned of and every rule found, in file order."""
    bank = load_bank(content_dir)
    return bank, in_file_order([*bank.warnings, *lint(bank, content_dir, templates_dir)])


def check_strictly(content_dir: Path, templates_dir: Path) -> Bank:
    """`validate --strict`: the bank, or ContentError with every problem, warnings and findings made errors."""
    try:
        bank, found = check(content_dir, templates_dir)
    except ContentError as error:
        raise ContentError(_as_errors(error.problems)) from None
    if found:
        raise ContentError(_as_errors(found))
    return bank


def _as_errors(problems: list[Problem]) -> list[Problem]:
    return [dataclasses.replace(problem, severity="error") for problem in problems]


def lint(bank: Bank, content_dir: Path, templates_dir: Path) -> list[Problem]:
    settings = bank.book.lint
    covered = covered_characters(templates_dir / FONTS_FOLDER)
    found: list[Problem] = []
    for entry in bank.entries:
        found += _lengths(entry, settings.short_answer_max_words, settings.section_min_words)
        found += _characters(entry, content_dir, covered)
    found += _near_duplicates(bank, settings.near_duplicate_similarity)
    found += _tag_typos(bank, settings.tag_typo_edits)
    return found


def _finding(entry: Entry, rule: Rule, key: KeyPath, message: str, at: Position | None = None) -> list[Problem]:
    """The finding as a one-element list, or an empty one when the record silences the rule."""
    if rule.name in entry.allowed:
        return []
    where = at or entry.document.position(key)
    return [Problem(display_path(entry.source), where.line if where else None, where.column if where else None,
                    field_name(key), f"{message}; {rule.fix}", "warning", rule.name)]


def _lengths(entry: Entry, most: int, least: int) -> list[Problem]:
    found = []
    answer = entry.record.answer
    words = {section: word_count(answer.text(section)) for section in SECTIONS}
    if words[SHORT] > most:
        found += _finding(entry, LONG_SHORT_ANSWER, ("answer", SHORT.key),
                          f"{words[SHORT]} words, over the {most} of a short answer")
    for section, count in words.items():
        if count < least:
            found += _finding(entry, SHORT_SECTION, ("answer", section.key),
                              f"{count} word(s), under the {least} a section needs")
    return found


def covered_characters(fonts: Path) -> frozenset[int]:
    """Every character some bundled font draws."""
    from fontTools.ttLib import TTFont, TTLibError  # only lint reads fonts: the other commands never pay for it

    if not fonts.is_dir():
        raise UsageError(f"no folder {display_path(fonts)}: lint reads the bundled fonts there to find characters "
                         "that would print as boxes; give --templates")
    covered: set[int] = set()
    for path in sorted(fonts.iterdir()):
        if path.suffix.lower() in (".ttf", ".otf"):
            try:
                covered.update(TTFont(path, lazy=True).getBestCmap() or {})
            except (TTLibError, OSError) as error:
                raise UsageError(f"cannot read the font {display_path(path)}: {error}") from error
    return frozenset(covered)


def _texts(entry: Entry) -> Iterator[tuple[KeyPath, str]]:
    """The record's text that is printed, with where each piece is."""
    yield ("question",), entry.record.question
    if entry.record.prompt is not None:
        yield ("prompt",), entry.record.prompt
    for section in SECTIONS:
        yield ("answer", section.key), entry.record.answer.text(section)


def _characters(entry: Entry, content_dir: Path, covered: frozenset[int]) -> list[Problem]:
    found = []
    source: str | None = None
    for key, text in _texts(entry):
        for rule, characters, why in (
            (BIDI_CONTROL, [c for c in dict.fromkeys(text) if c in BIDI_CONTROLS], "a bidirectional control"),
            (MISSING_GLYPH, [c for c in dict.fromkeys(text) if ord(c) not in covered and _drawn(c)],
             "in no bundled font, so it prints as a box"),
        ):
            if not characters or rule.name in entry.allowed:
                continue
            if source is None:  # read again only for a record that has such a character, to point at it exactly
                source = read_source(entry.source, content_dir).decode("utf-8")
            named = ", ".join(_name(character) for character in characters[:_SHOWN])
            more = f" and {len(characters) - _SHOWN} more" if len(characters) > _SHOWN else ""
            found += _finding(entry, rule, key, f"{named}{more}: {why}",
                              _locate(source, entry.document.position(key), characters[0]))
    return found


def _drawn(character: str) -> bool:
    return unicodedata.category(character) not in _NOT_DRAWN and character not in _VARIATION_SELECTORS


def _name(character: str) -> str:
    name = unicodedata.name(character, "")
    return f"U+{ord(character):04X}" + (f" {name}" if name else "")


def _locate(source: str, start: Position | None, character: str) -> Position | None:
    """Where the character is first written from the field's start on; the field's start when it is written as an
    escape ("\\u202e") rather than as itself."""
    if start is None:
        return None
    lines = source.split("\n")
    offset = sum(len(line) + 1 for line in lines[:start.line - 1]) + start.column - 1
    at = source.find(character, offset)
    if at < 0:
        return start
    line_start = source.rfind("\n", 0, at) + 1
    return Position(source.count("\n", 0, at) + 1, at - line_start + 1)


def _near_duplicates(bank: Bank, threshold: float) -> list[Problem]:
    """Each record whose question shares at least `threshold` of its words (Jaccard) with an earlier one's, and
    the same prompt: a prompt is what a coding exercise's "What does this print?" is about. Reported once, at
    the later record, naming the closest earlier one."""
    by_prompt: dict[str | None, list[Entry]] = {}
    for entry in bank.entries:
        prompt = entry.record.prompt
        by_prompt.setdefault(None if prompt is None else fold(plain_text(parse(prompt))), []).append(entry)
    closest: dict[str, tuple[float, Entry, Entry]] = {}
    for entries in by_prompt.values():
        words = [frozenset(fold(plain_text(parse_inline(entry.record.question))).split()) for entry in entries]
        for earlier, later, similarity in similar_pairs(words, threshold):
            first, second = entries[earlier], entries[later]
            if NEAR_DUPLICATE.name in first.allowed or NEAR_DUPLICATE.name in second.allowed:
                continue
            if second.id not in closest or similarity > closest[second.id][0]:
                closest[second.id] = (similarity, first, second)
    found = []
    for similarity, first, second in closest.values():
        found += _finding(second, NEAR_DUPLICATE, ("question",),
                          f"{similarity:.0%} the same words as the question of {display_path(first.source)}")
    return found


def _tag_typos(bank: Bank, edits: int) -> list[Problem]:
    """Each tag of one record within `edits` edits of another tag. Of two such tags each used once, the one met
    later in the book is reported: the earlier one is taken for the spelling meant."""
    if edits == 0:
        return []
    uses = {tag: len(entries) for tag, entries in bank.tags.items()}
    order = {tag: index for index, tag in enumerate(tag for entry in bank.entries for tag in entry.record.tags)}
    once = [tag for tag, count in uses.items() if count == 1]
    found = []
    for tag, near in close_words(uses, once, edits).items():
        likelier = [other for other in near if uses[other] > 1 or order[other] < order[tag]]
        if not likelier:
            continue
        meant = max(likelier, key=lambda other: (uses[other], -order[other]))
        entry = bank.tags[tag][0]
        index = _index_written(entry, "tags", tag)
        found += _finding(entry, TAG_TYPO, ("tags", index),
                          f"{tag!r} is on this record only, and {meant!r} ({uses[meant]} record(s)) is within "
                          f"{edits} edit(s) of it")
    return found


def _index_written(entry: Entry, name: str, value: str) -> int:
    """The index of `value` in the record's list as written (repeats the loader dropped still count)."""
    written = entry.document.value.get(name, [])
    return next((index for index, item in enumerate(written) if str(item).strip() == value), 0)
