"""A progress bar on the terminal for long builds (silent when stderr is not a terminal, as in CI)."""

from __future__ import annotations

from types import TracebackType
from typing import Never, Self

from tqdm import tqdm


class ProgressBar:
    """A prepbook.render.Progress that draws one tqdm bar per stage ("laying out chapters", ...)."""

    def __init__(self) -> None:
        self._bar: tqdm[Never] | None = None  # a bar with no iterable: the stubs say tqdm[Never]
        self._stage = ""

    def __call__(self, what: str, done: int, total: int) -> None:
        bar = self._bar
        if bar is None or what != self._stage:
            self.close()
            self._stage = what
            bar = tqdm(total=total, desc=what, unit="part", leave=False, disable=None)
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
