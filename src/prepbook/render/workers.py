"""The processes that lay out the PDF's parts: none outlives its build, however the build ends."""

from __future__ import annotations

import ctypes
import multiprocessing
import multiprocessing.pool
import os
import signal
import sys
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager

from prepbook.render import scratch

_PR_SET_PDEATHSIG = 1  # from <sys/prctl.h>


@contextmanager
def worker_pool(jobs: int) -> Iterator[multiprocessing.pool.Pool]:
    # fork starts workers without re-importing WeasyPrint; spawn elsewhere (macOS, Windows). Leaving the
    # block terminates the workers, so a signal or an error stops them at once, then removes their folder.
    context = multiprocessing.get_context("fork" if sys.platform.startswith("linux") else "spawn")
    with scratch.folder() as folder, \
            context.Pool(jobs, initializer=_prepare_worker, initargs=(folder, os.getpid())) as pool:
        yield pool


def _prepare_worker(folder: str, parent: int) -> None:
    # Ctrl-C and a closed terminal reach the whole process group: only the parent reports them, in one line,
    # and stops the workers.
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    if hasattr(signal, "SIGHUP"):
        signal.signal(signal.SIGHUP, signal.SIG_IGN)
    # A forked worker has the parent's handler, which would turn the pool's terminate() into a traceback.
    signal.signal(signal.SIGTERM, signal.SIG_DFL)
    _end_with(parent)
    # A worker stopped mid-part cannot remove WeasyPrint's copies of the fonts (3 MB): the parent removes
    # the whole folder after the pool.
    tempfile.tempdir = folder


def _end_with(parent: int) -> None:
    """Have Linux kill the worker when its parent ends, kill -9 included. Elsewhere the parent's exit handlers
    (multiprocessing's) terminate the pool, which covers every ending but kill -9."""
    if not sys.platform.startswith("linux"):
        return
    # Cannot fail with these arguments. The signal comes when the thread that started the worker ends: the
    # main thread, or for a replacement worker the pool's own thread, which ends with the pool.
    ctypes.CDLL(None).prctl(_PR_SET_PDEATHSIG, signal.SIGKILL)
    if os.getppid() != parent:  # the parent ended before the request was made
        os._exit(1)
