"""Writing outputs so that a failed, interrupted or killed build never leaves a half-written file, nor a mix of
old and new outputs.

`commit` replaces all of one build's files together: every file is written and synced under a temporary name
first, then a journal is written, then each file is renamed into place (a rename is atomic, so a reader sees
the old file or the new one, never a part). If any step fails, what was renamed is put back. The journal's
removal is the commit point: a build killed before it is rolled back by the next one (`recover`), one killed
after it has only leftovers to sweep.
"""

from __future__ import annotations

import json
import os
import tempfile
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path, PurePosixPath

from prepbook.errors import BuildError

JOURNAL = ".prepbook-journal.json"
_PREVIOUS = ".prepbook-previous"  # suffix of the link that keeps a replaced file until the commit is done
_STAGED = ".partial"


def write_atomic(path: Path, data: bytes) -> bool:
    """Write one file all at once; return False (and touch nothing) when the bytes are already there. One
    rename is atomic on its own: no journal needed."""
    if _holds(path, data):
        return False
    _create(path.parent)
    (step,) = _stage(path.parent, {path.name: data})
    try:
        os.replace(path.parent / step.staged, path)
    except BaseException as error:
        (path.parent / step.staged).unlink(missing_ok=True)
        if isinstance(error, OSError):
            raise _write_error(path, error) from error
        raise
    _sync_folder(path.parent)
    return True


@dataclass(frozen=True)
class _Step:
    target: str
    staged: str
    previous: str | None  # the link to the file it replaces, None when there was none


def commit(folder: Path, files: Mapping[str, bytes]) -> dict[str, bool]:
    """Put every file (name → bytes) into `folder` together, or none of them; return which ones changed.
    Files whose bytes are already there are left untouched."""
    changed = {name: data for name, data in files.items() if not _holds(folder / _inside(name), data)}
    if changed:
        for name in changed:
            _create((folder / name).parent)
        steps = _stage(folder, changed)
        _write_journal(folder, steps)
        try:
            for step in steps:
                _replace(folder, step)
        except BaseException as error:  # Ctrl-C and kills that Python sees too: put back what was renamed
            _roll_back(folder, steps)
            (folder / JOURNAL).unlink(missing_ok=True)
            if isinstance(error, OSError):
                raise _write_error(folder / step.target, error) from error
            raise
        for parent in sorted({(folder / step.target).parent for step in steps}):
            _sync_folder(parent)
        (folder / JOURNAL).unlink()
        _sync_folder(folder)
        for step in steps:
            if step.previous:
                (folder / step.previous).unlink(missing_ok=True)
    return {name: name in changed for name in files}


def recover(folder: Path) -> None:
    """Undo a commit that a killed build left unfinished, and sweep what a killed build left half-written.
    Call it before reading or writing `folder`, while no other build can be writing there."""
    journal = folder / JOURNAL
    try:
        steps = [_Step(**step) for step in json.loads(journal.read_text(encoding="utf-8"))["steps"]]
    except FileNotFoundError:
        steps = None
    except (OSError, ValueError, KeyError, TypeError) as error:
        raise BuildError(f"cannot read {journal}, left by an unfinished build: {error}; delete it and the "
                         f"outputs beside it, then build again") from error
    try:
        if steps is not None:
            _roll_back(folder, steps)
            journal.unlink()
            _sync_folder(folder)
        if folder.is_dir():
            for leftover in folder.rglob(".*"):
                if leftover.is_file() and leftover.name.endswith((_STAGED, _PREVIOUS)):
                    leftover.unlink(missing_ok=True)
    except OSError as error:
        raise _write_error(folder, error) from error


def _inside(name: str) -> str:
    """A file's path relative to the output folder, refused if it could lead out of it."""
    path = PurePosixPath(name)
    if path.is_absolute() or ".." in path.parts or not path.parts:
        raise BuildError(f"refusing to write {name!r}: outside the output folder")
    return name


def _holds(path: Path, data: bytes) -> bool:
    try:
        return path.is_file() and path.stat().st_size == len(data) and path.read_bytes() == data
    except OSError:
        return False


def _create(folder: Path) -> None:
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError as error:
        raise _write_error(folder, error) from error


def _stage(folder: Path, files: Mapping[str, bytes]) -> list[_Step]:
    """Every file written and synced under a temporary name beside its target."""
    steps: list[_Step] = []
    name = ""
    try:
        for name, data in files.items():
            target, beside = folder / name, PurePosixPath(name).parent
            handle, staged = tempfile.mkstemp(dir=target.parent, prefix=f".{target.name}.", suffix=_STAGED)
            previous = (beside / f".{target.name}{_PREVIOUS}").as_posix() if target.exists() else None
            steps.append(_Step(name, (beside / Path(staged).name).as_posix(), previous))
            with os.fdopen(handle, "wb") as stream:
                stream.write(data)
                stream.flush()
                os.fsync(stream.fileno())
            os.chmod(staged, 0o644)
    except BaseException as error:
        for step in steps:
            (folder / step.staged).unlink(missing_ok=True)
        if isinstance(error, OSError):
            raise _write_error(folder / name, error) from error
        raise
    return steps


def _write_journal(folder: Path, steps: list[_Step]) -> None:
    record = json.dumps({"steps": [step.__dict__ for step in steps]}).encode("utf-8")
    handle, staged = tempfile.mkstemp(dir=folder, prefix=f"{JOURNAL}.", suffix=_STAGED)
    try:
        with os.fdopen(handle, "wb") as stream:
            stream.write(record)
            stream.flush()
            os.fsync(stream.fileno())
        os.replace(staged, folder / JOURNAL)
        _sync_folder(folder)
    except BaseException as error:
        Path(staged).unlink(missing_ok=True)
        for step in steps:
            (folder / step.staged).unlink(missing_ok=True)
        if isinstance(error, OSError):
            raise _write_error(folder / JOURNAL, error) from error
        raise


def _replace(folder: Path, step: _Step) -> None:
    target = folder / step.target
    if step.previous:
        previous = folder / step.previous
        previous.unlink(missing_ok=True)
        # A second name for the old file, not a rename: the target never goes missing for a reader.
        os.link(target, previous)
    os.replace(folder / step.staged, target)


def _roll_back(folder: Path, steps: list[_Step]) -> None:
    """Each target as it was before the commit: its previous file back, or gone if it had none."""
    for step in steps:
        target = folder / step.target
        if step.previous and (folder / step.previous).exists():
            os.replace(folder / step.previous, target)
            # Renaming a link over another link to the same file does nothing (POSIX): it may still be there.
            (folder / step.previous).unlink(missing_ok=True)
        elif not step.previous and not (folder / step.staged).exists():
            target.unlink(missing_ok=True)  # it was renamed into place: the file is new, so it goes
        (folder / step.staged).unlink(missing_ok=True)


def _write_error(path: Path, error: OSError) -> BuildError:
    return BuildError(f"cannot write {path}: {error.strerror or error}")


def _sync_folder(folder: Path) -> None:
    """Make renames durable (POSIX only; other systems have no directory handles)."""
    try:
        descriptor = os.open(folder, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(descriptor)
    finally:
        os.close(descriptor)
