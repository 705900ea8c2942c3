"""`prepbook stats`: exact counts of a small bank, as JSON for scripts and as a table to read."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from prepbook.cli import main
from tests.conftest import BankWriter, record


@pytest.fixture
def content(write_bank: BankWriter, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.chdir(tmp_path)
    words = {"short": "One **two** `three`.", "deep_dive": "One two three four five six seven."}
    return write_bank({
        "basics": [record("alpha", difficulty="easy", tags=["testing", "caching"], see_also=["gamma"],
                          answer=words),
                   record("beta", tags=["testing"], see_also=["alpha", "gamma"])],
        "scaling": [record("gamma", difficulty="easy", tags=["sharding", "testing"])],
        "empty": [],
    })


def test_stats_json_counts_the_bank_exactly(content: Path) -> None:
    result = CliRunner().invoke(main, ["stats", "--content", "content", "--format", "json"])
    assert result.exit_code == 0, result.output
    # conftest's sections: "Short answer of beta." (4 words), "Deep dive of beta: first point second point" (8),
    # "Example of beta." (3), "A mistake about beta. Another one." (6), "A production story about beta." (5).
    assert json.loads(result.stdout) == {
        "records": 3,
        "by_topic": {"basics": 2, "scaling": 1, "empty": 0},
        "by_difficulty": {"easy": 2, "medium": 1, "hard": 0},
        "by_tag": {"testing": 3, "caching": 1, "sharding": 1},
        "section_words": {
            "short": {"shortest": 3, "median": 4, "longest": 4},
            "deep_dive": {"shortest": 7, "median": 8, "longest": 8},
            "example": {"shortest": 3, "median": 3, "longest": 3},
            "mistakes": {"shortest": 6, "median": 6, "longest": 6},
            "in_production": {"shortest": 5, "median": 5, "longest": 5},
        },
        "unlinked": ["beta"],
    }


def test_stats_table_lines_up_what_json_says(content: Path) -> None:
    result = CliRunner().invoke(main, ["stats", "--content", "content"])
    assert result.exit_code == 0, result.output
    lines = result.stdout.splitlines()
    assert lines[0] == "3 records"
    assert lines[lines.index("Difficulty  Records") + 1:][:3] == ["easy              2", "medium            1",
                                                                   "hard              0"]
    assert "Short answer               3       4        4" in lines
    assert lines[-1] == "Linked to by no see_also (1): beta"
