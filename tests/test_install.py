"""prepbook as an author installs it: its default templates and fonts travel inside the package, so it builds any
bank from any folder."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import venv
import zipfile
from pathlib import Path

import pytest
from click.testing import CliRunner

from prepbook import default_templates
from prepbook.cli import main
from tests.conftest import CONTENT, FIXED_DATE, TEMPLATES, checkout_copy

OUTPUTS = ("handbook.pdf", "deck.apkg", "cheatsheet.md")


def test_the_default_templates_are_the_repositorys_one_copy() -> None:
    assert default_templates.folder() == TEMPLATES


def test_builds_from_a_folder_that_has_no_templates(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    result = CliRunner().invoke(main, ["build", "md", "anki", "html", "--content", str(CONTENT)])
    assert result.exit_code == 0, result.output
    assert {"cheatsheet.md", "deck.apkg", "handbook.html"} <= {path.name for path in (tmp_path / "build").iterdir()}


def _run(command: list[str], cwd: Path) -> subprocess.CompletedProcess[str]:
    environment = {**os.environ, "SOURCE_DATE_EPOCH": str(FIXED_DATE)}
    process = subprocess.run(command, cwd=cwd, env=environment, capture_output=True, text=True, timeout=600,
                             check=False)
    assert process.returncode == 0, process.stderr
    return process


@pytest.mark.weasyprint
def test_a_wheel_in_a_fresh_venv_builds_all_three_outputs_from_another_folder(tmp_path: Path) -> None:
    source = checkout_copy(tmp_path / "source")
    _run([sys.executable, "-m", "pip", "wheel", "--quiet", "--no-deps", "--wheel-dir", str(tmp_path / "wheels"),
          str(source)], cwd=tmp_path)
    (wheel,) = (tmp_path / "wheels").glob("prepbook-*.whl")
    packaged = {name.removeprefix("prepbook/templates/") for name in zipfile.ZipFile(wheel).namelist()
                if name.startswith("prepbook/templates/")}
    in_checkout = source / "templates"
    assert packaged == {path.relative_to(in_checkout).as_posix() for path in in_checkout.rglob("*") if path.is_file()}

    venv.create(tmp_path / "venv", with_pip=True)
    installed = tmp_path / "venv" / "bin"
    _run([str(installed / "python"), "-m", "pip", "install", "--quiet", str(wheel)], cwd=tmp_path)
    elsewhere = tmp_path / "author"
    shutil.copytree(CONTENT, elsewhere / "bank")
    found = _run([str(installed / "python"), "-c", "from prepbook import default_templates as d; print(d.folder())"],
                 cwd=elsewhere).stdout.strip()
    assert Path(found).is_relative_to(tmp_path / "venv")
    _run([str(installed / "prepbook"), "build", "all", "--content", "bank"], cwd=elsewhere)
    _run([str(installed / "prepbook"), "init", "new-bank"], cwd=elsewhere)  # its starter files ship too
    _run([str(installed / "prepbook"), "validate"], cwd=elsewhere / "new-bank")

    _run([sys.executable, "-m", "prepbook", "build", "all", "--content", "bank", "--out", "from-checkout"],
         cwd=elsewhere)
    for name in OUTPUTS:
        assert (elsewhere / "build" / name).read_bytes() == (elsewhere / "from-checkout" / name).read_bytes(), name
