"""`prepbook watch`: a change rebuilds, a problem is printed as it happens, and the served page reloads; a build is
never interrupted by a change, only followed by one more build. Loopback only, every wait bounded."""

from __future__ import annotations

import os
import queue
import signal
import subprocess
import sys
import threading
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest

from prepbook.watch import watch
from tests.conftest import TEMPLATES, BankWriter, record

WAIT = 30.0  # seconds any one step may take before the test fails: generous, for a loaded machine


class Lines:
    """A process's stderr, line by line, each waited for with a deadline."""

    def __init__(self, stream: Iterator[str]) -> None:
        self.lines: queue.Queue[str] = queue.Queue()
        threading.Thread(target=lambda: [self.lines.put(line.rstrip("\n")) for line in stream], daemon=True).start()

    def until(self, start: str) -> tuple[str, list[str]]:
        """The first line starting with `start`, and the lines before it."""
        before: list[str] = []
        deadline = time.monotonic() + WAIT
        while True:
            line = self.lines.get(timeout=max(deadline - time.monotonic(), 0.01))
            if line.startswith(start):
                return line, before
            before.append(line)


def get(url: str) -> str:
    with urllib.request.urlopen(url, timeout=WAIT) as response:
        return str(response.read().decode("utf-8"))


def first_event(url: str, events: queue.Queue[str]) -> None:
    """Put the first message of the event stream at `url` in `events`."""
    with urllib.request.urlopen(url, timeout=WAIT) as response:
        for raw in response:
            if raw.startswith(b"data:"):
                events.put(raw.decode().strip())
                return


@pytest.mark.skipif(os.name != "posix", reason="stopped with SIGINT, as Ctrl-C does")
def test_watch_rebuilds_reports_problems_and_reloads_the_served_page(write_bank: BankWriter, tmp_path: Path) -> None:
    content = write_bank({"basics": [record("alpha")]})
    source = content / "basics" / "000-alpha.yaml"
    process = subprocess.Popen(
        [sys.executable, "-m", "prepbook", "watch", "html", "--content", "content", "--out", "out",
         "--templates", str(TEMPLATES), "--port", "0"],
        cwd=tmp_path, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    try:
        assert process.stderr is not None
        lines = Lines(process.stderr)
        serving, _ = lines.until("serving the preview at ")
        url = serving.split()[4]
        assert url.startswith("http://127.0.0.1:") and url.endswith("/handbook.html")
        lines.until("built ")
        page = get(url)
        assert "What is alpha?" in page
        since = page.split("reload?since=")[1].split('"')[0]

        source.write_text(source.read_text(encoding="utf-8") + "difficulty: hard\n", encoding="utf-8")
        problem, _ = lines.until("content/basics/000-alpha.yaml:")
        assert problem.endswith("error: duplicate key 'difficulty'")
        lines.until("1 error(s); nothing was built. Waiting for a change.")

        events: queue.Queue[str] = queue.Queue()
        origin = url.rsplit("/", 1)[0]
        threading.Thread(target=first_event, args=(f"{origin}/__prepbook__/reload?since={since}", events),
                         daemon=True).start()
        source.write_text(source.read_text(encoding="utf-8").replace("difficulty: hard\n", "")
                          .replace("What is alpha?", "What is alpha, really?"), encoding="utf-8")
        lines.until("built ")
        assert events.get(timeout=WAIT) == f"data: {int(since) + 1}"
        assert "What is alpha, really?" in get(url)
    finally:
        process.send_signal(signal.SIGINT)
        process.wait(timeout=WAIT)
    assert process.returncode == -signal.SIGINT


def test_changes_during_a_build_make_one_more_build_not_an_interrupted_one(tmp_path: Path) -> None:
    watched = tmp_path / "content"
    watched.mkdir()
    started: queue.Queue[int] = queue.Queue()
    finish = [threading.Event() for _ in range(4)]
    builds: list[str] = []

    def rebuild() -> None:
        number = len(builds)
        builds.append("started")
        started.put(number)
        assert finish[number].wait(WAIT), "the test never let this build finish"
        builds[number] = "finished"

    stop = threading.Event()
    looping = threading.Thread(target=watch, args=([watched], rebuild, stop), daemon=True)
    looping.start()
    try:
        assert started.get(timeout=WAIT) == 0
        finish[0].set()
        time.sleep(0.5)  # the watcher is running by now
        (watched / "a.yaml").write_text("one", encoding="utf-8")
        assert started.get(timeout=WAIT) == 1
        for text in ("two", "three", "four"):  # three changes while build 1 runs, a few watcher steps apart
            (watched / "a.yaml").write_text(text, encoding="utf-8")
            time.sleep(0.3)
        assert builds == ["finished", "started"]  # build 1 is still running: not interrupted, not restarted
        finish[1].set()
        assert started.get(timeout=WAIT) == 2  # the one more build, for all three changes
        finish[2].set()
        with pytest.raises(queue.Empty):
            started.get(timeout=1.5)
        assert builds == ["finished", "finished", "finished"]
    finally:
        stop.set()
        for event in finish:
            event.set()
        looping.join(timeout=WAIT)
    assert not looping.is_alive()
