"""Ctrl-C, SIGTERM and SIGHUP stop a build the same way, and a stopped build ends the way shells expect.

`timeout`, CI runners and `docker stop` send SIGTERM, a closed terminal sends SIGHUP: each is handled like
Ctrl-C, so the build unwinds (workers stopped, temporary files removed, no output touched) and the CLI says so
in one line. The handler also remembers the request, and the build checks it between parts and before it
writes anything, so an interrupt that library code catches still stops the build. A signal that lands in a
destructor (WeasyPrint's FontConfiguration.__del__ runs in the middle of a build) raises nothing: Python
would swallow the exception there and print it as "Exception ignored"; the check at the end of the part
stops the build instead.

A stopped build then ends the way Python ends on an uncaught Ctrl-C: exit handlers run, then the process
kills itself with the signal that stopped it, so a shell shows 128 + its number (130, 143, 129) and a script
running prepbook stops too. Exiting with status 130 instead was not even deterministic: an interrupt that
lands inside code run by eval() (cssselect2 compiles selectors that way) makes CPython end by SIGINT anyway.
The handlers are installed for the length of one command only: a host process calling the CLI in-process
(tests, click's CliRunner) gets an exit code and its own handlers back.
"""

from __future__ import annotations

import atexit
import contextlib
import os
import signal
import sys
from collections.abc import Iterator
from types import FrameType
from typing import NoReturn

# SIGHUP does not exist on Windows.
STOPPING: tuple[signal.Signals, ...] = tuple(
    getattr(signal, name) for name in ("SIGINT", "SIGTERM", "SIGHUP") if hasattr(signal, name))

_requested: signal.Signals | None = None


@contextlib.contextmanager
def stopping_on_signals() -> Iterator[None]:
    """Within the block, each stopping signal raises KeyboardInterrupt and is remembered for check()."""
    global _requested
    _requested = None
    previous = {number: signal.signal(number, _on_signal) for number in STOPPING}
    try:
        yield
    finally:
        _requested = None
        for number, handler in previous.items():
            # None is a handler installed outside Python, which cannot be put back: the default is closest.
            signal.signal(number, signal.SIG_DFL if handler is None else handler)


def _on_signal(number: int, frame: FrameType | None) -> None:
    global _requested
    _requested = signal.Signals(number)
    if _in_a_destructor(frame):
        # Python would swallow the exception and print it as "Exception ignored"; check() stops the build at
        # the end of the part instead.
        return
    raise KeyboardInterrupt


def _in_a_destructor(frame: FrameType | None) -> bool:
    while frame is not None:
        if frame.f_code.co_name == "__del__":
            return True
        frame = frame.f_back
    return False


def check() -> None:
    """Raise KeyboardInterrupt if a stopping signal arrived, even if its interrupt was caught or lost."""
    if _requested is not None:
        raise KeyboardInterrupt


def requested() -> signal.Signals:
    """The signal that stopped the build; a KeyboardInterrupt raised by other means counts as Ctrl-C."""
    return _requested or signal.SIGINT


def end_by(number: signal.Signals) -> NoReturn:
    """End the process by the signal, after the exit handlers, as Python does for Ctrl-C. The CLI said why.

    Call it once the handlers are back to what they were, so that a second Ctrl-C while exiting stops only
    the exit handler it lands in.
    """
    # Python runs the exit handlers itself only on the way out of the interpreter, too late to signal after.
    atexit._run_exitfuncs()
    for stream in (sys.stdout, sys.stderr):
        with contextlib.suppress(OSError, ValueError):  # closed or a broken pipe: nothing left to lose
            stream.flush()
    signal.signal(number, signal.SIG_DFL)
    os.kill(os.getpid(), number)
    raise SystemExit(128 + number)  # where a process cannot end by a signal
