"""The real bank and its schema: every committed file points editors at the schema, and schema/ is up to date.

Whether records are complete and consistent is the loader's to refuse (test_load.py), and test_validate_cli.py
validates the real bank.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from prepbook.models import SECTIONS
from prepbook.schema import schema_files
from tests.conftest import CONTENT, ROOT

SCHEMA_DIR = ROOT / "schema"
RECORD_FILES = sorted(CONTENT.glob("*/*.yaml"))
RECORD_MODELINE = "# yaml-language-server: $schema=../../schema/question.schema.json"
BOOK_MODELINE = "# yaml-language-server: $schema=../schema/book.schema.json"


record_files = pytest.mark.parametrize("path", RECORD_FILES, ids=[str(p.relative_to(CONTENT)) for p in RECORD_FILES])


def test_the_bank_has_records() -> None:
    assert RECORD_FILES, f"no record files under {CONTENT}"


def test_answer_has_exactly_the_five_sections_with_their_frozen_deck_fields() -> None:
    # The deck's field names can never change (Anki would freeze every learner's notes): this pins them.
    assert [(section.key, section.anki_field) for section in SECTIONS] == [
        ("short", "Short"), ("deep_dive", "DeepDive"), ("example", "Example"), ("mistakes", "Mistakes"),
        ("in_production", "InProduction")]


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
