"""What a long build is doing, as it does it: each stage names its work and counts it in the units it names
("laying out 10 chapters", counted in chapters). The CLI draws them; the rest of prepbook only reports them.
Counts of things read the same everywhere prepbook prints one."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass


def count(number: int, unit: str) -> str:
    """'1 chapter', '1,000 records'."""
    return f"{number:,} {plural(number, unit)}"


def plural(number: int, unit: str) -> str:
    return unit if number == 1 else f"{unit}s"


@dataclass(frozen=True)
class Stage:
    title: str  # what is being done, as the user reads it: "laying out 10 chapters"
    total: int
    unit: str  # what `total` counts, singular: "chapter"

    @classmethod
    def counting(cls, doing: str, total: int, unit: str) -> Stage:
        """The usual stage, whose title says how many units it does: ("laying out", 10, "chapter")."""
        return cls(f"{doing} {count(total, unit)}", total, unit)


# Called as work advances: the stage, and how many of its units are done.
Progress = Callable[[Stage, int], None]


def no_progress(stage: Stage, done: int) -> None:
    """Progress goes nowhere unless the caller asks for it."""
