"""A long build says what it is doing, stage by stage, each counted in the units it names."""

from __future__ import annotations

import dataclasses
import io
from pathlib import Path

import pytest

from prepbook.build import build
from prepbook.load import load_bank
from prepbook.progress import ProgressBar
from prepbook.render import Settings
from prepbook.stages import Stage
from tests.conftest import BankWriter, record


class Recorder:
    def __init__(self) -> None:
        self.reports: list[tuple[Stage, int]] = []

    def __call__(self, stage: Stage, done: int) -> None:
        self.reports.append((stage, done))

    def stages(self) -> list[Stage]:
        return list(dict.fromkeys(stage for stage, _ in self.reports))

    def counts(self, stage: Stage) -> list[int]:
        return [done for reported, done in self.reports if reported == stage]


@pytest.fixture
def three_topics(write_bank: BankWriter) -> Path:
    return write_bank({"first": [record("alpha"), record("beta")], "second": [record("gamma")],
                       "third": [record("delta"), record("epsilon", see_also=["alpha"])]})


def test_loading_counts_every_record_from_the_start(three_topics: Path) -> None:
    recorder = Recorder()
    load_bank(three_topics, progress=recorder)
    assert recorder.stages() == [Stage("loading 5 records", 5, "record")]
    assert recorder.counts(recorder.stages()[0]) == [0, 1, 2, 3, 4, 5]


@pytest.mark.weasyprint
def test_a_pdf_build_names_each_stage_and_counts_its_units(three_topics: Path, tmp_path: Path,
                                                          settings: Settings) -> None:
    recorder = Recorder()
    build(["pdf"], three_topics, dataclasses.replace(settings, progress=recorder), {"jobs": 2}, tmp_path / "out")
    stages = recorder.stages()
    pages = stages[-1].total
    assert stages == [
        Stage("loading 5 records", 5, "record"),
        Stage("preparing 3 chapters", 3, "chapter"),
        Stage("laying out 3 chapters", 3, "chapter"),
        Stage("laying out the contents and the index", 2, "part"),
        Stage(f"numbering {pages:,} pages", pages, "page"),
        Stage(f"assembling {pages:,} pages", pages, "page"),
    ]
    for stage in stages:
        counts = recorder.counts(stage)
        assert counts[0] == 0 and counts[-1] == stage.total, stage
        assert all(0 <= done <= stage.total for done in counts), stage


class _Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


@pytest.mark.parametrize("stream, shown", [(_Terminal(), True), (io.StringIO(), False)], ids=["terminal", "pipe"])
def test_the_bar_says_the_stage_and_counts_in_its_units_only_on_a_terminal(
        monkeypatch: pytest.MonkeyPatch, stream: io.StringIO, shown: bool) -> None:
    monkeypatch.setattr("sys.stderr", stream)
    with ProgressBar() as progress:
        progress(Stage.counting("laying out", 10, "chapter"), 0)
        progress(Stage.counting("laying out", 10, "chapter"), 3)
    drawn = stream.getvalue()
    assert ("laying out 10 chapters:" in drawn and "0/10 chapters" in drawn) is shown
    assert bool(drawn) is shown
