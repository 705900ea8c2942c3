"""One build at a time per output folder, and the file locks that prepbook's clean-ups rely on.

A build holds an exclusive lock on `<out>/.prepbook-cache/lock` from before its freshness check until its outputs
are written, so two builds into one folder cannot leave outputs of both. A second build waits, polling, and
gives up after a limit. These are flock locks: the kernel drops them when the process holding them ends, kill -9
included, so a dead build never blocks the next one. The holder writes its pid into the file, which nobody
opens with truncation, so a waiting build can say whom it waits for.

The lock file goes when the build ends, with the folders the build made for it if they are left empty, so a
build that fails leaves the output folder as it was. Removing a file that a waiting build has open is safe: a
build that gets the lock checks that the file is still the one at that path, and starts again if not.
"""

from __future__ import annotations

import contextlib
import os
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path

from prepbook.errors import BuildError
from prepbook.freshness import CACHE_FOLDER

if sys.platform != "win32":
    import fcntl

WAIT_LIMIT_SECONDS = 600.0
_POLL_SECONDS = 0.1

# Told once, when a build has to wait: the pid of the build it waits for, if that build has written it yet.
Waiting = Callable[[int | None], None]


def wait_silently(holder: int | None) -> None:
    """For callers with nobody to tell (tests, other programs)."""


@contextlib.contextmanager
def holding(out_dir: Path, on_wait: Waiting, limit: float = WAIT_LIMIT_SECONDS) -> Iterator[None]:
    """Hold the output folder's lock for the block, waiting for another build's for up to `limit` seconds."""
    if sys.platform == "win32":  # no flock: builds into one folder are not kept apart there
        yield
        return
    path = out_dir / CACHE_FOLDER / "lock"
    made: list[Path] = []
    descriptor = _acquire(path, out_dir, on_wait, limit, made)
    try:
        os.ftruncate(descriptor, 0)
        os.write(descriptor, f"{os.getpid()}\n".encode())
        yield
    finally:
        if _is_at(descriptor, path):  # not if someone deleted the folder and another build locked a new file
            path.unlink(missing_ok=True)
        os.close(descriptor)
        for folder in made:
            try:
                folder.rmdir()
            except OSError:  # the build wrote something there, or another build uses it
                break


def take(descriptor: int, wait: bool) -> bool:
    """Lock an open file exclusively; False when `wait` is off and another process holds it."""
    try:
        fcntl.flock(descriptor, fcntl.LOCK_EX | (0 if wait else fcntl.LOCK_NB))
    except BlockingIOError:
        return False
    return True


def _acquire(path: Path, out_dir: Path, on_wait: Waiting, limit: float, made: list[Path]) -> int:
    deadline = time.monotonic() + limit
    told = False
    while True:
        descriptor = _open(path, out_dir, made)
        try:
            while not take(descriptor, wait=False):
                holder = _holder(descriptor)
                if not told:
                    on_wait(holder)
                    told = True
                if time.monotonic() >= deadline:
                    raise BuildError(f"the build in {out_dir}/{_pid(holder)} did not finish within "
                                     f"{_duration(limit)}; try again once it has")
                time.sleep(_POLL_SECONDS)
            if _is_at(descriptor, path):
                return descriptor
        except BaseException:
            os.close(descriptor)
            raise
        os.close(descriptor)  # the build before removed the file as it ended: lock the one at the path now


def _open(path: Path, out_dir: Path, made: list[Path]) -> int:
    missing = [folder for folder in (path.parent, *path.parent.parents) if not folder.exists()]
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        # No O_TRUNC: the holder's pid is in the file. No symlinks: the holder truncates the file it opens.
        descriptor = os.open(path, os.O_RDWR | os.O_CREAT | os.O_NOFOLLOW, 0o644)
    except OSError as error:
        raise BuildError(f"cannot use the output folder {out_dir}: {error.strerror or error}") from error
    made.extend(folder for folder in missing if folder not in made)
    return descriptor


def _is_at(descriptor: int, path: Path) -> bool:
    try:
        at_path = path.stat(follow_symlinks=False)
    except FileNotFoundError:
        return False
    opened = os.fstat(descriptor)
    return (opened.st_dev, opened.st_ino) == (at_path.st_dev, at_path.st_ino)


def _holder(descriptor: int) -> int | None:
    text = os.pread(descriptor, 32, 0).decode("ascii", "replace").strip()
    return int(text) if text.isdigit() else None


def _pid(holder: int | None) -> str:
    return f" (pid {holder})" if holder is not None else ""


def _duration(seconds: float) -> str:
    return f"{seconds / 60:g} minutes" if seconds >= 60 else f"{seconds:g} seconds"
