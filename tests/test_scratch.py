"""The workers' temporary folder: a build removes the folders of builds that have ended, and only those."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import tempfile
from pathlib import Path

import pytest

from prepbook.render import scratch

pytestmark = pytest.mark.skipif(sys.platform == "win32", reason="the folders are told apart by flock")

KILLED_BUILD = """
import os, sys, tempfile
from prepbook.render import scratch
tempfile.tempdir = sys.argv[1]
with scratch.folder() as folder:
    print(folder, flush=True)
    sys.stdin.read()  # until the test kills it
"""


@pytest.fixture
def temporary(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path))
    return tmp_path


def test_the_folder_goes_when_its_build_ends(temporary: Path) -> None:
    with scratch.folder() as folder:
        (Path(folder) / "fonts.ttf").write_bytes(b"3 MB of fonts")
    assert not list(temporary.iterdir())


def test_a_build_removes_the_folder_of_a_build_that_was_killed(temporary: Path) -> None:
    killed = subprocess.Popen([sys.executable, "-c", KILLED_BUILD, str(temporary)], stdin=subprocess.PIPE,
                              stdout=subprocess.PIPE, text=True)
    assert killed.stdout is not None
    left = Path(killed.stdout.readline().strip())
    killed.send_signal(signal.SIGKILL)
    killed.wait()
    assert left.is_dir() and left.name.startswith(f"{scratch.PREFIX}{killed.pid}-")
    with scratch.folder() as folder:
        assert sorted(temporary.iterdir()) == [Path(folder)]


def test_a_build_leaves_the_folders_of_running_builds(temporary: Path) -> None:
    with scratch.folder() as running, scratch.folder() as later:
        assert sorted(temporary.iterdir()) == sorted([Path(running), Path(later)])


def test_a_build_leaves_a_folder_being_made_and_folders_not_its_own(temporary: Path) -> None:
    being_made = temporary / f"{scratch.PREFIX}{os.getpid()}-new"
    being_made.mkdir()
    (being_made / "owner").touch()  # made, not yet locked: its build is about to write its pid
    without_owner = temporary / f"{scratch.PREFIX}made-by-an-older-prepbook"
    without_owner.mkdir()
    with scratch.folder() as folder:
        assert sorted(temporary.iterdir()) == sorted([being_made, without_owner, Path(folder)])
