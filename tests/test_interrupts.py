"""Ctrl-C must stop a build even when Python swallows it inside a destructor."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from click.testing import CliRunner

import prepbook.build
import prepbook.load
from prepbook import interrupts
from prepbook.cli import main
from prepbook.render import NoOptions, Settings
from prepbook.stages import Stage
from tests.conftest import CONTENT

SWALLOWED = """
import os, signal
from prepbook import interrupts

class Finalised:
    def __del__(self):
        os.kill(os.getpid(), signal.SIGINT)  # as if Ctrl-C arrived while a destructor runs

with interrupts.stopping_on_signals():
    Finalised()
    print("the part carries on")
    interrupts.check()  # where the part ends
    print("the next part")
"""

CAUGHT = """
import os, signal
from prepbook import interrupts

with interrupts.stopping_on_signals():
    try:  # library code that catches everything
        os.kill(os.getpid(), signal.SIGINT)
    except BaseException:
        pass
    print("the build carries on")
    interrupts.check()
    print("and writes its outputs")
"""


def test_ctrl_c_in_a_destructor_is_not_printed_and_stops_the_build_where_the_part_ends() -> None:
    # Python swallows an exception raised in a destructor and prints it as "Exception ignored"
    finished = subprocess.run([sys.executable, "-c", SWALLOWED], capture_output=True, text=True, timeout=60, check=False)
    assert finished.stdout == "the part carries on\n"
    assert finished.stderr.rstrip().endswith("KeyboardInterrupt")
    assert "Exception ignored" not in finished.stderr


def test_ctrl_c_caught_by_library_code_still_stops_the_build_before_writing() -> None:
    finished = subprocess.run([sys.executable, "-c", CAUGHT], capture_output=True, text=True, timeout=60, check=False)
    assert finished.stdout == "the build carries on\n"
    assert finished.stderr.rstrip().endswith("KeyboardInterrupt")


class _LosesCtrlC:
    """Sends Ctrl-C from its destructor, where an exception would be swallowed, as WeasyPrint's can."""

    def __del__(self) -> None:
        os.kill(os.getpid(), signal.SIGINT)


@pytest.mark.weasyprint  # the laid-out parts' module imports WeasyPrint
def test_a_ctrl_c_lost_in_a_part_stops_the_layout_where_that_part_ends(settings: Settings) -> None:
    from prepbook.render.layout import LaidOut
    from prepbook.render.partcache import PartCache
    from prepbook.render.pdf import _Layouts

    laid_out = []

    def run(tasks: list[tuple[int, str, str, int]]) -> Iterator[tuple[int, LaidOut]]:
        for index, *_ in tasks:
            laid_out.append(index)
            _LosesCtrlC()
            yield index, LaidOut(b"", [])

    layouts = _Layouts(settings, run, PartCache(None, "templates"))
    with interrupts.stopping_on_signals(), pytest.raises(KeyboardInterrupt):
        layouts.many(Stage.counting("laying out", 3, "chapter"), ["<p>first</p>", "<p>second</p>", "<p>third</p>"],
                     [1, 1, 1])
    assert laid_out == [0]


def test_a_ctrl_c_lost_in_one_format_stops_the_build_before_the_next(
        settings: Settings, monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    rendered = []

    class Renderer:
        options = NoOptions

        def __init__(self, name: str) -> None:
            self.name = self.filename = name

        def render(self, bank: object, settings: Settings, options: NoOptions) -> dict[str, bytes]:
            rendered.append(self.name)
            _LosesCtrlC()
            return {self.filename: b""}

    monkeypatch.setattr(prepbook.build, "get_renderer", Renderer)
    with interrupts.stopping_on_signals(), pytest.raises(KeyboardInterrupt):
        prepbook.build.build(["first", "second"], CONTENT, settings, {}, tmp_path / "build")
    assert rendered == ["first"]


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


TERMINATED = "prepbook: terminated; outputs are as they were before this build.\n"


@pytest.mark.skipif(os.name != "posix", reason="a process ends by a signal only on POSIX")
@pytest.mark.parametrize("signal_number", [signal.SIGTERM, signal.SIGHUP], ids=["SIGTERM", "SIGHUP"])
def test_sigterm_and_sighup_end_the_build_by_that_signal_after_one_line(signal_number: int, tmp_path: Path) -> None:
    # timeout, CI runners and docker stop send SIGTERM; a closed terminal sends SIGHUP.
    script = _write_build(tmp_path, f"os.kill(os.getpid(), {int(signal_number)})")
    command = [sys.executable, str(script)]
    finished = subprocess.run(command, capture_output=True, text=True, timeout=60, cwd=tmp_path, check=False)
    assert finished.returncode == -signal_number
    assert finished.stderr == TERMINATED
    assert finished.stdout == "exit handlers ran\n"
    in_a_shell = subprocess.run(["sh", "-c", '"$@" > /dev/null 2>&1; echo "$?"', "sh", *command],
                                capture_output=True, text=True, timeout=60, cwd=tmp_path, check=False)
    assert in_a_shell.stdout == f"{128 + signal_number}\n"


HOST_SIGNALS = ("SIGINT", "SIGTERM", "SIGHUP")


def _host_hook(*arguments: object) -> None:
    raise AssertionError("the host's own hooks and handlers are not meant to run")


def _host_state() -> tuple[object, ...]:
    handlers = tuple(signal.getsignal(getattr(signal, name)) for name in HOST_SIGNALS)
    return sys.unraisablehook, sys.excepthook, sys.getprofile(), *handlers


@pytest.mark.skipif(os.name != "posix", reason="SIGHUP exists only on POSIX")
@pytest.mark.parametrize("load_bank", ["returns", "raises KeyboardInterrupt", "receives SIGTERM"])
def test_main_in_process_leaves_the_hosts_hooks_and_handlers_as_they_were(
        load_bank: str, monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    def loading(folder: Path, strict: bool = False) -> object:
        if load_bank == "raises KeyboardInterrupt":
            raise KeyboardInterrupt
        if load_bank == "receives SIGTERM":
            os.kill(os.getpid(), signal.SIGTERM)
        return type("Bank", (), {"entries": [], "chapters": [], "warnings": ()})()

    monkeypatch.setattr(prepbook.load, "load_bank", loading)
    # A host with hooks and handlers of its own, which must be the ones in place afterwards.
    monkeypatch.setattr(sys, "unraisablehook", _host_hook)
    monkeypatch.setattr(sys, "excepthook", _host_hook)
    previous = {name: signal.signal(getattr(signal, name), _host_hook) for name in HOST_SIGNALS}
    try:
        result = CliRunner().invoke(main, ["validate", "--content", str(tmp_path)])
        after = _host_state()
    finally:
        for name, handler in previous.items():
            signal.signal(getattr(signal, name), handler)
    assert result.exit_code == {"returns": 0, "raises KeyboardInterrupt": 130, "receives SIGTERM": 143}[load_bank]
    assert after == (_host_hook, _host_hook, None, _host_hook, _host_hook, _host_hook)
