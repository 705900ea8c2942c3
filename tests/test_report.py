"""`validate --format github`: GitHub Actions annotations, and the pre-commit hook a content repository runs."""

from __future__ import annotations

import re
import shlex
from pathlib import Path

import pytest
import yaml
from click.testing import CliRunner

from prepbook.cli import main
from prepbook.errors import Problem
from prepbook.report import github_annotation
from tests.conftest import CONTENT, ROOT, BankWriter, record

FIXTURES = Path(__file__).parent / "fixtures"
EXPECTED_PROBLEMS = (FIXTURES / "broken-bank.problems").read_text(encoding="utf-8").splitlines()

# The workflow command as the Actions runner reads it: properties are comma-separated key=value pairs.
ANNOTATION = re.compile(r"^::(?P<level>error|warning) (?P<properties>[^:]*)::(?P<message>.*)$")


def unescape(text: str) -> str:
    for escaped, character in (("%0D", "\r"), ("%0A", "\n"), ("%3A", ":"), ("%2C", ","), ("%25", "%")):
        text = text.replace(escaped, character)
    return text


def parse(line: str) -> tuple[str, dict[str, str], str]:
    match = ANNOTATION.match(line)
    assert match, line
    properties = dict(pair.split("=", 1) for pair in match["properties"].split(","))
    return match["level"], {key: unescape(value) for key, value in properties.items()}, unescape(match["message"])


def as_text(level: str, properties: dict[str, str], message: str) -> str:
    """The annotation back in the compiler style, to compare with what `validate` prints without --format."""
    where = ":".join([properties["file"], *(properties[key] for key in ("line", "col") if key in properties)])
    return f"{where}: {level}: {message}"


def test_every_problem_of_the_broken_bank_is_an_annotation_that_parses(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(FIXTURES)
    result = CliRunner().invoke(main, ["validate", "--content", "broken-bank", "--format", "github"])
    assert result.exit_code == 1
    assert [as_text(*parse(line)) for line in result.stdout.splitlines()] == EXPECTED_PROBLEMS
    assert result.stderr.splitlines() == [f"{len(EXPECTED_PROBLEMS)} error(s); nothing was built."]


def test_a_warning_is_a_warning_annotation(write_bank: BankWriter, tmp_path: Path,
                                          monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    write_bank({"basics": [record("alpha", tags=["testing", "testing"])]})
    result = CliRunner().invoke(main, ["validate", "--content", "content", "--format", "github"])
    assert result.exit_code == 0
    [line] = result.stdout.splitlines()
    assert parse(line) == ("warning", {"file": "content/basics/000-alpha.yaml", "line": "6", "col": "3"},
                           "tags[1]: 'testing' is listed again (first at 5:3); it is kept once [duplicate-entry]")


def test_percent_newline_comma_and_colon_cannot_break_an_annotation() -> None:
    problem = Problem("odd,name:1.yaml", 3, 4, "answer.a%0Ab", "unknown field 'a%0Ab'\nnext: line")
    line = github_annotation(problem)
    assert "\n" not in line
    assert parse(line) == ("error", {"file": "odd,name:1.yaml", "line": "3", "col": "4"},
                           "answer.a%0Ab: unknown field 'a%0Ab'\nnext: line")


def test_a_problem_without_a_line_names_only_its_file() -> None:
    assert github_annotation(Problem("content/extra", None, None, "", "not declared")) == \
        "::error file=content/extra::not declared"


def test_the_pre_commit_hook_runs_validate_on_the_whole_bank() -> None:
    [hook] = yaml.safe_load((ROOT / ".pre-commit-hooks.yaml").read_text(encoding="utf-8"))
    assert hook["id"] == "prepbook-validate"
    assert hook["language"] == "python"  # pre-commit installs this repository, whose script is `prepbook`
    assert hook["pass_filenames"] is False  # a see_also or a duplicate id involves files that were not staged
    assert re.search(hook["files"], "content/deep-learning/040-dropout.yaml")
    program, *args = shlex.split(hook["entry"])
    assert program == "prepbook"
    result = CliRunner().invoke(main, [*args, "--content", str(CONTENT)])
    assert result.exit_code == 0, result.output
