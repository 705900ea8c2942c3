"""Shared fixtures: the real content, and small banks written on the fly for one test."""

from __future__ import annotations

import shutil
import subprocess
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
import yaml

from prepbook.bank import Bank
from prepbook.errors import BuildError
from prepbook.load import load_bank
from prepbook.render import Settings

ROOT = Path(__file__).resolve().parents[1]
CONTENT = ROOT / "content"
TEMPLATES = ROOT / "templates"
FIXED_DATE = 1_767_225_600  # 2026-01-01T00:00:00Z


def checkout_copy(target: Path) -> Path:
    """The checkout's files as a fresh clone of them would hold them (no .venv, no build/), for tests that build or
    install from the checkout without touching it."""
    listed = subprocess.run(["git", "ls-files", "-z", "--cached", "--others", "--exclude-standard"], cwd=ROOT,
                            capture_output=True, check=True).stdout.decode().split("\0")
    for name in filter(None, listed):
        if (ROOT / name).is_file():
            (target / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(ROOT / name, target / name)
    return target


def record(record_id: str, **overrides: Any) -> dict[str, Any]:
    """A valid question record; any field can be overridden (answer sections via answer={...})."""
    answer = {
        "short": f"Short answer of {record_id}.",
        "deep_dive": f"Deep dive of {record_id}:\n\n- first point\n- second point",
        "example": f"Example of {record_id}.",
        "mistakes": f"- A mistake about {record_id}.\n- Another one.",
        "in_production": f"A production story about {record_id}.",
    }
    answer.update(overrides.pop("answer", {}))
    data: dict[str, Any] = {
        "id": record_id,
        "question": f"What is {record_id.replace('-', ' ')}?",
        "difficulty": "medium",
        "tags": ["testing"],
        "answer": answer,
    }
    data.update(overrides)
    return data


BankWriter = Callable[..., Path]


@pytest.fixture
def write_bank(tmp_path: Path) -> BankWriter:
    """Write a content folder: topics maps topic id → list of record dicts. Returns the folder."""

    def write(topics: dict[str, list[dict[str, Any]]], folder: str = "content", **book: Any) -> Path:
        content = tmp_path / folder
        content.mkdir(parents=True, exist_ok=True)
        meta = {"title": "Test Handbook", "subtitle": "For tests", "author": "Tester", "edition": "1",
                "topics": [{"id": topic, "title": topic.replace("-", " ").title()} for topic in topics]}
        meta.update(book)
        (content / "book.yaml").write_text(yaml.safe_dump(meta, sort_keys=False), encoding="utf-8")
        for topic, records in topics.items():
            (content / topic).mkdir(exist_ok=True)
            for index, data in enumerate(records):
                text = yaml.safe_dump(data, sort_keys=False, allow_unicode=True)
                (content / topic / f"{index:03d}-{data.get('id', 'record')}.yaml").write_text(text, encoding="utf-8")
        return content

    return write


@pytest.fixture(scope="session")
def bank() -> Bank:
    return load_bank(CONTENT)


@pytest.fixture
def settings() -> Settings:
    return Settings(templates_dir=TEMPLATES, source_date=FIXED_DATE, source_date_fixed=True)


def pytest_collection_finish(session: pytest.Session) -> None:
    """Tests that lay out PDFs need Pango: without it, stop once with prepbook's own message saying how to install
    it, rather than fail each of them."""
    if any(item.get_closest_marker("weasyprint") for item in session.items):
        try:
            import prepbook.render.layout  # noqa: F401
        except BuildError as error:
            pytest.exit(f"{error}\n(`make test-fast` runs the tests that need no Pango)", returncode=3)
