"""The workers' temporary folder: removed when its build ends, or by a later build if the build was killed.

WeasyPrint copies the handbook's fonts (3 MB) into a temporary folder for every part, and a worker stopped
mid-part cannot remove them, so the workers keep their temporary files in one folder that the parent removes
after the pool. A build killed with -9 cannot, so each build first removes the folders of builds that have
ended. A lock tells those apart, not the pid in the folder's name (pids are reused, and mean nothing across
containers that share /tmp): a build holds a lock on a file in its folder for as long as it lives, its forked
workers inherit it, and the kernel drops it when the last of them has ended.
"""

from __future__ import annotations

import os
import shutil
import sys
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from prepbook import lock

PREFIX = "prepbook-workers-"
_OWNER = "owner"  # the lock file; the build writes its pid in it once it holds the lock


@contextmanager
def folder() -> Iterator[str]:
    if sys.platform == "win32":  # no flock: nothing tells a live build's folder from an ended one's
        with tempfile.TemporaryDirectory(prefix=PREFIX) as path:
            yield path
        return
    _remove_ended()
    path = Path(tempfile.mkdtemp(prefix=f"{PREFIX}{os.getpid()}-"))
    descriptor = os.open(path / _OWNER, os.O_RDWR | os.O_CREAT | os.O_EXCL, 0o600)
    try:
        lock.take(descriptor, wait=True)  # waits only while another build's sweep looks at it
        os.write(descriptor, f"{os.getpid()}\n".encode())
        yield str(path)
    finally:
        shutil.rmtree(path, ignore_errors=True)
        os.close(descriptor)


def _remove_ended() -> None:
    for candidate in Path(tempfile.gettempdir()).glob(f"{PREFIX}*"):
        try:
            descriptor = os.open(candidate / _OWNER, os.O_RDONLY | os.O_NOFOLLOW)
        except OSError:  # not a folder of ours, or its build has just made it
            continue
        try:
            # Still empty: the build has just made it and is about to take the lock.
            if lock.take(descriptor, wait=False) and os.pread(descriptor, 1, 0):
                shutil.rmtree(candidate, ignore_errors=True)
        finally:
            os.close(descriptor)
