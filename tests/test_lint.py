"""`prepbook lint` and `validate --strict`: each reviewer's rule fires on its case, names its fix, and is silenced
for one record by that record's comment; near-duplicate detection is exact and fast on 10,000 questions."""

from __future__ import annotations

import itertools
import random
import time
from collections.abc import Callable
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from prepbook.cli import main
from prepbook.rules import RULES
from prepbook.similar import close_words, edit_distance, jaccard, similar_pairs
from tests.conftest import TEMPLATES

SENTENCE = "Every section of this record says enough for a reader to act on it, with a reason and a case. "


def section(words: str = SENTENCE) -> str:
    return f"|\n    {words}\n"


def record_text(record_id: str, question: str, tags: str = "[testing]", **sections: str) -> str:
    answer = {key: sections.get(key, section()) for key in ("short", "deep_dive", "example", "mistakes",
                                                           "in_production")}
    return (f"id: {record_id}\nquestion: {question}\ndifficulty: medium\ntags: {tags}\nanswer:\n"
            + "".join(f"  {key}: {text}" for key, text in answer.items()))


BOOK = "title: Lint Handbook\ntopics:\n  - id: basics\n    title: Basics\n"
ALPHA = record_text("alpha", "How does a stale cache slow down the busy leader?", tags="[caching, testing]")
BETA_FILE = "content/basics/020-beta.yaml"
Writer = Callable[..., None]


def beta(**changes: str) -> str:
    return record_text("beta", changes.pop("question", "Why would you shard a table by tenant?"), **changes)


def invoke(*args: str) -> Result:
    result = CliRunner().invoke(main, list(args))
    assert result.exception is None or isinstance(result.exception, SystemExit), result.exception
    return result


def lint(*extra: str) -> Result:
    return invoke("lint", "--content", "content", "--templates", str(TEMPLATES), *extra)


@pytest.fixture
def write(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Writer:
    """Write the bank: book.yaml (plus `book`), alpha, and the given beta; cwd is the content folder's parent."""
    monkeypatch.chdir(tmp_path)

    def writer(beta_text: str, book: str = "") -> None:
        (tmp_path / "content" / "basics").mkdir(parents=True, exist_ok=True)
        (tmp_path / "content" / "book.yaml").write_text(BOOK + book, encoding="utf-8")
        (tmp_path / "content" / "basics" / "010-alpha.yaml").write_text(ALPHA, encoding="utf-8")
        (tmp_path / BETA_FILE).write_text(beta_text, encoding="utf-8")

    return writer


def test_a_clean_bank_has_nothing_to_say(write: Writer) -> None:
    write(beta())
    result = lint()
    assert (result.exit_code, result.stderr) == (0, "2 questions in 1 topic: nothing to say.\n")


LONG = " ".join(["word"] * 61)
CASES = {
    "long-short-answer": (beta(short=section(LONG)),
                          "6:10: warning: answer.short: 61 words, over the 60 of a short answer"),
    "short-section": (beta(example="Too short.\n"),
                      "10:12: warning: answer.example: 2 word(s), under the 15 a section needs"),
    "near-duplicate": (beta(question="How does a stale cache slow down the leader?"),
                       "2:11: warning: question: 90% the same words as the question of content/basics/010-alpha.yaml"),
    "tag-typo": (beta(tags="[testing, cachng]"),
                 ("4:17: warning: tags[1]: 'cachng' is on this record only, and 'caching' (1 record(s)) is within "
                  "2 edit(s) of it")),
    "bidi-control": (beta(deep_dive=section(SENTENCE + "Access \u202e level")),
                     "9:106: warning: answer.deep_dive: U+202E RIGHT-TO-LEFT OVERRIDE: a bidirectional control"),
    "missing-glyph": (beta(mistakes=section(SENTENCE + "A hieroglyph \U00013000 here.")),
                      ("13:112: warning: answer.mistakes: U+13000 EGYPTIAN HIEROGLYPH A001: in no bundled font, so "
                       "it prints as a box")),
    "duplicate-entry": (beta(tags="[testing, testing]"),
                        "4:17: warning: tags[1]: 'testing' is listed again (first at 4:8)"),
}


def test_every_rule_has_a_case() -> None:
    assert set(CASES) == set(RULES)


@pytest.mark.parametrize("rule", CASES)
def test_each_rule_fires_with_its_fix_and_its_comment_silences_it(write: Writer, rule: str) -> None:
    text, expected = CASES[rule]
    write(text)
    result = lint()
    assert result.exit_code == 0, result.output
    assert result.stderr.splitlines() == [f"{BETA_FILE}:{expected}; {RULES[rule].fix} [{rule}]",
                                          "2 questions in 1 topic: 1 warning(s)."]
    write(f"# prepbook: allow {rule}\n{text}")
    assert lint().stderr == "2 questions in 1 topic: nothing to say.\n"


def test_a_comment_silences_only_the_rules_it_names(write: Writer) -> None:
    write("# prepbook: allow short-section, bidi-control\n" + beta(example="Too short.\n", tags="[testing, testing]"))
    assert [line.rsplit(" ", 1)[-1] for line in lint().stderr.splitlines()[:-1]] == ["[duplicate-entry]"]


def test_an_unknown_rule_in_a_comment_is_a_warning(write: Writer) -> None:
    write("# prepbook: allow short-sections\n" + beta())
    [warning] = invoke("validate", "--content", "content").stderr.splitlines()[:-1]
    assert warning.startswith(f"{BETA_FILE}:1:19: warning: no rule is named 'short-sections'; did you mean "
                              "'short-section'? rules: long-short-answer, ")


def test_thresholds_are_set_in_book_yaml(write: Writer) -> None:
    write(beta(question="How does a stale cache slow down the leader?", tags="[testing, cachng]"),
          book="lint:\n  short_answer_max_words: 10\n  section_min_words: 0\n  near_duplicate_similarity: 0.95\n"
               "  tag_typo_edits: 0\n")
    found = [line.rsplit(" ", 1)[-1] for line in lint().stderr.splitlines()[:-1]]
    assert found == ["[long-short-answer]", "[long-short-answer]"]


def test_a_threshold_out_of_range_is_a_located_error(write: Writer) -> None:
    write(beta(), book="lint:\n  near_duplicate_similarity: 0.3\n")
    result = lint()
    assert result.exit_code == 1
    assert result.stderr.splitlines()[0] == ("content/book.yaml:6:30: error: lint.near_duplicate_similarity: input "
                                             "should be greater than 0.5")


def test_validate_strict_applies_the_rules_as_errors(write: Writer) -> None:
    write(beta(example="Too short.\n"))
    assert invoke("validate", "--content", "content").exit_code == 0
    result = invoke("validate", "--strict", "--content", "content", "--templates", str(TEMPLATES))
    assert result.exit_code == 1
    assert result.stderr.splitlines() == [(f"{BETA_FILE}:10:12: error: answer.example: 2 word(s), under the 15 a "
                                           f"section needs; {RULES['short-section'].fix} [short-section]"),
                                          "1 error(s); nothing was built."]


def test_lint_without_the_fonts_is_a_usage_error(write: Writer, tmp_path: Path) -> None:
    write(beta())
    (tmp_path / "templates").mkdir()
    result = invoke("lint", "--content", "content", "--templates", "templates")
    assert (result.exit_code, result.stderr) == (2, ("prepbook: error: no folder templates/fonts: lint reads the "
                                                     "bundled fonts there to find characters that would print as "
                                                     "boxes; give --templates\n"))


def naive_pairs(sets: list[frozenset[str]], threshold: float) -> set[tuple[int, int]]:
    return {(i, j) for i, j in itertools.combinations(range(len(sets)), 2)
            if jaccard(sets[i], sets[j]) >= threshold - 1e-9}


@pytest.mark.parametrize("threshold", [0.51, 0.6, 0.7, 0.75, 0.8, 0.9, 1.0])
def test_similar_pairs_finds_exactly_the_pairs_every_comparison_would(threshold: float) -> None:
    rng = random.Random(threshold)
    vocabulary = [f"w{number}" for number in range(30)]
    base = [frozenset(rng.sample(vocabulary, rng.randint(1, 12))) for _ in range(150)]
    # Near copies of some sets: a word dropped, added or replaced, so every threshold has pairs to find.
    sets = base + [frozenset((set(words) - {rng.choice(sorted(words))}) | {rng.choice(vocabulary)}) for words in base]
    found = {(i, j) for i, j, _ in similar_pairs(sets, threshold)}
    assert found == naive_pairs(sets, threshold)
    assert found


def synthetic_questions(count: int) -> list[frozenset[str]]:
    """Questions cut from a few templates and a small vocabulary, like bench/synth.py's: the hard case, where
    thousands of questions share most of their words."""
    rng = random.Random(16)
    shapes = ["how does a {} {} affect the {} under load", "what is the difference between a {} {} and a {}",
              "when does a {} {} fail and how would you detect it {}", "why would you choose a {} {} over a {}"]
    adjectives = [f"adjective{number}" for number in range(40)]
    nouns = [f"noun{number}" for number in range(60)]
    return [frozenset(rng.choice(shapes).format(rng.choice(adjectives), rng.choice(nouns), rng.choice(nouns)).split())
            for _ in range(count)]


def test_near_duplicates_of_10000_questions_take_under_5_seconds() -> None:
    questions = synthetic_questions(10_000)
    started = time.perf_counter()
    pairs = sum(1 for _ in similar_pairs(questions, 0.8))
    elapsed = time.perf_counter() - started
    assert pairs > 1_000  # the templates make many: the search is not fast by finding nothing
    assert elapsed < 5.0, f"{elapsed:.1f} s"


@pytest.mark.parametrize("first, second, distance", [
    ("caching", "cachng", 1), ("caching", "cashing", 1), ("latency", "latnecy", 2), ("cpu", "gpu", 1),
    ("testing", "training", 3), ("", "ab", 2),
])
def test_edit_distance_is_levenshtein_up_to_the_limit(first: str, second: str, distance: int) -> None:
    assert edit_distance(first, second, 2) == min(distance, 3)


def test_close_words_finds_exactly_the_words_within_the_limit() -> None:
    rng = random.Random(2)
    words = sorted({"".join(rng.choice("abcde") for _ in range(rng.randint(1, 7))) for _ in range(400)})
    found = close_words(words, words, 2)
    assert found == {word: sorted(other for other in words if other != word and edit_distance(word, other, 2) <= 2)
                     for word in words}
