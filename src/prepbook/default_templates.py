"""The templates prepbook comes with, found wherever it is installed.

They are the repository's top-level templates/, which the packaging maps into prepbook as the package
prepbook.templates (pyproject.toml): an editable install reads the repository's folder, an installed wheel its
own copy, so no build depends on the folder it is run from.
"""

from __future__ import annotations

import importlib.resources
from pathlib import Path

_PACKAGE = "prepbook.templates"


def folder() -> Path:
    # pip and pipx install onto disk, and Jinja, WeasyPrint and the layout workers all need a real folder.
    return Path(str(importlib.resources.files(_PACKAGE)))

