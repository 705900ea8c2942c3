"""Ctrl-C must stop a build even when Python swallows it inside a destructor."""

from __future__ import annotations

import subprocess
import sys

SCRIPT = """
import os, signal
from prepbook import interrupts
interrupts.catch_ctrl_c()

class Finalised:
    def __del__(self):
        os.kill(os.getpid(), signal.SIGINT)  # as if Ctrl-C arrived while a destructor runs

Finalised()
print("the build carries on")
interrupts.check()
print("and writes its outputs")
"""


def test_ctrl_c_swallowed_by_a_destructor_still_stops_the_build_before_writing() -> None:
    finished = subprocess.run([sys.executable, "-c", SCRIPT], capture_output=True, text=True, timeout=60)
    assert finished.stdout == "the build carries on\n"
    assert "KeyboardInterrupt" in finished.stderr
    assert "Exception ignored" not in finished.stderr
