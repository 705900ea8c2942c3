"""Laid-out parts kept in build/, keyed by a hash of everything that shapes them, so an edit re-lays-out
only the part it touched."""

from __future__ import annotations

import hashlib
import json
from importlib.metadata import version
from pathlib import Path

from prepbook import __version__
from prepbook.freshness import tree_digest
from prepbook.output import write_atomic
from prepbook.render.layout import LaidOut


def templates_fingerprint(templates_dir: Path) -> str:
    """Every file under templates/ (CSS, fonts...) by content, with the versions that lay them out."""
    versions = f"prepbook {__version__} weasyprint {version('weasyprint')}"
    return hashlib.sha256(f"{versions}|{tree_digest(templates_dir)}".encode()).hexdigest()


class PartCache:
    def __init__(self, folder: Path | None, fingerprint: str) -> None:
        self.folder = folder
        self.fingerprint = fingerprint
        self.used: set[str] = set()

    def key(self, html: str) -> str:
        return hashlib.sha256(self.fingerprint.encode() + html.encode("utf-8")).hexdigest()

    def get(self, key: str) -> LaidOut | None:
        self.used.add(key)
        if self.folder is None:
            return None
        try:
            pdf = (self.folder / f"{key}.pdf").read_bytes()
            geometry = json.loads((self.folder / f"{key}.json").read_text(encoding="utf-8"))
            return LaidOut.from_cache(pdf, geometry)
        except (OSError, ValueError, KeyError, TypeError):
            return None

    def put(self, key: str, laid_out: LaidOut) -> None:
        if self.folder is None:
            return
        write_atomic(self.folder / f"{key}.pdf", laid_out.pdf)
        write_atomic(self.folder / f"{key}.json", json.dumps(laid_out.geometry_json()).encode("utf-8"))

    def prune(self) -> None:
        """Forget parts this build did not use, so the cache holds one book's worth, not every edit's."""
        if self.folder is None or not self.folder.is_dir():
            return
        for path in self.folder.iterdir():
            if path.suffix in (".pdf", ".json") and path.stem not in self.used:
                path.unlink(missing_ok=True)
