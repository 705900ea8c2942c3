"""Writing outputs so that a failed or interrupted build never leaves a half-written or missing file."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

from prepbook.errors import BuildError


def write_atomic(path: Path, data: bytes) -> bool:
    """Write `data` to `path` all at once; return False (and touch nothing) when the bytes are already there.

    The bytes go to a temporary file in the same folder, are flushed to disk, then renamed over the target:
    a reader sees either the old file or the new one, whatever happens in between (crash, Ctrl-C, kill -9,
    a second build writing the same file).
    """
    try:
        if path.is_file() and path.stat().st_size == len(data) and path.read_bytes() == data:
            return False
        path.parent.mkdir(parents=True, exist_ok=True)
        handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".partial")
        try:
            with os.fdopen(handle, "wb") as stream:
                stream.write(data)
                stream.flush()
                os.fsync(stream.fileno())
            os.chmod(temporary, 0o644)
            os.replace(temporary, path)
        except BaseException:
            Path(temporary).unlink(missing_ok=True)
            raise
        _fsync_folder(path.parent)
    except OSError as error:
        raise BuildError(f"cannot write {path}: {error.strerror or error}") from error
    return True


def _fsync_folder(folder: Path) -> None:
    """Make the rename itself durable (POSIX only; other systems have no directory handles)."""
    try:
        descriptor = os.open(folder, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(descriptor)
    finally:
        os.close(descriptor)
