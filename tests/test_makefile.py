"""The Makefile installs what each target needs: building, prepbook alone; testing, its test tools as well."""

from __future__ import annotations

import json
import os
import re
import subprocess
import tomllib
from pathlib import Path

import pytest

from tests.conftest import ROOT, checkout_copy

TEST_TOOLS = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"][
    "optional-dependencies"]["test"]


def _name(requirement: str) -> str:
    """A distribution's name as pip compares them: 'types-PyYAML' and 'types_pyyaml' are one."""
    found = re.match(r"[A-Za-z0-9._-]+", requirement)
    assert found is not None
    return re.sub(r"[-_.]+", "-", found.group()).lower()


def make(*arguments: str, cwd: Path) -> str:
    # As a person runs it: not as a sub-make of the `make test` running this test, whose flags would carry over.
    environment = {name: value for name, value in os.environ.items()
                   if name not in ("MAKEFLAGS", "MFLAGS", "MAKELEVEL")}
    process = subprocess.run(["make", *arguments], cwd=cwd, env=environment, capture_output=True, text=True,
                             timeout=600, check=False)
    assert process.returncode == 0, process.stdout + process.stderr
    return process.stdout


@pytest.fixture
def clone(tmp_path: Path) -> Path:
    return checkout_copy(tmp_path / "clone")


def _installs(plan: str) -> list[str]:
    return [line for line in plan.splitlines() if " pip install " in line and "--upgrade pip" not in line]


def test_building_plans_to_install_prepbook_alone_and_testing_adds_the_tools(clone: Path) -> None:
    assert _installs(make("-n", "all", cwd=clone)) == [".venv/bin/python -m pip install --quiet -e ."]
    assert _installs(make("-n", "test", cwd=clone)) == [".venv/bin/python -m pip install --quiet -e '.[test]'"]


@pytest.mark.weasyprint
def test_make_all_in_a_fresh_clone_installs_no_test_tool_and_make_test_adds_them(clone: Path) -> None:
    make("all", cwd=clone)
    assert sorted(path.name for path in (clone / "build").iterdir() if path.is_file()) == [
        "cheatsheet.md", "deck.apkg", "handbook.pdf"]
    listed = subprocess.run([str(clone / ".venv" / "bin" / "python"), "-m", "pip", "list", "--format", "json"],
                            capture_output=True, text=True, check=True).stdout
    installed = {_name(package["name"]) for package in json.loads(listed)}
    assert "prepbook" in installed
    assert installed.isdisjoint(_name(tool) for tool in TEST_TOOLS)
    # The build install is fresh, so only the test tools are missing.
    assert _installs(make("-n", "all", cwd=clone)) == []
    assert _installs(make("-n", "test", cwd=clone)) == [".venv/bin/python -m pip install --quiet -e '.[test]'"]
