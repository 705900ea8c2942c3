"""Which files make up a bank, and reading them: one set of rules for the loader and for the freshness check.

A bank is `book.yaml` and the record files directly in each topic folder. A file is read only if it is a
regular file inside the content folder (a symbolic link may point elsewhere inside it, never out) and no
larger than MAX_FILE_BYTES: content is untrusted, and a link to a device or a huge file elsewhere must cost
nothing, whether the bank is being loaded or only checked for changes.
"""

from __future__ import annotations

import errno
import os
import time
from dataclasses import dataclass, field
from pathlib import Path

BOOK_FILE = "book.yaml"
RECORD_SUFFIXES = (".yaml", ".yml")
MAX_FILE_BYTES = 1024 * 1024


class Unreadable(Exception):
    """A source file the rules refuse to read; the message says why, for the author."""


@dataclass
class Layout:
    """The bank's files as found on disk, before any is read."""

    topics: dict[str, list[Path]] = field(default_factory=dict)  # folder name → record files, by name
    misplaced: list[tuple[Path, str]] = field(default_factory=list)  # what is where no bank file may be, and why

    def files(self, content_dir: Path) -> list[Path]:
        """book.yaml and every record file, in a fixed order."""
        return [content_dir / BOOK_FILE, *(path for paths in self.topics.values() for path in paths)]


def scan(content_dir: Path) -> Layout:
    """The topic folders and their record files, sorted by name (the reading order within a topic)."""
    inside = content_dir.resolve()
    layout = Layout()
    for child in sorted(content_dir.iterdir()):
        if child.name.startswith("."):
            continue
        dangling = _dangling_link(child)
        if dangling:
            layout.misplaced.append((child, dangling))
        elif child.is_dir():
            layout.topics[child.name] = []
            if not child.resolve().is_relative_to(inside):
                layout.misplaced.append((child, "symbolic link points outside the content folder"))
                continue
            for path in sorted(child.iterdir()):
                if path.name.startswith("."):
                    continue
                if path.is_dir() and not path.name.lower().endswith(RECORD_SUFFIXES):
                    layout.misplaced.append(
                        (path, "sub-folders are not read: a record belongs directly in its topic folder"))
                elif path.name.lower().endswith(RECORD_SUFFIXES):
                    layout.topics[child.name].append(path)
        elif child.name.lower().endswith(RECORD_SUFFIXES) and child.name != BOOK_FILE:
            layout.misplaced.append((child, "a record belongs in a topic folder: content/<topic>/<name>.yaml"))
    return layout


def read_source(path: Path, content_dir: Path) -> bytes:
    """The file's bytes, or Unreadable with the reason the rules refuse it."""
    try:
        dangling = _dangling_link(path)
        if dangling:
            raise Unreadable(dangling)
        if path.is_symlink() and not path.resolve().is_relative_to(content_dir.resolve()):
            raise Unreadable("symbolic link points outside the content folder")
        if not path.exists():
            raise Unreadable("file not found")
        if path.is_dir():
            raise Unreadable("is a directory, expected a YAML file")
        if not path.is_file():  # a pipe or a device would block or never end
            raise Unreadable("is not a regular file")
        size = path.stat().st_size
        if size > MAX_FILE_BYTES:
            raise Unreadable(f"file is {size:,} bytes, over the limit of {MAX_FILE_BYTES:,}")
        with path.open("rb") as stream:  # bounded even if the file grew after the size check
            return stream.read(MAX_FILE_BYTES + 1)
    except OSError as error:
        raise Unreadable(f"cannot read: {error.strerror or error}") from error


def _dangling_link(path: Path) -> str | None:
    """Why a symbolic link leads to no file, or None. Asked of the system rather than of pathlib, which reports a
    loop differently from one Python version to the next (an exception, or nothing at all)."""
    if not path.is_symlink():
        return None
    try:
        os.stat(path)
    except OSError as error:
        if error.errno == errno.ELOOP:
            return "symbolic link loop: the link leads back to itself"
        if error.errno == errno.ENOENT:
            return "broken symbolic link"
    return None


def modified(path: Path) -> int:
    """When the file last changed, never later than now: a file dated in the future (a clock that ran ahead, a
    checkout from such a machine) would otherwise put that date on the cover and on every note, and Anki would
    then refuse every later edit as older than the copy it has."""
    return min(int(path.stat().st_mtime), int(time.time()))


# A file saved a moment ago on a network share may carry the server's clock: only beyond this is it worth a warning.
_CLOCK_TOLERANCE = 60


def dated_in_the_future(path: Path) -> float | None:
    """The file's modification time if it is clearly later than now (`modified` takes it as now), else None."""
    try:
        when = path.stat().st_mtime
    except OSError:
        return None  # reported as unreadable where it is read
    return when if when > time.time() + _CLOCK_TOLERANCE else None
