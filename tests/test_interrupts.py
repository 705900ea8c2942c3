"""Ctrl-C must stop a build even when Python swallows it inside a destructor."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

import prepbook.load
from prepbook.cli import main

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
    finished = subprocess.run([sys.executable, "-c", SWALLOWED], capture_output=True, text=True, timeout=60, check=False)
    assert finished.stdout == ""
    assert finished.stderr.rstrip().endswith("KeyboardInterrupt")
    assert "Exception ignored" not in finished.stderr


def test_ctrl_c_caught_by_library_code_still_stops_the_build_before_writing() -> None:
    finished = subprocess.run([sys.executable, "-c", CAUGHT], capture_output=True, text=True, timeout=60, check=False)
    assert finished.stdout == "the build carries on\n"
    assert finished.stderr.rstrip().endswith("KeyboardInterrupt")


INTERRUPTED_BUILD = """
import atexit, os, signal, sys
import prepbook.load
from prepbook.cli import run

def load_bank(folder, strict=False):
    {interrupt}

prepbook.load.load_bank = load_bank
sys.argv = ["prepbook", "validate", "--content", "."]
atexit.register(lambda: print("exit handlers ran"))
{ending}
run()
"""
CTRL_C = "os.kill(os.getpid(), signal.SIGINT)"
INTERRUPTED = "prepbook: interrupted; outputs are as they were before this build.\n"


def _write_build(folder: Path, interrupt: str = CTRL_C, ending: str = "") -> Path:
    script = folder / "interrupted_build.py"
    script.write_text(INTERRUPTED_BUILD.format(interrupt=interrupt, ending=ending), encoding="utf-8")
    return script


@pytest.mark.skipif(os.name != "posix", reason="a process ends by a signal only on POSIX")
@pytest.mark.parametrize("interrupt", [CTRL_C, f"eval({CTRL_C!r})"], ids=["in-code", "in-eval"])
@pytest.mark.parametrize("as_module", [True, False], ids=["python-m", "console-script"])
def test_an_interrupted_build_ends_by_sigint_after_one_line(interrupt: str, as_module: bool, tmp_path: Path) -> None:
    # CPython ends by SIGINT whenever a Ctrl-C passed through code run by eval(), caught or not. Both cases must
    # end the same way, after the exit handlers (multiprocessing's clean-up among them), so a shell shows 130
    # and a calling script stops.
    script = _write_build(tmp_path, interrupt)
    command = [sys.executable, "-m", script.stem] if as_module else [sys.executable, str(script)]
    finished = subprocess.run(command, capture_output=True, text=True, timeout=60, cwd=tmp_path, check=False)
    assert finished.returncode == -signal.SIGINT
    assert finished.stderr == INTERRUPTED
    assert finished.stdout == "exit handlers ran\n"
    in_a_shell = subprocess.run(["sh", "-c", '"$@" > /dev/null 2>&1; echo "$?"', "sh", *command],
                                capture_output=True, text=True, timeout=60, cwd=tmp_path, check=False)
    assert in_a_shell.stdout == "130\n"


@pytest.mark.skipif(os.name != "posix", reason="a process ends by a signal only on POSIX")
def test_a_second_ctrl_c_while_exiting_stops_only_that_exit_handler(tmp_path: Path) -> None:
    ending = "atexit.register(os.kill, os.getpid(), signal.SIGINT)  # runs first: Ctrl-C again while exiting"
    script = _write_build(tmp_path, ending=ending)
    finished = subprocess.run([sys.executable, str(script)], capture_output=True, text=True, timeout=60, cwd=tmp_path, check=False)
    assert finished.returncode == -signal.SIGINT
    assert finished.stdout == "exit handlers ran\n"


def test_a_host_process_running_the_cli_gets_exit_code_130(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    # Tests and other programs call main() in their own process: an interrupted build must not end it.
    def interrupted(folder: Path, strict: bool = False) -> None:
        raise KeyboardInterrupt

    monkeypatch.setattr(prepbook.load, "load_bank", interrupted)
    result = CliRunner().invoke(main, ["validate", "--content", str(tmp_path)])
    assert result.exit_code == 130
    assert result.output == INTERRUPTED
