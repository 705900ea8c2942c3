"""`prepbook new TOPIC`: a record to fill in, which `validate` refuses until its five sections are written."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml
from click.testing import CliRunner, Result

from prepbook.cli import main
from prepbook.models import SECTIONS
from tests.conftest import BankWriter, record


def invoke(*args: str) -> Result:
    result = CliRunner().invoke(main, list(args))
    assert result.exception is None or isinstance(result.exception, SystemExit), result.exception
    return result


@pytest.fixture
def content(write_bank: BankWriter, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Topics basics (records 000-alpha and 030-dropout, whose id is taken) and scaling (empty)."""
    monkeypatch.chdir(tmp_path)
    folder = write_bank({"basics": [record("alpha")], "scaling": []})
    (folder / "basics" / "030-dropout.yaml").write_text(
        yaml.safe_dump(record("dropout", question="What is dropout for?")), encoding="utf-8")
    return Path("content")


def test_new_record_is_refused_until_its_five_sections_are_written(content: Path) -> None:
    result = invoke("new", "basics", "--question", "What does dropout do, and why does it help?")
    assert result.exit_code == 0, result.output
    path = Path(result.stdout.strip())
    assert path == content / "basics" / "040-dropout-help.yaml"  # after 030; 'dropout' is taken by 030
    refused = invoke("validate", "--content", "content")
    assert refused.exit_code == 1
    assert [line.split(": ", 1)[1] for line in refused.stderr.splitlines()[:-1]] == [
        f"error: answer.{section.key}: must not be empty" for section in SECTIONS]

    written = yaml.safe_load(path.read_text(encoding="utf-8"))
    assert written["question"] == "What does dropout do, and why does it help?"
    written["answer"] = {section.key: f"The {section.title.lower()}." for section in SECTIONS}
    path.write_text(yaml.safe_dump(written), encoding="utf-8")
    assert invoke("validate", "--content", "content").exit_code == 0


def test_a_question_yaml_would_misread_is_written_quoted(content: Path) -> None:
    question = 'What\'s "null": a value, or #nothing?'
    result = invoke("new", "basics", "-q", question, "--difficulty", "hard")
    path = Path(result.stdout.strip())
    assert path.name == "040-null-value-nothing.yaml"
    written = yaml.safe_load(path.read_text(encoding="utf-8"))
    assert (written["id"], written["question"], written["difficulty"]) == ("null-value-nothing", question, "hard")


def test_a_declared_topic_without_a_folder_gets_one_and_the_first_number(content: Path) -> None:
    (content / "scaling").rmdir()
    result = invoke("new", "scaling", "-q", "How do you shard a table?")
    assert Path(result.stdout.strip()) == content / "scaling" / "010-shard-table.yaml"


@pytest.mark.parametrize("args, message", [
    (["new", "basix", "-q", "Why?"], ("topic 'basix' is not declared in content/book.yaml; did you mean 'basics'? "
                                      "declared: basics, scaling")),
    (["new", "basics"], "give the question with --question (it is asked for only on a terminal)"),
    (["new", "basics", "-q", "  "], "the question must be one line of text"),
], ids=["undeclared-topic", "no-question-and-no-terminal", "blank-question"])
def test_new_refuses_what_it_cannot_start(content: Path, args: list[str], message: str) -> None:
    result = invoke(*args)
    assert (result.exit_code, result.stderr) == (2, f"prepbook: error: {message}\n")
    assert sorted(path.name for path in (content / "basics").iterdir()) == ["000-alpha.yaml", "030-dropout.yaml"]
