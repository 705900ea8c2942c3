"""Rebuilds: nothing changed leaves every output untouched; any change reaches exactly the outputs it must."""

from __future__ import annotations

import dataclasses
import io
import shutil
from pathlib import Path

import pypdf
import pytest
import yaml

from prepbook.build import build
from prepbook.render import Settings
from tests.conftest import TEMPLATES, record

pytestmark = pytest.mark.weasyprint

FORMATS = ("pdf", "anki", "md")


@pytest.fixture
def bank_dir(write_bank) -> Path:
    return write_bank({
        "first": [record("alpha"), record("beta", see_also=["gamma"])],
        "second": [record("gamma"), record("delta")],
    })


def _outputs(out: Path) -> dict[str, tuple[bytes, int]]:
    return {name: ((out / name).read_bytes(), (out / name).stat().st_mtime_ns)
            for name in ("handbook.pdf", "deck.apkg", "cheatsheet.md")}


def _pdf_text(path: Path) -> str:
    return " ".join(" ".join(page.extract_text() for page in pypdf.PdfReader(io.BytesIO(path.read_bytes())).pages)
                    .split())


def _deck_text(path: Path) -> bytes:
    import zipfile

    with zipfile.ZipFile(path) as package:
        return b"".join(package.read(name) for name in package.namelist())


PARALLEL = {"jobs": 2}


def test_rebuild_with_nothing_changed_touches_no_output(bank_dir: Path, tmp_path: Path, settings: Settings) -> None:
    out = tmp_path / "build"
    build(FORMATS, bank_dir, settings, PARALLEL, out)
    before = _outputs(out)
    results = build(FORMATS, bank_dir, settings, PARALLEL, out).written
    assert not any(result.changed for result in results)
    assert _outputs(out) == before


def test_edited_record_reaches_all_three_outputs(bank_dir: Path, tmp_path: Path, settings: Settings) -> None:
    out = tmp_path / "build"
    build(FORMATS, bank_dir, settings, PARALLEL, out)
    path = next((bank_dir / "second").glob("*gamma.yaml"))
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    data["answer"]["short"] = "A freshly edited short answer about zebras."
    path.write_text(yaml.safe_dump(data), encoding="utf-8")

    results = build(FORMATS, bank_dir, settings, PARALLEL, out).written

    assert all(result.changed for result in results)
    assert "A freshly edited short answer about zebras." in _pdf_text(out / "handbook.pdf")
    assert b"freshly edited short answer about zebras" in _deck_text(out / "deck.apkg")
    assert "A freshly edited short answer about zebras." in (out / "cheatsheet.md").read_text(encoding="utf-8")


def test_incremental_pdf_equals_a_cold_build(bank_dir: Path, tmp_path: Path, settings: Settings) -> None:
    """Only the edited chapter is laid out again; the assembled book is what a build from scratch gives."""
    out = tmp_path / "build"
    build(["pdf"], bank_dir, settings, PARALLEL, out)
    path = next((bank_dir / "first").glob("*alpha.yaml"))
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    data["answer"]["deep_dive"] = " ".join(["A much longer deep dive that needs another page."] * 200)
    path.write_text(yaml.safe_dump(data), encoding="utf-8")
    parts = out / ".prepbook-cache" / "pdf-parts"
    second_chapter_parts = {p.name for p in parts.iterdir()}

    build(["pdf"], bank_dir, settings, PARALLEL, out)
    cold = tmp_path / "cold"
    build(["pdf"], bank_dir, settings, PARALLEL, cold)

    assert (out / "handbook.pdf").read_bytes() == (cold / "handbook.pdf").read_bytes()
    # The unchanged chapter's laid-out part was reused, not laid out again.
    assert second_chapter_parts & {p.name for p in parts.iterdir()}


def test_template_change_invalidates_cached_outputs(bank_dir: Path, tmp_path: Path, settings: Settings) -> None:
    templates = tmp_path / "templates"
    shutil.copytree(TEMPLATES, templates)
    settings = dataclasses.replace(settings, templates_dir=templates)
    out = tmp_path / "build"
    build(FORMATS, bank_dir, settings, PARALLEL, out)

    css = templates / "handbook.css"
    css.write_text(css.read_text(encoding="utf-8").replace('content: "page " counter(page) " of "',
                                                           'content: "folio " counter(page) " of "'),
                   encoding="utf-8")
    sheet = templates / "cheatsheet.md.j2"
    sheet.write_text(sheet.read_text(encoding="utf-8") + "\nRestyled footer line.\n", encoding="utf-8")
    build(FORMATS, bank_dir, settings, PARALLEL, out)

    assert "folio 5 of" in _pdf_text(out / "handbook.pdf")
    assert "page 5 of" not in _pdf_text(out / "handbook.pdf")
    assert "Restyled footer line." in (out / "cheatsheet.md").read_text(encoding="utf-8")


def test_changed_option_invalidates_only_that_output(bank_dir: Path, tmp_path: Path, settings: Settings) -> None:
    out = tmp_path / "build"
    build(FORMATS, bank_dir, settings, PARALLEL, out)
    before = _outputs(out)
    results = build(FORMATS, bank_dir, settings, {**PARALLEL, "paper": "letter"}, out).written
    changed = {result.path.name for result in results if result.changed}
    assert changed == {"handbook.pdf"}
    assert _outputs(out)["deck.apkg"] == before["deck.apkg"]
