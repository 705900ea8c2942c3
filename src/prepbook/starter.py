"""A new bank, as `prepbook init` writes it: content that validates and builds at once, the JSON Schemas its
modelines point at, and what keeps it checked (a pre-commit hook, a GitHub Actions workflow).

The files themselves are in starter/ beside this module; the ones named *.j2 are filled in from what only prepbook
knows (how CI installs it, what the PDF needs from the system, which outputs it builds).
"""

from __future__ import annotations

import importlib.metadata
import importlib.resources
import json
from pathlib import Path

from prepbook import __version__
from prepbook.render import ALL_FORMATS, get_renderer
from prepbook.render.templating import render_template
from prepbook.schema import schema_bytes
from prepbook.system_libraries import DEBIAN_PACKAGES

TOPIC = "python"
# File in starter/ → where it goes in the new bank.
_PLACES = {
    "book.yaml": "content/book.yaml",
    "question.yaml": f"content/{TOPIC}/010-list-vs-tuple.yaml",
    "gitignore": ".gitignore",
    "pre-commit-config.yaml": ".pre-commit-config.yaml",
    "workflow.yml.j2": ".github/workflows/prepbook.yml",
}


def starter_files() -> dict[str, bytes]:
    """Every file of a new bank: path relative to its folder → bytes."""
    folder = Path(str(importlib.resources.files("prepbook") / "starter"))
    context = {"requirement": pip_requirement(), "debian_packages": DEBIAN_PACKAGES,
               "outputs": [get_renderer(name).filename for name in ALL_FORMATS]}
    files = {place: (render_template(folder, name, context) if name.endswith(".j2")
                     else (folder / name).read_text(encoding="utf-8")).encode("utf-8")
             for name, place in _PLACES.items()}
    files.update({f"schema/{name}": data for name, data in schema_bytes().items()})
    return files


def pip_requirement() -> str:
    """How CI installs prepbook: this very commit when pip got it from a git repository (PEP 610 records where it
    came from), else this version from the package index."""
    try:
        recorded = json.loads(importlib.metadata.distribution("prepbook").read_text("direct_url.json") or "{}")
    except (importlib.metadata.PackageNotFoundError, ValueError):
        recorded = {}
    vcs = recorded.get("vcs_info", {}) if isinstance(recorded, dict) else {}
    if vcs.get("vcs") == "git" and vcs.get("commit_id"):
        return f"prepbook @ git+{recorded['url']}@{vcs['commit_id']}"
    return f"prepbook=={__version__}"
