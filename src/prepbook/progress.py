"""A progress bar on the terminal for long builds (silent when stderr is not a terminal, as in CI)."""

from __future__ import annotations

from types import TracebackType
from typing import Never, Self

from tqdm import tqdm

from prepbook.stages import Stage, plural


class ProgressBar:
    """A prepbook.stages.Progress that draws one tqdm bar per stage: "laying out 10 chapters: 3/10 chapters". A
    finished stage's bar stays until the next one starts, so the screen always says what the build is doing."""

    def __init__(self) -> None:
        self._bar: tqdm[Never] | None = None  # a bar with no iterable: the stubs say tqdm[Never]
        self._stage: Stage | None = None

    def __call__(self, stage: Stage, done: int) -> None:
        bar = self._bar
        if bar is None or stage != self._stage:
            self.close()
            self._stage = stage
            units = plural(stage.total, stage.unit)
            bar = tqdm(total=stage.total, desc=stage.title, leave=False, disable=None,
                       bar_format="{desc}: {percentage:3.0f}%|{bar}| {n_fmt}/{total_fmt} " + units +
                                  " [{elapsed}<{remaining}]")
            self._bar = bar
        bar.update(done - bar.n)

    def close(self) -> None:
        if self._bar is not None:
            self._bar.close()
            self._bar = None

    def __enter__(self) -> Self:
        return self

    def __exit__(self, kind: type[BaseException] | None, error: BaseException | None,
                 traceback: TracebackType | None) -> None:
        self.close()
