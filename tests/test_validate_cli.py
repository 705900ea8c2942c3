"""`prepbook validate` and `build` on good and bad content: exit codes, one line per problem, never a traceback."""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from prepbook.bank import Bank
from prepbook.cli import main
from tests.conftest import CONTENT, ROOT, BankWriter, record

FIXTURES = Path(__file__).parent / "fixtures"
BROKEN = FIXTURES / "broken-bank"
EXPECTED_PROBLEMS = (FIXTURES / "broken-bank.problems").read_text(encoding="utf-8").splitlines()
BROKEN_STDERR = EXPECTED_PROBLEMS + [f"{len(EXPECTED_PROBLEMS)} error(s); nothing was built."]


def invoke(*args: str) -> Result:
    result = CliRunner().invoke(main, list(args))
    assert "Traceback" not in result.output
    assert result.exception is None or isinstance(result.exception, SystemExit), result.exception
    return result


def summary(bank: Bank) -> str:
    return f"{len(bank.entries)} questions in {len(bank.chapters)} topics: all valid.\n"


def test_validate_real_content(bank: Bank) -> None:
    result = invoke("validate", "--content", str(CONTENT))
    assert result.exit_code == 0
    assert result.stderr == summary(bank)


def test_validate_broken_bank_prints_one_line_per_problem(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(FIXTURES)
    result = invoke("validate", "--content", "broken-bank")
    assert result.exit_code == 1
    assert result.stderr.splitlines() == BROKEN_STDERR
    assert result.stdout == ""


@pytest.mark.parametrize("args, message", [
    (["validate", "--content", "no-such-folder"], "Directory 'no-such-folder' does not exist."),
    (["frobnicate"], "No such command 'frobnicate'."),
    (["build"], "Missing argument 'FORMAT...'."),
    (["build", "pdf", "--paper", "a5"], "'a5' is not one of 'a4', 'letter'."),
], ids=["missing-content-folder", "unknown-command", "no-format", "unknown-paper"])
def test_usage_error_exits_2(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, args: list[str], message: str) -> None:
    monkeypatch.chdir(tmp_path)
    result = invoke(*args)
    assert result.exit_code == 2
    assert message in result.stderr


def test_unknown_format_exits_2_and_builds_nothing(tmp_path: Path) -> None:
    out = tmp_path / "out"
    result = invoke("build", "nope", "--content", str(CONTENT), "--out", str(out))
    assert result.exit_code == 2
    assert result.stderr.startswith("prepbook: error: unknown format 'nope'; choose from: ")
    assert not out.exists()


def test_build_refuses_invalid_content_and_creates_no_out_folder(tmp_path: Path,
                                                                 monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(FIXTURES)
    out = tmp_path / "out"
    result = invoke("build", "anki", "--content", "broken-bank", "--out", str(out),
                    "--templates", str(ROOT / "templates"))
    assert result.exit_code == 1
    assert result.stderr.splitlines() == BROKEN_STDERR
    assert not out.exists()


def test_build_refuses_invalid_content_and_leaves_previous_outputs_intact(tmp_path: Path,
                                                                          monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(FIXTURES)
    out = tmp_path / "out"
    out.mkdir()
    (out / "deck.apkg").write_bytes(b"the previous deck")
    result = invoke("build", "anki", "--content", "broken-bank", "--out", str(out),
                    "--templates", str(ROOT / "templates"))
    assert result.exit_code == 1
    assert {path.name: path.read_bytes() for path in out.iterdir()} == {"deck.apkg": b"the previous deck"}


REPEATED_TAG = ("content/basics/000-alpha.yaml:6:3: warning: tags[1]: 'testing' is listed again (first at 5:3); "
                "it is kept once [duplicate-entry]")


@pytest.fixture
def repeating(write_bank: BankWriter, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A valid bank whose one record lists a tag twice, and breaks no other rule; cwd is its parent."""
    monkeypatch.chdir(tmp_path)
    return write_bank({"basics": [record("alpha", tags=["testing", "testing"])]}, lint={"section_min_words": 0})


def test_validate_prints_warnings_and_passes(repeating: Path) -> None:
    result = invoke("validate", "--content", "content")
    assert result.exit_code == 0
    assert result.stderr.splitlines() == [REPEATED_TAG, "1 question in 1 topic: valid, 1 warning(s)."]


def test_validate_strict_fails_on_a_warning(repeating: Path) -> None:
    result = invoke("validate", "--strict", "--content", "content", "--templates", str(ROOT / "templates"))
    assert result.exit_code == 1
    assert result.stderr.splitlines() == [REPEATED_TAG.replace(": warning: ", ": error: "),
                                          "1 error(s); nothing was built."]


def test_errors_are_counted_apart_from_warnings(repeating: Path) -> None:
    (repeating / "basics" / "010-beta.yaml").write_text("id: beta\n", encoding="utf-8")
    result = invoke("validate", "--content", "content")
    assert result.exit_code == 1
    assert result.stderr.splitlines()[0] == REPEATED_TAG
    assert result.stderr.splitlines()[-1] == "3 error(s), 1 warning(s); nothing was built."


def test_build_prints_warnings_and_builds(repeating: Path) -> None:
    result = invoke("build", "md", "--content", "content", "--out", "out", "--templates", str(ROOT / "templates"))
    assert result.exit_code == 0
    assert result.stderr.splitlines()[0] == REPEATED_TAG
    assert result.stderr.splitlines()[-1].startswith("wrote out/cheatsheet.md")


def run_prepbook(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    """The real command, as a user runs it: a new interpreter, no CliRunner in between."""
    process = subprocess.run([sys.executable, "-m", "prepbook", *args], cwd=cwd, capture_output=True,
                             text=True, timeout=120, check=False)
    assert "Traceback" not in process.stdout + process.stderr
    return process


def test_subprocess_validate_real_content(bank: Bank) -> None:
    process = run_prepbook("validate", "--content", str(CONTENT), cwd=ROOT)
    assert (process.returncode, process.stderr) == (0, summary(bank))


def test_subprocess_validate_broken_bank() -> None:
    process = run_prepbook("validate", "--content", "broken-bank", cwd=FIXTURES)
    assert process.returncode == 1
    assert process.stderr.splitlines() == BROKEN_STDERR


@pytest.mark.parametrize("value", ["253402300800", "-99999999999", "-1", "soon", "1.5"])
def test_source_date_epoch_out_of_range_is_a_usage_error(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                         value: str) -> None:
    monkeypatch.setenv("SOURCE_DATE_EPOCH", value)
    result = invoke("build", "md", "--content", str(CONTENT), "--out", str(tmp_path / "build"))
    assert result.exit_code == 2
    assert result.stderr == (f"prepbook: error: SOURCE_DATE_EPOCH must be a whole number of seconds from 0 to "
                             f"253402300799 (the year 9999), not {value!r}\n")


@pytest.mark.parametrize("value", ["0", "1", "253402300799"])
def test_source_date_epoch_at_the_ends_of_its_range_builds(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                           value: str) -> None:
    monkeypatch.setenv("SOURCE_DATE_EPOCH", value)
    assert invoke("build", "md", "anki", "--content", str(CONTENT), "--out", str(tmp_path / "build")).exit_code == 0


@pytest.mark.parametrize("out", ["content", "content/build", "content/basics", "content/basics/../build"])
def test_out_folder_in_the_content_folder_is_refused_up_front(write_bank: BankWriter, tmp_path: Path,
                                                              monkeypatch: pytest.MonkeyPatch, out: str) -> None:
    """The next build would read the outputs back as a topic folder book.yaml does not declare."""
    monkeypatch.chdir(tmp_path)
    write_bank({"basics": [record("alpha")]})
    before = sorted(path for path in (tmp_path / "content").rglob("*"))
    result = invoke("build", "md", "--content", "content", "--out", out, "--templates", str(ROOT / "templates"))
    assert result.exit_code == 2
    where = "is" if out == "content" else "is inside"
    assert result.stderr == (f"prepbook: error: the output folder {out} {where} the content folder content; "
                             "choose an --out outside it\n")
    assert sorted(path for path in (tmp_path / "content").rglob("*")) == before


@pytest.mark.parametrize("break_it, expected", [
    (lambda content: (content / "loop").symlink_to("loop"),
     "content/loop: error: symbolic link loop: the link leads back to itself"),
    (lambda content: (content / "basics" / "010-a\nb.yaml").write_text("id: [\n", encoding="utf-8"),
     ("'content/basics/010-a\\nb.yaml':2:1: error: invalid YAML: did not find expected node content "
      "(while parsing a flow node)")),
], ids=["topic-link-loop", "newline-in-file-name"])
def test_each_awkward_input_is_one_located_line_and_exit_1(write_bank: BankWriter, tmp_path: Path,
                                                           monkeypatch: pytest.MonkeyPatch,
                                                           break_it: Callable[[Path], object], expected: str) -> None:
    monkeypatch.chdir(tmp_path)
    break_it(write_bank({"basics": [record("alpha")]}))
    process = run_prepbook("validate", "--content", "content", cwd=tmp_path)
    assert (process.returncode, process.stderr.splitlines()) == (1, [expected, "1 error(s); nothing was built."])
