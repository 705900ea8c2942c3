"""Ctrl-C must stop a build even when Python swallows it inside a destructor."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from pathlib import Path

import pytest

SWALLOWED = """
import os, signal
from prepbook import interrupts
interrupts.catch_ctrl_c()

class Finalised:
    def __del__(self):
        os.kill(os.getpid(), signal.SIGINT)  # as if Ctrl-C arrived while a destructor runs

def carry_on():
    print("the build carries on")

Finalised()
carry_on()
"""

CAUGHT = """
import os, signal
from prepbook import interrupts
interrupts.catch_ctrl_c()

try:  # library code that catches everything
    os.kill(os.getpid(), signal.SIGINT)
except BaseException:
    pass
print("the build carries on")
interrupts.check()
print("and writes its outputs")
"""


def test_ctrl_c_swallowed_by_a_destructor_stops_the_build_as_soon_as_the_destructor_returns() -> None:
    finished = subprocess.run([sys.executable, "-c", SWALLOWED], capture_output=True, text=True, timeout=60)
    assert finished.stdout == ""
    assert finished.stderr.rstrip().endswith("KeyboardInterrupt")
    assert "Exception ignored" not in finished.stderr


def test_ctrl_c_caught_by_library_code_still_stops_the_build_before_writing() -> None:
    finished = subprocess.run([sys.executable, "-c", CAUGHT], capture_output=True, text=True, timeout=60)
    assert finished.stdout == "the build carries on\n"
    assert finished.stderr.rstrip().endswith("KeyboardInterrupt")


INTERRUPTED_BUILD = """
import os, signal
from prepbook.cli import _run

def build():
    {interrupt}

_run(build, debug=False)
"""
CTRL_C = "os.kill(os.getpid(), signal.SIGINT)"


@pytest.mark.skipif(os.name != "posix", reason="a process ends by a signal only on POSIX")
@pytest.mark.parametrize("interrupt", [CTRL_C, f"eval({CTRL_C!r})"], ids=["in-code", "in-eval"])
def test_an_interrupted_build_ends_by_sigint_after_one_line(interrupt: str, tmp_path: Path) -> None:
    # Run as a module, like `python -m prepbook`: CPython then ends by SIGINT at exit whenever a Ctrl-C passed
    # through code run by eval(), caught or not. Both cases must end the same way, so a shell shows 130 and a
    # calling script stops.
    (tmp_path / "interrupted_build.py").write_text(INTERRUPTED_BUILD.format(interrupt=interrupt), encoding="utf-8")
    command = [sys.executable, "-m", "interrupted_build"]
    finished = subprocess.run(command, capture_output=True, text=True, timeout=60, cwd=tmp_path)
    assert finished.returncode == -signal.SIGINT
    assert finished.stderr == "prepbook: interrupted; outputs are as they were before this build.\n"
    in_a_shell = subprocess.run(["sh", "-c", '"$@"; echo "$?"', "sh", *command],
                                capture_output=True, text=True, timeout=60, cwd=tmp_path)
    assert in_a_shell.stdout == "130\n"
