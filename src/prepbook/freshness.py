"""Skipping outputs whose inputs have not changed: content, templates, settings and prepbook's version.

A rebuild with nothing changed must take well under a second even for a thousand questions, so it is
decided from the bytes of the input files alone, before anything is parsed or imported.
"""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

from prepbook import __version__
from prepbook.output import write_atomic
from prepbook.render import Files
from prepbook.sources import Unreadable, read_source, scan

CACHE_FOLDER = ".prepbook-cache"


def tree_digest(folder: Path) -> str:
    """Every file under a folder of the project's own (the templates), by content."""
    digest = hashlib.sha256()
    for path in sorted(folder.rglob("*")):
        if path.is_file():
            digest.update(str(path.relative_to(folder)).encode() + b"\0")
            digest.update(hashlib.sha256(path.read_bytes()).digest())
    return digest.hexdigest()


def content_digest(content_dir: Path) -> str:
    """Exactly what loading the bank reads, under the loader's rules: a link out of the content folder or an
    oversized file is named, never read, and a file the loader does not read does not count."""
    digest = hashlib.sha256()
    layout = scan(content_dir)
    for path, message in layout.misplaced:
        digest.update(f"{path.relative_to(content_dir)}\0{message}\0".encode())
    for path in layout.files(content_dir):
        digest.update(str(path.relative_to(content_dir)).encode() + b"\0")
        try:
            digest.update(hashlib.sha256(read_source(path, content_dir)).digest())
        except Unreadable as refused:
            digest.update(str(refused).encode())
    return digest.hexdigest()


class Freshness:
    """Remembers, per output, the inputs it was built from and the bytes that were written."""

    def __init__(self, out_dir: Path, inputs_digest: str) -> None:
        self.folder = out_dir / CACHE_FOLDER
        self.out_dir = out_dir
        self.inputs_digest = inputs_digest

    def _inputs(self, options_key: str) -> str:
        return hashlib.sha256(f"{__version__}|{options_key}|{self.inputs_digest}".encode()).hexdigest()

    def is_fresh(self, filename: str, options_key: str) -> bool:
        """Whether the output named by its main file was built from these inputs and options, and every file of
        it is still the one that was written."""
        try:
            record = json.loads((self.folder / f"{filename}.json").read_text(encoding="utf-8"))
            if record.get("inputs") != self._inputs(options_key) or not isinstance(record.get("files"), dict):
                return False
            return all(hashlib.sha256((self.out_dir / path).read_bytes()).hexdigest() == digest
                       for path, digest in record["files"].items())
        except (OSError, ValueError):
            return False

    def remember(self, filename: str, options_key: str, files: Files) -> None:
        record = {"inputs": self._inputs(options_key),
                  "files": {path: hashlib.sha256(data).hexdigest() for path, data in sorted(files.items())}}
        write_atomic(self.folder / f"{filename}.json", json.dumps(record).encode("utf-8"))
