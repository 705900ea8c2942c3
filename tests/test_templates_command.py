"""`prepbook templates DIR`: a copy of the default look to restyle from, which builds exactly what the defaults do."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from prepbook.cli import main
from tests.conftest import CONTENT, TEMPLATES

# What the book, the cards and the sheet are made from: every file but the one that makes the folder a package.
LOOK = {path.relative_to(TEMPLATES) for path in TEMPLATES.rglob("*")
        if path.is_file() and "__pycache__" not in path.parts and path.name != "__init__.py"}


def invoke(*args: str) -> Result:
    result = CliRunner().invoke(main, list(args))
    assert "Traceback" not in result.output
    return result


def test_copies_every_template_font_and_licence(tmp_path: Path) -> None:
    result = invoke("templates", str(tmp_path / "look"))
    assert result.exit_code == 0, result.output
    copied = {path.relative_to(tmp_path / "look") for path in (tmp_path / "look").rglob("*") if path.is_file()}
    assert copied == LOOK
    assert any(path.name.startswith("LICENSE") for path in copied)
    assert result.stderr == f"wrote {len(LOOK)} files into {tmp_path / 'look'}; build with --templates " \
                            f"{tmp_path / 'look'}\n"


def test_refuses_a_folder_that_is_not_empty(tmp_path: Path) -> None:
    (tmp_path / "notes.txt").write_text("mine\n", encoding="utf-8")
    result = invoke("templates", str(tmp_path))
    assert result.exit_code == 2
    assert result.stderr.startswith(f"prepbook: error: {tmp_path} is not empty; pass --force")
    assert [path.name for path in tmp_path.iterdir()] == ["notes.txt"]


def test_force_replaces_the_templates_and_keeps_other_files(tmp_path: Path) -> None:
    (tmp_path / "notes.txt").write_text("mine\n", encoding="utf-8")
    (tmp_path / "card.css").write_text("/* an old copy */\n", encoding="utf-8")
    assert invoke("templates", "--force", str(tmp_path)).exit_code == 0
    assert (tmp_path / "card.css").read_bytes() == (TEMPLATES / "card.css").read_bytes()
    assert (tmp_path / "notes.txt").read_text(encoding="utf-8") == "mine\n"


@pytest.mark.parametrize("formats", [
    ("md", "anki", "html"),
    pytest.param(("pdf",), marks=pytest.mark.weasyprint),
])
def test_a_copy_builds_byte_identical_outputs(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                             formats: tuple[str, ...]) -> None:
    # No SOURCE_DATE_EPOCH: the deck then also carries the templates' modification times, which the copy keeps.
    monkeypatch.delenv("SOURCE_DATE_EPOCH", raising=False)
    assert invoke("templates", str(tmp_path / "look")).exit_code == 0
    assert invoke("build", *formats, "--content", str(CONTENT), "--out", str(tmp_path / "default")).exit_code == 0
    assert invoke("build", *formats, "--content", str(CONTENT), "--out", str(tmp_path / "copy"),
                  "--templates", str(tmp_path / "look")).exit_code == 0
    built = sorted(path.relative_to(tmp_path / "default") for path in (tmp_path / "default").rglob("*")
                   if path.is_file() and ".prepbook-cache" not in path.parts)
    assert built
    for name in built:
        assert (tmp_path / "copy" / name).read_bytes() == (tmp_path / "default" / name).read_bytes(), name
