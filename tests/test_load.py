"""The loader's negative cases: every broken input is refused as the exact line an editor or CI jumps to.

Each test writes a small bank under tmp_path and runs with tmp_path as the working directory, so problems name
their files as `content/<topic>/<file>:line:col` (display_path is relative to the cwd).
"""

from __future__ import annotations

import os
import re
import threading
import time
from pathlib import Path

import pytest
import yaml

from prepbook.errors import ContentError
from prepbook.lint import check_strictly
from prepbook.load import load_bank
from prepbook.models import Answer, Question
from prepbook.render import Settings
from prepbook.render.html import RENDERER as HTML
from prepbook.render.md import RENDERER as MD
from prepbook.sources import MAX_FILE_BYTES
from tests.conftest import FIXED_DATE, TEMPLATES, BankWriter, record

FIXTURES = Path(__file__).parent / "fixtures"

# The record every text case edits: valid as it stands (test_the_base_record_is_valid), so each case breaks one thing.
BETA = """\
id: beta
question: What is beta?
difficulty: medium
tags: [testing]
see_also: [alpha]
answer:
  short: Short answer of beta.
  deep_dive: Deep dive of beta.
  example: Example of beta.
  mistakes: A mistake about beta.
  in_production: A production story about beta.
"""
BETA_FILE = "content/basics/010-beta.yaml"
ALPHA_FILE = "content/basics/000-alpha.yaml"
NOT_A_SLUG = "is not a slug (lowercase letters, digits and single hyphens, like 'model-drift')"

# Nine lists of nine aliases of the list before: 9**9 (387 million) "lol"s once expanded.
ALIAS_BOMB = "a: &a [lol, lol, lol, lol, lol, lol, lol, lol, lol]\n" + "".join(
    f"{name}: &{name} [{', '.join([f'*{previous}'] * 9)}]\n" for previous, name in zip("abcdefgh", "bcdefghi", strict=True)
)


def beta(old: str, new: str) -> str:
    """BETA with one edit; `old` must occur, so a case can never test the valid record by accident."""
    assert old in BETA, old
    return BETA.replace(old, new)


@pytest.fixture
def content(write_bank: BankWriter, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """content/ declaring topics basics (holding the valid record alpha) and scaling (empty); cwd is its parent."""
    write_bank({"basics": [record("alpha")], "scaling": []})
    monkeypatch.chdir(tmp_path)
    return Path("content")


def problems(content_dir: Path) -> list[str]:
    """Every problem load_bank reports, rendered as the CLI prints it."""
    with pytest.raises(ContentError) as caught:
        load_bank(content_dir)
    return [str(problem) for problem in caught.value.problems]


def timed_problems(content_dir: Path) -> tuple[list[str], float]:
    started = time.perf_counter()
    found = problems(content_dir)
    return found, time.perf_counter() - started


def test_the_base_record_is_valid(content: Path) -> None:
    (content / "basics" / "010-beta.yaml").write_text(BETA, encoding="utf-8")
    bank = load_bank(content)
    assert [entry.id for entry in bank.entries] == ["alpha", "beta"]


def test_explicit_document_markers_around_one_document_are_fine(content: Path) -> None:
    (content / "basics" / "010-beta.yaml").write_text(f"---\n{BETA}...\n", encoding="utf-8")
    assert load_bank(content).by_id["beta"].record.question == "What is beta?"


@pytest.mark.parametrize("text, expected", [
    pytest.param(beta("  mistakes: A mistake about beta.\n", ""),
                 ["6:1: error: answer.mistakes: field required"], id="missing-section-points-at-answer-key"),
    pytest.param(beta("mistakes: A mistake about beta.", "mistakes: ''"),
                 ["10:13: error: answer.mistakes: must not be empty"], id="empty-section"),
    pytest.param(beta("mistakes: A mistake about beta.", 'mistakes: " \\t  "'),
                 ["10:13: error: answer.mistakes: must not be empty"], id="whitespace-only-section"),
    pytest.param(beta("mistakes: A mistake about beta.\n", "mistakes: |\n\n    \n"),
                 ["10:13: error: answer.mistakes: must not be empty"], id="blank-block-scalar-section"),
    pytest.param(beta("mistakes: A mistake about beta.", "mistakes:"),
                 ["10:12: error: answer.mistakes: expected text, found nothing"], id="null-section"),
    pytest.param(beta("  mistakes:", "  mistake:"),
                 ["6:1: error: answer.mistakes: field required",
                  "10:3: error: answer.mistake: unknown field 'mistake' (did you mean 'mistakes'?)"],
                 id="unknown-key-did-you-mean"),
    pytest.param(beta("difficulty:", "dificulty:"),
                 ["1:1: error: difficulty: field required",
                  "3:1: error: dificulty: unknown field 'dificulty' (did you mean 'difficulty'?)"],
                 id="unknown-top-level-key-did-you-mean"),
    pytest.param(beta("difficulty: medium", "difficulty: hardd") + "  short: Short answer, again.\n",
                 ["3:13: error: difficulty: 'hardd' is not one of: 'easy', 'medium' or 'hard' (did you mean 'hard'?)",
                  "12:3: error: duplicate key 'short'"],
                 id="duplicate-key-and-the-file's-other-errors"),
    pytest.param(beta("id: beta", "id: Beta_2"), [f"1:5: error: id: 'Beta_2' {NOT_A_SLUG}"], id="id-not-a-slug"),
    pytest.param(beta("tags: [testing]", "tags: [testing, Machine Learning]"),
                 [f"4:17: error: tags[1]: 'Machine Learning' {NOT_A_SLUG}"], id="tag-not-a-slug"),
    pytest.param(beta("tags: [testing]", f"tags: [testing, {'a' * 41}]"),
                 ["4:17: error: tags[1]: 41 characters, over the limit of 40"], id="tag-too-long"),
    pytest.param(beta("tags: [testing]", f"tags: [{', '.join(['testing'] * 51)}]"),
                 [f"4:{len('tags: [') + len('testing, ') * 50 + 1}: error: tags: 51 entries, over the limit of 50"],
                 id="51-tags-even-if-repeated"),
    pytest.param(beta("see_also: [alpha]", f"see_also: [{', '.join(['alpha'] * 51)}]"),
                 [(f"5:{len('see_also: [') + len('alpha, ') * 50 + 1}: error: see_also: 51 entries, over the limit "
                  "of 50")], id="51-see-also"),
    pytest.param(beta("difficulty: medium", "difficulty: extreme"),
                 ["3:13: error: difficulty: 'extreme' is not one of: 'easy', 'medium' or 'hard'"],
                 id="bad-difficulty"),
    pytest.param(beta("difficulty: medium", "difficulty: Medium"),
                 ["3:13: error: difficulty: 'Medium' is not one of: 'easy', 'medium' or 'hard' (did you mean 'medium'?)"],
                 id="wrong-case-difficulty-did-you-mean"),
    pytest.param(beta("difficulty: medium", "difficulty: extreme").replace("see_also: [alpha]", "see_also: [alpah]"),
                 ["3:13: error: difficulty: 'extreme' is not one of: 'easy', 'medium' or 'hard'",
                  "5:12: error: see_also[0]: no record has the id 'alpah' (did you mean 'alpha'?)"],
                 id="a-bad-field-hides-no-bad-see-also"),
    pytest.param(beta("  mistakes: A mistake about beta.\n", "").replace("question: What is beta?",
                                                                       "question: What is alpha?"),
                 ["2:11: error: question: same question as content/basics/000-alpha.yaml",
                  "6:1: error: answer.mistakes: field required"],
                 id="a-missing-section-hides-no-repeated-question"),
    pytest.param(beta("difficulty: medium", "difficulty: extreme").replace("id: beta", "id: alpha")
                 .replace("see_also: [alpha]\n", ""),
                 ["1:5: error: id: duplicate id 'alpha', also used by content/basics/000-alpha.yaml",
                  "3:13: error: difficulty: 'extreme' is not one of: 'easy', 'medium' or 'hard'"],
                 id="a-bad-field-hides-no-duplicate-id"),
    pytest.param(beta("answer:\n", "answer:\n  \"note\\n\": x\n"),
                 ["7:3: error: answer.'note\\n': unknown field 'note\\n'"],
                 id="a-key-with-a-newline-stays-on-one-line"),
    pytest.param(beta("tags: [testing]", "tags: testing, ml"),
                 ["4:7: error: tags: expected a list, found text 'testing, ml'"], id="tags-not-a-list"),
    pytest.param(beta("see_also: [alpha]", "see_also: [alpah]"),
                 ["5:12: error: see_also[0]: no record has the id 'alpah' (did you mean 'alpha'?)"],
                 id="see-also-missing-id-did-you-mean"),
    pytest.param(beta("see_also: [alpha]", "see_also: [zeta-function]"),
                 ["5:12: error: see_also[0]: no record has the id 'zeta-function'"],
                 id="see-also-missing-id-nothing-close"),
    pytest.param(beta("see_also: [alpha]", "see_also: [alpha, beta]"),
                 ["5:19: error: see_also[1]: a record cannot refer to itself"], id="see-also-itself"),
    pytest.param(beta("question: What is beta?", "question: what IS... alpha!"),
                 [f"2:11: error: question: same question as {ALPHA_FILE}"],
                 id="same-question-up-to-case-and-punctuation"),
    pytest.param(beta("  deep_dive:", " deep_dive:"),
                 ["8:2: error: invalid YAML: did not find expected key (while parsing a block mapping)"],
                 id="broken-syntax-indentation"),
    pytest.param(beta("question: What is beta?", 'question: "What is beta?'),
                 ["12:1: error: invalid YAML: found unexpected end of stream (while scanning a quoted scalar)"],
                 id="broken-syntax-unclosed-quote"),
    pytest.param(beta("  short:", "\tshort:"),
                 [("7:1: error: invalid YAML: found character that cannot start any token "
                  "(while scanning for the next token)")], id="tab-indentation"),
    pytest.param("- id: beta\n- question: What is beta?\n",
                 ["1:1: error: expected a mapping of fields, found a list"], id="list-instead-of-record"),
    pytest.param(BETA.split("  short:")[0] + "  - Short answer of beta.\n  - Deep dive of beta.\n",
                 ["7:3: error: answer: expected a mapping of fields, found a list"], id="list-instead-of-answer"),
    pytest.param("just a sentence\n", ["1:1: error: expected a mapping of fields, found text 'just a sentence'"],
                 id="text-instead-of-record"),
    pytest.param("", ["1:1: error: the file is empty"], id="empty-file"),
    pytest.param("# a question will go here\n", ["1:1: error: the file is empty"], id="comments-only"),
    pytest.param(f"{BETA}---\n{BETA}",
                 ["12:1: error: a record file holds one YAML document, found a second '---'"],
                 id="two-yaml-documents"),
    pytest.param(beta("id: beta", "id: &name beta"),
                 ["1:5: error: YAML anchors and aliases (&, *) are not allowed in content"], id="anchor"),
    pytest.param(beta("id: beta", "id: !custom beta"), ["1:5: error: unsupported YAML tag '!custom'"],
                 id="custom-tag-on-text"),
])
def test_broken_record_is_reported_at_its_line(content: Path, text: str, expected: list[str]) -> None:
    (content / "basics" / "010-beta.yaml").write_text(text, encoding="utf-8")
    assert problems(content) == [f"{BETA_FILE}:{line}" for line in expected]


def _section_line(section: str) -> tuple[int, str]:
    """The number and text of BETA's line holding this answer section."""
    lines = BETA.splitlines(keepends=True)
    number = next(number for number, text in enumerate(lines, start=1) if text.startswith(f"  {section}: "))
    return number, lines[number - 1]


# Spelt out rather than taken from the model: a section the model stopped requiring must fail these tests.
ANSWER_SECTIONS = ("short", "deep_dive", "example", "mistakes", "in_production")


@pytest.mark.parametrize("section", ANSWER_SECTIONS)
def test_every_answer_section_is_required(content: Path, section: str) -> None:
    _, line = _section_line(section)
    (content / "basics" / "010-beta.yaml").write_text(beta(line, ""), encoding="utf-8")
    assert problems(content) == [f"{BETA_FILE}:6:1: error: answer.{section}: field required"]


@pytest.mark.parametrize("section", ANSWER_SECTIONS)
def test_no_answer_section_may_be_empty(content: Path, section: str) -> None:
    number, line = _section_line(section)
    (content / "basics" / "010-beta.yaml").write_text(beta(line, f"  {section}: ''\n"), encoding="utf-8")
    column = len(f"  {section}: ") + 1
    assert problems(content) == [f"{BETA_FILE}:{number}:{column}: error: answer.{section}: must not be empty"]


@pytest.mark.parametrize("data, expected", [
    pytest.param(beta("What is beta?", "What is a café?").encode("latin-1"),
                 ":2:1: error: not UTF-8 text (byte 0xe9); save the file as UTF-8", id="latin-1"),
    pytest.param(BETA.encode("utf-16"), ":1:1: error: not UTF-8 text (byte 0xff); save the file as UTF-8",
                 id="utf-16"),
    pytest.param(BETA.encode() + b"\x00\x01\x02", ": error: contains NUL bytes; is it a binary file?", id="binary"),
])
def test_file_that_is_not_utf8_text_is_reported(content: Path, data: bytes, expected: str) -> None:
    (content / "basics" / "010-beta.yaml").write_bytes(data)
    assert problems(content) == [BETA_FILE + expected]


def test_a_see_also_to_an_invalid_record_is_not_reported_again(content: Path) -> None:
    """One mistake, one error: the record is broken, but it exists, so the records linking to it are not."""
    (content / "basics" / "010-beta.yaml").write_text(beta("  mistakes: A mistake about beta.\n", ""),
                                                      encoding="utf-8")
    for name in ("gamma", "delta"):
        linking = beta("id: beta", f"id: {name}").replace("What is beta?", f"What is {name}?")
        (content / "scaling" / f"010-{name}.yaml").write_text(linking.replace("see_also: [alpha]", "see_also: [beta]"),
                                                              encoding="utf-8")
    assert problems(content) == [f"{BETA_FILE}:6:1: error: answer.mistakes: field required"]


def test_repeats_in_an_invalid_record_are_reported_with_its_errors(content: Path) -> None:
    (content / "basics" / "010-beta.yaml").write_text(
        beta("difficulty: medium", "difficulty: extreme").replace("tags: [testing]", "tags: [testing, testing]"),
        encoding="utf-8")
    assert problems(content) == [
        f"{BETA_FILE}:3:13: error: difficulty: 'extreme' is not one of: 'easy', 'medium' or 'hard'",
        f"{BETA_FILE}:4:17: warning: tags[1]: 'testing' is listed again (first at 4:8); it is kept once [duplicate-entry]"]


def test_a_file_name_with_a_newline_is_quoted_so_its_problem_is_one_line(content: Path) -> None:
    (content / "basics" / "010-be\nta.yaml").write_text("", encoding="utf-8")
    assert problems(content) == ["'content/basics/010-be\\nta.yaml':1:1: error: the file is empty"]


def test_a_topic_folder_link_that_loops_is_one_located_error(content: Path) -> None:
    (content / "scaling").rmdir()
    (content / "scaling").symlink_to("scaling")
    (content / "elsewhere").symlink_to("elsewhere")
    assert problems(content) == ["content/elsewhere: error: symbolic link loop: the link leads back to itself",
                                 "content/scaling: error: symbolic link loop: the link leads back to itself"]


def test_duplicate_id_across_two_files_names_the_first_file(content: Path) -> None:
    (content / "scaling" / "010-beta.yaml").write_text(
        beta("id: beta", "id: alpha").replace("see_also: [alpha]\n", ""), encoding="utf-8")
    assert problems(content) == [
        f"content/scaling/010-beta.yaml:1:5: error: id: duplicate id 'alpha', also used by {ALPHA_FILE}"]


def test_topic_folder_not_declared_in_book(content: Path) -> None:
    (content / "extra").mkdir()
    (content / "extra" / "010-beta.yaml").write_text(BETA, encoding="utf-8")
    assert problems(content) == [
        "content/extra: error: topic folder is not declared in book.yaml; add it under 'topics:' (id: extra)"]


def test_declared_topic_without_folder(content: Path) -> None:
    (content / "book.yaml").write_text(
        "title: Test Handbook\ntopics:\n  - id: basics\n    title: Basics\n  - id: scaling\n    title: Scaling\n",
        encoding="utf-8")
    (content / "scaling").rmdir()
    assert problems(content) == [
        "content/book.yaml:5:9: error: topics[1].id: topic 'scaling' has no folder content/scaling/"]


def test_declared_topic_without_folder_names_the_actual_content_folder(
        write_bank: BankWriter, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    write_bank({"basics": [record("alpha")], "scaling": []}, folder="bank")
    (tmp_path / "bank" / "scaling").rmdir()
    monkeypatch.chdir(tmp_path)
    [found] = problems(Path("bank"))
    assert found.endswith("topic 'scaling' has no folder bank/scaling/")


def test_two_topic_titles_anki_takes_for_one_deck_are_reported_naming_both(content: Path) -> None:
    (content / "book.yaml").write_text(
        "title: Test Handbook\ntopics:\n  - id: basics\n    title: Basics\n  - id: scaling\n    title: 'BASICS:'\n",
        encoding="utf-8")
    assert problems(content) == [
        ("content/book.yaml:6:12: error: topics[1].title: 'BASICS:' names the same Anki deck as 'Basics' at "
        "content/book.yaml:4:12 (Anki ignores case, and spaces and colons at either end)")]


def test_record_directly_in_content_folder(content: Path) -> None:
    (content / "beta.yaml").write_text(BETA, encoding="utf-8")
    assert problems(content) == [
        "content/beta.yaml: error: a record belongs in a topic folder: content/<topic>/<name>.yaml"]


def test_directory_named_like_a_record(content: Path) -> None:
    (content / "basics" / "010-beta.yaml").mkdir()
    assert problems(content) == [f"{BETA_FILE}: error: is a directory, expected a YAML file"]


def test_broken_symlink(content: Path) -> None:
    (content / "basics" / "010-beta.yaml").symlink_to("no-such-file.yaml")
    assert problems(content) == [f"{BETA_FILE}: error: broken symbolic link"]


@pytest.mark.parametrize("relative", [False, True], ids=["absolute-target", "relative-target"])
def test_symlink_pointing_outside_content_is_refused(content: Path, tmp_path: Path, relative: bool) -> None:
    outside = tmp_path / "outside.yaml"
    outside.write_text(BETA, encoding="utf-8")  # a valid record: only where it lives is wrong
    link = content / "basics" / "010-beta.yaml"
    link.symlink_to(os.path.relpath(outside, link.parent) if relative else outside.resolve())
    assert problems(content) == [f"{BETA_FILE}: error: symbolic link points outside the content folder"]


def test_topic_folder_symlinked_outside_content_is_refused(content: Path, tmp_path: Path) -> None:
    outside = tmp_path / "elsewhere"
    outside.mkdir()
    (outside / "010-beta.yaml").write_text(beta("see_also: [alpha]\n", ""), encoding="utf-8")
    (content / "scaling").rmdir()
    (content / "scaling").symlink_to(outside.resolve(), target_is_directory=True)
    [found] = problems(content)
    assert found.startswith("content/scaling")


def _open_fifo_for_writing_once_blocked(fifo: Path, stop: threading.Event) -> None:
    """After a second, play the writer a reader of `fifo` waits for, so a loader stuck on it returns."""
    if stop.wait(1.0):
        return
    while not stop.is_set():
        try:
            os.close(os.open(fifo, os.O_WRONLY | os.O_NONBLOCK))
            return
        except OSError:  # no reader (yet)
            stop.wait(0.01)


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="needs named pipes")
def test_named_pipe_named_like_a_record_is_refused_without_waiting(content: Path) -> None:
    fifo = content / "basics" / "010-beta.yaml"
    os.mkfifo(fifo)
    stop = threading.Event()
    threading.Thread(target=_open_fifo_for_writing_once_blocked, args=(fifo, stop), daemon=True).start()
    try:
        found, elapsed = timed_problems(content)
    finally:
        stop.set()
    assert elapsed < 0.5, f"load_bank waited {elapsed:.1f} s for a writer on a named pipe"
    assert [line.split(":")[0] for line in found] == [BETA_FILE]


def test_file_of_exactly_the_size_limit_is_read(content: Path) -> None:
    text = BETA + "#" * (MAX_FILE_BYTES - len(BETA) - 1) + "\n"
    (content / "basics" / "010-beta.yaml").write_text(text, encoding="utf-8")
    assert len(load_bank(content).entries) == 2


@pytest.mark.parametrize("size, expected", [
    (MAX_FILE_BYTES + 1, "file is 1,048,577 bytes, over the limit of 1,048,576"),
    (2**30, "file is 1,073,741,824 bytes, over the limit of 1,048,576"),  # sparse: fast only if never read
], ids=["one-byte-over", "one-gibibyte"])
def test_file_over_the_size_limit_is_refused_fast(content: Path, size: int, expected: str) -> None:
    path = content / "basics" / "010-beta.yaml"
    path.write_text(BETA, encoding="utf-8")
    os.truncate(path, size)
    found, elapsed = timed_problems(content)
    assert found == [f"{BETA_FILE}: error: {expected}"]
    assert elapsed < 1.0


def test_alias_bomb_is_refused_fast(content: Path) -> None:
    (content / "basics" / "010-beta.yaml").write_text(ALIAS_BOMB, encoding="utf-8")
    found, elapsed = timed_problems(content)
    assert found == [f"{BETA_FILE}:1:4: error: YAML anchors and aliases (&, *) are not allowed in content"]
    assert elapsed < 1.0  # a guard against expanding the aliases, not a benchmark


@pytest.mark.parametrize("text, expected", [
    ("[" * 10_000 + "]" * 10_000, ("1:1001: error: invalid YAML: exceeded maximum nesting depth "
                                  "(while increasing flow level)")),
    ("{a: " * 10_000 + "}" * 10_000, "1:65: error: nested deeper than 16 levels"),
    ("- " * 10_000 + "x", "1:33: error: nested deeper than 16 levels"),
], ids=["flow-lists", "flow-mappings", "block-lists"])
def test_pathological_nesting_is_refused_fast(content: Path, text: str, expected: str) -> None:
    (content / "basics" / "010-beta.yaml").write_text(text + "\n", encoding="utf-8")
    found, elapsed = timed_problems(content)  # pytest.raises(ContentError) inside: a RecursionError fails it
    assert found == [f"{BETA_FILE}:{expected}"]
    assert elapsed < 1.0


@pytest.mark.parametrize("field, line", [("tags", 4), ("see_also", 5)])
def test_sixty_thousand_entries_are_refused_fast(content: Path, field: str, line: int) -> None:
    """Bounded before any work that grows faster than the list (a see_also entry is matched against every id)."""
    entries = [f"t{number}" for number in range(60_000)]
    text = re.sub(f"^{field}: .*$", f"{field}: [{', '.join(entries)}]", BETA, flags=re.MULTILINE)
    (content / "basics" / "010-beta.yaml").write_text(text, encoding="utf-8")
    found, elapsed = timed_problems(content)
    column = len(f"{field}: [") + len(", ".join(entries[:50]) + ", ") + 1
    assert found == [f"{BETA_FILE}:{line}:{column}: error: {field}: 60,000 entries, over the limit of 50"]
    assert elapsed < 1.0


def test_too_many_distinct_tags_in_the_bank_is_reported_once_where_it_goes_over(content: Path) -> None:
    # alpha's one tag, then 41 records of 50 new tags, each of 40 characters (both at their limit): the 2,001st
    # distinct tag is the last one of r39, the 40th record.
    def tags(number: int) -> list[str]:
        return [f"r{number}-t{index}-".ljust(40, "x") for index in range(50)]

    for number in range(41):
        text = beta("tags: [testing]", f"tags: [{', '.join(tags(number))}]").replace("see_also: [alpha]\n", "")
        text = text.replace("id: beta", f"id: r{number}").replace("What is beta?", f"What is r{number}?")
        (content / "scaling" / f"{number:03d}-r{number}.yaml").write_text(text, encoding="utf-8")
    *before, over = tags(39)
    column = len("tags: [") + len(", ".join(before) + ", ") + 1
    assert problems(content) == [(f"content/scaling/039-r39.yaml:4:{column}: error: tags[49]: {over!r} makes 2,001 "
                                 "distinct tags in the bank, over the limit of 2,000")]


def test_python_tag_is_refused_and_never_runs(content: Path) -> None:
    (content / "basics" / "010-beta.yaml").write_text(
        beta("id: beta", "id: !!python/object/apply:os.system 'touch pwned'"), encoding="utf-8")
    [found] = problems(content)
    assert found.startswith(f"{BETA_FILE}:")
    assert "'!!python/object/apply:os.system'" in found
    assert not Path("pwned").exists()


def test_python_tag_is_reported_at_its_line(content: Path) -> None:
    (content / "basics" / "010-beta.yaml").write_text(
        beta("id: beta", "id: !!python/object/apply:os.system 'touch pwned'"), encoding="utf-8")
    [found] = problems(content)
    assert found.startswith(f"{BETA_FILE}:1:5: error: ")


@pytest.mark.parametrize("text", [
    pytest.param("!!python/object/new:os.system\n" + BETA, id="python-tag-on-the-record"),
    pytest.param(beta("tags: [testing]", "tags: !!python/object/apply:os.system [testing]"),
                 id="python-tag-on-a-list"),
    pytest.param(beta("answer:", "answer: !custom"), id="custom-tag-on-a-mapping"),
])
def test_tag_on_a_mapping_or_list_is_refused(content: Path, text: str) -> None:
    (content / "basics" / "010-beta.yaml").write_text(text, encoding="utf-8")
    [found] = problems(content)
    assert found.startswith(f"{BETA_FILE}:") and "tag" in found


@pytest.mark.parametrize("line", [
    pytest.param("id: !!bool maybe", id="bool-not-a-bool"),
    pytest.param("id: !!int ''", id="empty-int"),
    pytest.param("id: !!float ''", id="empty-float"),
    pytest.param("id: 0x" + "f" * 4000, id="huge-hex"),
    pytest.param("id: " + "9" * 5000, id="huge-decimal"),
    pytest.param("id: !!int abc", id="bad-int"),
])
def test_malformed_scalar_is_a_content_error(content: Path, line: str) -> None:
    (content / "basics" / "010-beta.yaml").write_text(beta("id: beta", line), encoding="utf-8")
    assert [found.split(":")[0] for found in problems(content)] == [BETA_FILE]


def test_control_character_is_one_line_with_its_position(content: Path) -> None:
    (content / "basics" / "010-beta.yaml").write_text(beta("What is beta?", "What is \x07beta?"),
                                                      encoding="utf-8")
    [found] = problems(content)
    assert "\n" not in found
    assert found.startswith(f"{BETA_FILE}:2:")


@pytest.mark.parametrize("text, allowed", [
    pytest.param(BETA + "title: Beta\n", set(Question.model_fields), id="book-field-in-a-record"),
    pytest.param(BETA + "  question: Why?\n", set(Answer.model_fields), id="record-field-in-answer"),
])
def test_did_you_mean_only_suggests_fields_of_that_mapping(content: Path, text: str, allowed: set[str]) -> None:
    (content / "basics" / "010-beta.yaml").write_text(text, encoding="utf-8")
    [found] = problems(content)
    suggestion = re.search(r"did you mean '(\w+)'", found)
    assert suggestion is None or suggestion.group(1) in allowed, found


def test_every_problem_of_a_broken_bank_is_reported_at_once(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(FIXTURES)
    expected = (FIXTURES / "broken-bank.problems").read_text(encoding="utf-8").splitlines()
    found = problems(Path("broken-bank"))
    assert found == expected
    assert len(found) == 13
    assert len({line.split(":")[0] for line in found}) == 9  # each broken file and folder: none stopped the run


REPEATS = beta("tags: [testing]", "tags: [testing, ml, testing]").replace(
    "see_also: [alpha]", "see_also:\n  - alpha\n  - alpha")


def test_repeated_list_entries_are_kept_once_with_a_warning_naming_each_repeat(content: Path) -> None:
    (content / "basics" / "010-beta.yaml").write_text(REPEATS, encoding="utf-8")
    bank = load_bank(content)
    assert [str(warning) for warning in bank.warnings] == [
        f"{BETA_FILE}:4:21: warning: tags[2]: 'testing' is listed again (first at 4:8); it is kept once [duplicate-entry]",
        f"{BETA_FILE}:7:5: warning: see_also[1]: 'alpha' is listed again (first at 6:5); it is kept once [duplicate-entry]",
    ]
    record = bank.by_id["beta"].record
    assert (record.tags, record.see_also) == (["testing", "ml"], ["alpha"])
    assert [entry.id for entry in bank.tags["testing"]] == ["alpha", "beta"]


def test_repeated_list_entries_are_errors_when_strict(content: Path) -> None:
    (content / "basics" / "010-beta.yaml").write_text(REPEATS, encoding="utf-8")
    with pytest.raises(ContentError) as caught:
        check_strictly(content, TEMPLATES)
    repeats = [problem for problem in caught.value.problems if problem.rule == "duplicate-entry"]
    assert [problem.severity for problem in repeats] == ["error", "error"]


def test_repeated_list_entries_are_shown_once_in_every_output(content: Path) -> None:
    """Collapsed at load: the handbook's index of tags and the cheat-sheet never learn there was a repeat."""
    (content / "basics" / "010-beta.yaml").write_text(
        REPEATS.replace("[testing, ml, testing]", "[testing, testing, testing]"), encoding="utf-8")
    bank = load_bank(content)
    settings = Settings(templates_dir=TEMPLATES, source_date=FIXED_DATE, source_date_fixed=True)
    handbook = " ".join(re.sub(r"<[^>]+>", "", HTML.render(bank, settings, HTML.options())[HTML.filename].decode()).split())
    sheet = MD.render(bank, settings, MD.options())[MD.filename].decode()
    assert handbook.endswith("Index of tags testing1.1, 1.2")
    assert "`testing` `testing`" not in sheet
    assert re.findall("See also:.*", sheet) == ["See also: [1.1 What is alpha?](#11-what-is-alpha)"]


def test_invalid_book_does_not_stop_the_records_being_checked(content: Path) -> None:
    (content / "book.yaml").write_text(yaml.safe_dump({"title": "T", "topics": []}), encoding="utf-8")
    (content / "basics" / "010-beta.yaml").write_text(beta("difficulty: medium", "difficulty: extreme"),
                                                      encoding="utf-8")
    assert problems(content) == [
        f"{BETA_FILE}:3:13: error: difficulty: 'extreme' is not one of: 'easy', 'medium' or 'hard'",
        "content/book.yaml:2:9: error: topics: must not be empty",
    ]


def test_a_file_dated_in_the_future_gets_one_warning_with_the_fix(content: Path) -> None:
    record_file = content / "basics" / "000-alpha.yaml"
    os.utime(record_file, (4_084_000_000, 4_084_000_000))  # 2099
    bank = load_bank(content)
    (warning,) = bank.warnings
    assert str(warning) == ("content/basics/000-alpha.yaml: warning: modified in the future (2099-06-01 12:26 UTC), "
                            "so taken as modified now; run `touch content/basics/000-alpha.yaml` to fix it")
    assert max(entry.modified for entry in bank.entries) <= time.time()
