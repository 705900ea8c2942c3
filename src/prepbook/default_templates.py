"""The templates prepbook comes with, found wherever it is installed, and copies of them to restyle from.

They are the repository's top-level templates/, which the packaging maps into prepbook as the package
prepbook.templates (pyproject.toml): an editable install reads the repository's folder, an installed wheel its
own copy, so no build depends on the folder it is run from.
"""

from __future__ import annotations

import importlib.resources
import shutil
from pathlib import Path

from prepbook.errors import BuildError

_PACKAGE = "prepbook.templates"
# What makes the folder a package: Python's, not part of the look, so never copied.
_PACKAGING = ("__init__.py", "__pycache__")


def folder() -> Path:
    # pip and pipx install onto disk, and Jinja, WeasyPrint and the layout workers all need a real folder.
    return Path(str(importlib.resources.files(_PACKAGE)))


def copy_to(target: Path) -> list[Path]:
    """Copy every default template into `target` (created if missing), replacing files of the same name; return
    the files written. Modification times are kept: the deck's note type carries the newest template's, so a copy
    left as it is builds the very same deck."""
    source = folder()
    written: list[Path] = []
    for path in sorted(source.rglob("*")):
        relative = path.relative_to(source)
        if not path.is_file() or set(relative.parts) & set(_PACKAGING):
            continue
        destination = target / relative
        try:
            destination.parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(path, destination)
        except OSError as error:
            raise BuildError(f"cannot write {destination}: {error.strerror or error}") from error
        written.append(destination)
    return written
