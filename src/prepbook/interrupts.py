"""Ctrl-C that cannot be lost on the way.

Python ignores an exception raised inside a destructor, and WeasyPrint's objects have destructors that run
in the middle of a build: a KeyboardInterrupt that lands in one is printed as "Exception ignored" and the
build carries on to write its outputs. The handler below also remembers the request, and the build checks
it before it writes anything.
"""

from __future__ import annotations

import signal
import sys
from types import FrameType

_requested = False


def catch_ctrl_c() -> None:
    signal.signal(signal.SIGINT, _on_ctrl_c)
    sys.unraisablehook = _quiet_about_ctrl_c


def _quiet_about_ctrl_c(unraisable: sys.UnraisableHookArgs) -> None:
    """The interrupt swallowed by a destructor is reported once, by the CLI: no "Exception ignored" trace."""
    if not isinstance(unraisable.exc_value, KeyboardInterrupt):
        sys.__unraisablehook__(unraisable)


def check() -> None:
    """Raise KeyboardInterrupt if Ctrl-C was pressed, even if the first one was swallowed."""
    if _requested:
        raise KeyboardInterrupt


def _on_ctrl_c(signal_number: int, frame: FrameType | None) -> None:
    global _requested
    _requested = True
    raise KeyboardInterrupt
