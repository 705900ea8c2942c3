"""Ctrl-C that cannot be lost on the way, and an interrupted build that ends the way shells expect.

Python ignores an exception raised inside a destructor, and WeasyPrint's objects have destructors that run
in the middle of a build (FontConfiguration's, about half the time a Ctrl-C lands): the KeyboardInterrupt is
swallowed and the build carries on for as long as it has left. The destructor's unraisable-exception hook
below raises it again at the first function call or return after the destructor. The handler also
remembers the request, and the build checks it before it writes anything, in case library code catches the
interrupt outright.

An interrupted build ends the way Python ends on an uncaught Ctrl-C: exit handlers run, then the process
kills itself with SIGINT, so a shell shows status 130 and a script running prepbook stops too. Exiting
with code 130 instead was not even deterministic: an interrupt that lands inside code run by eval()
(cssselect2 compiles selectors that way) makes CPython end by SIGINT anyway.
"""

from __future__ import annotations

import signal
import sys
from types import FrameType, TracebackType
from typing import NoReturn

_requested = False


def catch_ctrl_c() -> None:
    signal.signal(signal.SIGINT, _on_ctrl_c)
    sys.unraisablehook = _redeliver_swallowed_ctrl_c


def _redeliver_swallowed_ctrl_c(unraisable: sys.UnraisableHookArgs) -> None:
    """No "Exception ignored" trace for the interrupt a destructor swallowed: raise it again, outside."""
    if isinstance(unraisable.exc_value, KeyboardInterrupt):
        # Not by signalling again: the handler would run inside this hook, whose exceptions are swallowed too.
        sys.setprofile(_interrupt_after_this_hook)
    else:
        sys.__unraisablehook__(unraisable)


def _interrupt_after_this_hook(frame: FrameType, event: str, arg: object) -> None:
    """Raise KeyboardInterrupt at the next call or return once the hook has returned."""
    if frame.f_code is _redeliver_swallowed_ctrl_c.__code__:
        return
    sys.setprofile(None)
    raise KeyboardInterrupt


def check() -> None:
    """Raise KeyboardInterrupt if Ctrl-C was pressed, even if the interrupt was caught and dropped."""
    if _requested:
        raise KeyboardInterrupt


def _on_ctrl_c(signal_number: int, frame: FrameType | None) -> None:
    global _requested
    _requested = True
    raise KeyboardInterrupt


def release() -> None:
    """Give Ctrl-C back to Python for the interpreter's exit, where a second one must stop only that handler."""
    signal.signal(signal.SIGINT, signal.default_int_handler)
    sys.unraisablehook = sys.__unraisablehook__


def end_as_interrupted() -> NoReturn:
    """Leave as Python leaves on an uncaught Ctrl-C: exit handlers, then SIGINT to itself. The CLI said why."""
    sys.excepthook = _say_no_more_of_ctrl_c
    raise KeyboardInterrupt from None


def _say_no_more_of_ctrl_c(kind: type[BaseException], value: BaseException, trace: TracebackType | None) -> None:
    if not issubclass(kind, KeyboardInterrupt):
        sys.__excepthook__(kind, value, trace)
