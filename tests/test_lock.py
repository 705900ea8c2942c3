"""One build at a time per output folder: a second build waits, a dead build's lock does not block."""

from __future__ import annotations

import functools
import io
import signal
import subprocess
import sys
import threading
import time
import zipfile
from collections.abc import Iterator
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

import prepbook.lock
from prepbook.cli import main
from tests.conftest import TEMPLATES, BankWriter, record

pytestmark = pytest.mark.skipif(sys.platform == "win32", reason="builds are kept apart by flock")

HOLDER = """
import sys
from pathlib import Path
from prepbook import lock
with lock.holding(Path(sys.argv[1]), lock.wait_silently):
    print("holding", flush=True)
    sys.stdin.read()  # until the test closes stdin or kills it
"""


@pytest.fixture
def content(write_bank: BankWriter) -> Path:
    return write_bank({"topic": [record("first")]})


@pytest.fixture
def holder(tmp_path: Path) -> Iterator[subprocess.Popen[str]]:
    """Another build, holding the lock on tmp_path/build until its stdin closes."""
    process = subprocess.Popen([sys.executable, "-c", HOLDER, str(tmp_path / "build")], stdin=subprocess.PIPE,
                               stdout=subprocess.PIPE, text=True)
    assert process.stdout is not None and process.stdout.readline() == "holding\n"
    yield process
    if process.poll() is None:
        process.kill()
        process.wait()


def build_md(content: Path, out: Path) -> Result:
    return CliRunner().invoke(main, ["build", "md", "--content", str(content), "--templates", str(TEMPLATES),
                                     "--out", str(out)])


def test_the_lock_leaves_no_trace_once_released(tmp_path: Path) -> None:
    out = tmp_path / "a" / "build"
    with prepbook.lock.holding(out, prepbook.lock.wait_silently):
        assert out.is_dir()
    assert list(tmp_path.iterdir()) == []


def test_a_second_build_says_whom_it_waits_for_and_then_builds(
        content: Path, tmp_path: Path, holder: subprocess.Popen[str]) -> None:
    out = tmp_path / "build"
    assert holder.stdin is not None
    # The holder ends its build normally, removing the lock file the waiting build has open.
    threading.Timer(1, holder.stdin.close).start()
    started = time.monotonic()
    result = build_md(content, out)
    assert result.exit_code == 0, result.output
    assert time.monotonic() - started > 0.9
    assert result.stderr.splitlines()[0] == f"prepbook: waiting for the build in {out}/ (pid {holder.pid}) to finish"
    assert (out / "cheatsheet.md").is_file()
    assert not (out / ".prepbook-cache" / "lock").exists()


def test_the_lock_of_a_killed_build_does_not_block(content: Path, tmp_path: Path,
                                                   holder: subprocess.Popen[str]) -> None:
    holder.send_signal(signal.SIGKILL)
    holder.wait()
    assert (tmp_path / "build" / ".prepbook-cache" / "lock").exists()  # a kill -9 leaves the file, not the lock
    result = build_md(content, tmp_path / "build")
    assert result.exit_code == 0, result.output
    assert "waiting" not in result.stderr
    assert not (tmp_path / "build" / ".prepbook-cache" / "lock").exists()


def test_a_build_that_waits_too_long_stops_with_one_line_and_exit_3(
        content: Path, tmp_path: Path, holder: subprocess.Popen[str], monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(prepbook.lock, "holding", functools.partial(prepbook.lock.holding, limit=0.5))
    out = tmp_path / "build"
    result = build_md(content, out)
    assert result.exit_code == 3, result.output
    assert "Traceback" not in result.output
    assert result.stderr.splitlines() == [
        f"prepbook: waiting for the build in {out}/ (pid {holder.pid}) to finish",
        (f"prepbook: error: the build in {out}/ (pid {holder.pid}) did not finish within 0.5 seconds; "
        "try again once it has"),
    ]
    assert not (out / "cheatsheet.md").exists()


def test_the_wait_limit_is_ten_minutes() -> None:
    assert prepbook.lock.WAIT_LIMIT_SECONDS == 600


# --- two builds of different content into one folder -------------------------------------------------------------

# Writes the outputs the way two racing builds would if nothing kept them apart: the first build writes two
# outputs, then lets the second write all three before it writes its last. Whichever build holds the lock goes
# on as soon as the other is waiting for it.
# The PDF is stood in for by the records' ids: the race is in the writing, and laying out would only be slow.
CHOREOGRAPHED_BUILD = """
import sys, time
from pathlib import Path
import prepbook.build
import prepbook.render.pdf
from prepbook.cli import run

role, markers = sys.argv.pop(1), Path(sys.argv.pop(1))
commit, build = prepbook.build.commit, prepbook.build.build

def wait_for(*names):
    deadline = time.monotonic() + 60
    while not any((markers / name).exists() for name in names):
        assert time.monotonic() < deadline, names
        time.sleep(0.02)

def committing(folder, files):
    # One output at a time, so that two builds could interleave if nothing kept them apart.
    changed = {}
    for name in sorted(files):
        if role == "second" and name == "cheatsheet.md":
            wait_for("first wrote two", "first waits")
        changed.update(commit(folder, {name: files[name]}))
        if role == "first" and name == "deck.apkg":
            (markers / "first wrote two").touch()
            wait_for("second wrote three", "second waits")
    if role == "second":
        (markers / "second wrote three").touch()
    return changed

def building(*arguments, **options):
    if "on_wait" in options:
        told = options["on_wait"]
        def waiting(holder):
            (markers / f"{role} waits").touch()
            told(holder)
        options["on_wait"] = waiting
    return build(*arguments, **options)

prepbook.build.commit = committing
prepbook.build.build = building
prepbook.render.pdf.PdfRenderer.render = lambda self, bank, settings, options: {
    self.filename: " ".join(entry.record.id for entry in bank.entries).encode()}
sys.argv = ["prepbook", *sys.argv[1:]]
run()
"""


def _which(out: Path) -> dict[str, set[str]]:
    """Which of the two banks' questions each output holds."""
    texts = {
        "handbook.pdf": (out / "handbook.pdf").read_text(encoding="utf-8"),
        "cheatsheet.md": (out / "cheatsheet.md").read_text(encoding="utf-8"),
        "deck.apkg": zipfile.ZipFile(io.BytesIO((out / "deck.apkg").read_bytes())).read(
            "collection.anki2").decode("utf-8", "replace"),
    }
    return {name: {word for word in ("zebra", "yak") if word in text} for name, text in texts.items()}


def test_two_builds_of_different_content_into_one_folder_leave_the_outputs_of_one(
        write_bank: BankWriter, tmp_path: Path) -> None:
    banks = {"first": write_bank({"topic": [record("zebra")]}, folder="zebra"),
             "second": write_bank({"topic": [record("yak")]}, folder="yak")}
    script = tmp_path / "choreographed_build.py"
    script.write_text(CHOREOGRAPHED_BUILD, encoding="utf-8")
    out = tmp_path / "build"
    builds = [subprocess.Popen([sys.executable, str(script), role, str(tmp_path), "build", "all",
                                "--content", str(bank), "--templates", str(TEMPLATES), "--out", str(out)],
                               stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
              for role, bank in banks.items()]
    finished = [(build.wait(timeout=120), build.communicate()[1]) for build in builds]
    assert [code for code, _ in finished] == [0, 0], finished
    outputs = _which(out)
    assert list(outputs.values()) in ([{"zebra"}] * 3, [{"yak"}] * 3), outputs
    # "for the build in build/ (pid N)", or "for another build in build/" when the holder has not written its pid yet
    assert sum("prepbook: waiting for " in stderr for _, stderr in finished) == 1
