"""`prepbook init DIR`: a new bank that validates and builds at once, kept checked by pre-commit and GitHub Actions."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
import yaml
from click.testing import CliRunner, Result

from prepbook import __version__, starter
from prepbook.cli import main
from prepbook.render import ALL_FORMATS, get_renderer
from prepbook.schema import schema_bytes
from prepbook.system_libraries import DEBIAN_PACKAGES


def invoke(*args: str) -> Result:
    result = CliRunner().invoke(main, list(args))
    assert "Traceback" not in result.output
    return result


@pytest.fixture
def bank(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A new bank, and the working directory inside it, where its author runs prepbook with the defaults."""
    result = invoke("init", str(tmp_path / "bank"))
    assert result.exit_code == 0, result.output
    monkeypatch.chdir(tmp_path / "bank")
    return tmp_path / "bank"


def test_writes_the_bank_and_what_keeps_it_checked(bank: Path) -> None:
    assert sorted(path.relative_to(bank).as_posix() for path in bank.rglob("*") if path.is_file()) == [
        ".github/workflows/prepbook.yml", ".gitignore", ".pre-commit-config.yaml",
        "content/book.yaml", "content/python/010-list-vs-tuple.yaml",
        "schema/book.schema.json", "schema/question.schema.json"]
    assert "/build/" in (bank / ".gitignore").read_text(encoding="utf-8").splitlines()
    for name, data in schema_bytes().items():
        assert (bank / "schema" / name).read_bytes() == data


def test_every_record_points_its_editor_at_a_schema_that_is_there(bank: Path) -> None:
    for path in (bank / "content").rglob("*.yaml"):
        modeline = path.read_text(encoding="utf-8").splitlines()[0]
        assert modeline.startswith("# yaml-language-server: $schema=")
        assert (path.parent / modeline.split("$schema=")[1]).is_file()


def test_the_new_bank_validates_and_builds_at_once(bank: Path) -> None:
    result = invoke("validate")
    assert (result.exit_code, result.stderr) == (0, "1 question in 1 topic: all valid.\n")
    assert invoke("build", "anki", "md").exit_code == 0
    answer = (bank / "build" / "cheatsheet.md").read_text(encoding="utf-8")
    assert "### 1.1 What is the difference between a list and a tuple in Python" in answer


@pytest.mark.weasyprint
def test_the_new_bank_builds_all_three_outputs(bank: Path) -> None:
    result = invoke("build", "all")
    assert result.exit_code == 0, result.output
    assert sorted(path.name for path in (bank / "build").iterdir() if path.is_file()) == \
        sorted(get_renderer(name).filename for name in ALL_FORMATS)


def _steps(bank: Path) -> list[dict[str, Any]]:
    workflow = yaml.safe_load((bank / ".github" / "workflows" / "prepbook.yml").read_text(encoding="utf-8"))
    (job,) = workflow["jobs"].values()
    steps: list[dict[str, Any]] = job["steps"]
    return steps


def test_the_workflow_validates_builds_and_keeps_the_three_outputs(bank: Path) -> None:
    steps = _steps(bank)
    runs = [step.get("run", "") for step in steps]
    assert [step["uses"].split("@")[0] for step in steps if "uses" in step] == [
        "actions/checkout", "actions/setup-python", "actions/upload-artifact"]
    assert any(DEBIAN_PACKAGES in run for run in runs)
    assert any('pip install "$PREPBOOK"' in run for run in runs)
    validate = next(run for run in runs if run.startswith("prepbook validate"))
    assert validate == "prepbook validate --format github"  # each problem an annotation on its line
    build_at = next(index for index, run in enumerate(runs) if run.endswith("prepbook build all"))
    assert runs.index(validate) < build_at < len(steps) - 1
    upload = steps[-1]
    assert upload["uses"].startswith("actions/upload-artifact@")
    assert upload["with"]["path"].split() == [f"build/{get_renderer(name).filename}" for name in ALL_FORMATS]


def test_the_pre_commit_hook_runs_prepbook_validate(bank: Path) -> None:
    config = yaml.safe_load((bank / ".pre-commit-config.yaml").read_text(encoding="utf-8"))
    (repo,) = config["repos"]
    (hook,) = repo["hooks"]
    assert (repo["repo"], hook["entry"], hook["language"], hook["pass_filenames"]) == (
        "local", "prepbook validate", "system", False)


def test_refuses_a_folder_that_is_not_empty(tmp_path: Path) -> None:
    (tmp_path / "notes.md").write_text("mine\n", encoding="utf-8")
    result = invoke("init", str(tmp_path))
    assert result.exit_code == 2
    assert result.stderr.startswith(f"prepbook: error: {tmp_path} is not empty; pass --force")
    assert [path.name for path in tmp_path.iterdir()] == ["notes.md"]


def test_force_writes_the_bank_beside_what_is_there(tmp_path: Path) -> None:
    (tmp_path / "notes.md").write_text("mine\n", encoding="utf-8")
    assert invoke("init", "--force", str(tmp_path)).exit_code == 0
    assert (tmp_path / "content" / "book.yaml").is_file()
    assert (tmp_path / "notes.md").read_text(encoding="utf-8") == "mine\n"


class _Installed:
    def __init__(self, direct_url: str | None) -> None:
        self.direct_url = direct_url

    def read_text(self, name: str) -> str | None:
        return self.direct_url if name == "direct_url.json" else None


@pytest.mark.parametrize("direct_url, requirement", [
    (json.dumps({"url": "https://github.com/example/prepbook", "vcs_info": {"vcs": "git", "commit_id": "abc123"}}),
     "prepbook @ git+https://github.com/example/prepbook@abc123"),
    (json.dumps({"url": "file:///home/me/prepbook", "dir_info": {"editable": True}}), f"prepbook=={__version__}"),
    (None, f"prepbook=={__version__}"),
], ids=["from-git", "from-a-folder", "from-the-index"])
def test_ci_installs_the_prepbook_that_wrote_the_bank(monkeypatch: pytest.MonkeyPatch, direct_url: str | None,
                                                      requirement: str) -> None:
    monkeypatch.setattr(starter.importlib.metadata, "distribution", lambda name: _Installed(direct_url))
    assert starter.pip_requirement() == requirement
