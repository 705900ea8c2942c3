"""The real bank and its schema: every committed record is complete and consistent, and schema/ is up to date."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
import yaml

from tests.conftest import CONTENT, ROOT
from prepbook.bank import Bank, Entry
from prepbook.models import SECTIONS, Difficulty
from prepbook.schema import schema_files

SCHEMA_DIR = ROOT / "schema"
RECORD_FILES = sorted(CONTENT.glob("*/*.yaml"))
RECORD_MODELINE = "# yaml-language-server: $schema=../../schema/question.schema.json"
BOOK_MODELINE = "# yaml-language-server: $schema=../schema/book.schema.json"


def _raw(path: Path) -> dict[str, Any]:
    """The record as plain YAML sees it, independent of prepbook's loader."""
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    assert isinstance(data, dict), f"{path} is not a mapping"
    return data


def _entry(bank: Bank, path: Path) -> Entry:
    by_source = {entry.source.resolve(): entry for entry in bank.entries}
    assert path.resolve() in by_source, f"{path} was not loaded into the bank"
    return by_source[path.resolve()]


record_files = pytest.mark.parametrize("path", RECORD_FILES, ids=[str(p.relative_to(CONTENT)) for p in RECORD_FILES])


def test_the_bank_has_records() -> None:
    assert RECORD_FILES, f"no record files under {CONTENT}"


def test_answer_has_exactly_the_five_sections_with_their_frozen_deck_fields() -> None:
    # The deck's field names can never change (Anki would freeze every learner's notes): this pins them.
    assert [(section.key, section.anki_field) for section in SECTIONS] == [
        ("short", "Short"), ("deep_dive", "DeepDive"), ("example", "Example"), ("mistakes", "Mistakes"),
        ("in_production", "InProduction")]


@record_files
def test_all_five_answer_sections_are_present_and_non_empty(bank: Bank, path: Path) -> None:
    raw_answer = _raw(path)["answer"]
    assert set(raw_answer) == {section.key for section in SECTIONS}
    answer = _entry(bank, path).record.answer
    for section in SECTIONS:
        assert isinstance(raw_answer[section.key], str) and raw_answer[section.key].strip(), f"{section} is empty"
        assert answer.text(section).strip(), f"{section} is empty"


@record_files
def test_id_is_unique(bank: Bank, path: Path) -> None:
    record_id = _entry(bank, path).id
    assert [other for other in RECORD_FILES if _raw(other)["id"] == record_id] == [path]
    assert [entry.id for entry in bank.entries].count(record_id) == 1


@record_files
def test_every_see_also_resolves_to_another_record(bank: Bank, path: Path) -> None:
    record = _entry(bank, path).record
    for target in record.see_also:
        assert target in bank.by_id, f"see_also {target!r} is no record's id"
        assert target != record.id, "see_also refers to the record itself"


@record_files
def test_difficulty_is_valid(bank: Bank, path: Path) -> None:
    assert _raw(path)["difficulty"] in {level.value for level in Difficulty}
    assert isinstance(_entry(bank, path).record.difficulty, Difficulty)


@record_files
def test_record_is_in_a_declared_topic(bank: Bank, path: Path) -> None:
    assert _entry(bank, path).topic.id == path.parent.name
    assert path.parent.name in {topic.id for topic in bank.book.topics}


@record_files
def test_record_starts_with_the_schema_modeline(path: Path) -> None:
    first_line = path.read_text(encoding="utf-8").splitlines()[0]
    assert first_line == RECORD_MODELINE
    assert (path.parent / first_line.split("$schema=")[1]).resolve() == SCHEMA_DIR / "question.schema.json"


def test_book_starts_with_the_schema_modeline() -> None:
    first_line = (CONTENT / "book.yaml").read_text(encoding="utf-8").splitlines()[0]
    assert first_line == BOOK_MODELINE
    assert (CONTENT / first_line.split("$schema=")[1]).resolve() == SCHEMA_DIR / "book.schema.json"


def test_schema_folder_holds_exactly_the_generated_files() -> None:
    assert sorted(path.name for path in SCHEMA_DIR.glob("*.json")) == sorted(schema_files())


@pytest.mark.parametrize("name, generated", sorted(schema_files().items()))
def test_committed_schema_is_up_to_date(name: str, generated: dict[str, Any]) -> None:
    committed = json.loads((SCHEMA_DIR / name).read_text(encoding="utf-8"))
    assert committed == generated, f"schema/{name} is stale: run `make schema` and commit the result"
