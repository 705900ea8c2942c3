"""Property tests: whatever a record file holds, load_bank returns a Bank or raises ContentError, nothing else.

Each example overwrites one record file in a bank that is otherwise valid (written once per module), so a
ContentError can only come from that file and a crash anywhere in reading or validating it fails the property.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any, TypeVar

import pytest
import yaml
from hypothesis import given, settings
from hypothesis import strategies as st

from prepbook.bank import Bank
from prepbook.errors import ContentError
from prepbook.load import load_bank
from prepbook.models import Answer, Question
from tests.conftest import record

RECORD_TEXT = yaml.safe_dump(record("beta", see_also=["alpha"]), sort_keys=False, allow_unicode=True)
YAML_SYNTAX = "-:?,[]{}#&*!|>'\"%@` \t\n"

fast = settings(max_examples=150, deadline=None)
Raw = TypeVar("Raw", str, bytes)


@pytest.fixture(scope="module")
def fuzzed_file(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The path of the record file each example writes, in a bank whose other files are valid."""
    content = tmp_path_factory.mktemp("bank") / "content"
    content.mkdir()
    (content / "book.yaml").write_text("title: Fuzzed\ntopics:\n  - id: basics\n    title: Basics\n",
                                       encoding="utf-8")
    (content / "basics").mkdir()
    (content / "basics" / "000-alpha.yaml").write_text(yaml.safe_dump(record("alpha")), encoding="utf-8")
    return content / "basics" / "010-fuzzed.yaml"


def assert_loads_cleanly(fuzzed: Path) -> None:
    """A Bank, or a ContentError whose every problem names the fuzzed file (the rest of the bank is valid) and
    says what is wrong; any other exception propagates and fails the test."""
    try:
        bank = load_bank(fuzzed.parents[1])
    except ContentError as error:
        assert error.problems
        for problem in error.problems:
            assert problem.path.endswith(fuzzed.name) and problem.message, problem
            assert problem.line is None or problem.line >= 1, problem
            assert problem.column is None or problem.column >= 1, problem
    else:
        assert isinstance(bank, Bank)


def splice(original: Raw, at: int, inserted: Raw, removed: int) -> Raw:
    """`original` with `removed` characters at `at` replaced by `inserted`: a valid record, damaged once."""
    at = at % (len(original) + 1)
    return original[:at] + inserted + original[at + removed:]


yaml_like_text = st.text(alphabet=st.one_of(st.sampled_from(YAML_SYNTAX), st.characters(codec="utf-8")),
                         max_size=300)
damaged_text = st.builds(splice, st.just(RECORD_TEXT), st.integers(min_value=0), yaml_like_text,
                         st.integers(min_value=0, max_value=20))
damaged_bytes = st.builds(splice, st.just(RECORD_TEXT.encode()), st.integers(min_value=0),
                          st.binary(max_size=50), st.integers(min_value=0, max_value=20))

scalars = st.one_of(st.none(), st.booleans(), st.integers(), st.floats(), st.text(max_size=30))
# Keys are often real field names, so documents get past "unknown field" into the checks of each field.
keys = st.one_of(st.sampled_from(sorted({*Question.model_fields, *Answer.model_fields})), st.text(max_size=10))
values = st.recursive(scalars, lambda children: st.one_of(
    st.lists(children, max_size=4), st.dictionaries(keys, children, max_size=4),
), max_leaves=25)


def record_with(overrides: dict[str, Any], answer_overrides: dict[str, Any]) -> dict[str, Any]:
    data = record("beta", answer=answer_overrides)
    data.update(overrides)
    return data


record_like = st.builds(record_with, st.dictionaries(keys, values, max_size=3), st.dictionaries(keys, values, max_size=3))


@fast
@given(data=st.one_of(st.binary(max_size=500), damaged_bytes))
def test_arbitrary_bytes_load_cleanly(fuzzed_file: Path, data: bytes) -> None:
    fuzzed_file.write_bytes(data)
    assert_loads_cleanly(fuzzed_file)


@fast
@given(document=st.one_of(values, record_like))
def test_arbitrary_yaml_documents_load_cleanly(fuzzed_file: Path, document: Any) -> None:
    fuzzed_file.write_text(yaml.safe_dump(document, allow_unicode=True), encoding="utf-8")
    assert_loads_cleanly(fuzzed_file)


@fast
@given(text=st.one_of(yaml_like_text, damaged_text))
def test_arbitrary_text_loads_cleanly(fuzzed_file: Path, text: str) -> None:
    fuzzed_file.write_text(text, encoding="utf-8")
    assert_loads_cleanly(fuzzed_file)
