"""The output formats: one small interface, one module per format, one registry that names them all."""

from __future__ import annotations

import importlib
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal, Protocol

from prepbook.bank import Bank
from prepbook.errors import UsageError

Paper = Literal["a4", "letter"]
Flavor = Literal["github", "gitlab", "mkdocs"]
# Called as work advances: (what, done, total). The CLI turns it into a progress bar.
Progress = Callable[[str, int, int], None]


def _no_progress(what: str, done: int, total: int) -> None:
    """Progress goes nowhere unless the caller asks for it."""


@dataclass(frozen=True)
class Settings:
    """Everything a renderer may depend on besides the bank; part of every output's cache key."""

    templates_dir: Path
    source_date: int  # seconds since the epoch: SOURCE_DATE_EPOCH, else the newest content file
    source_date_fixed: bool = False  # True when SOURCE_DATE_EPOCH set source_date
    paper: Paper = "a4"
    flavor: Flavor = "github"
    front_matter: bool = False
    jobs: int = 1
    cache_dir: Path | None = None  # where renderers may keep intermediate results between builds
    progress: Progress = field(default=_no_progress, compare=False)

    def output_key(self) -> str:
        """What of these settings can change an output's bytes (not jobs, caching or progress)."""
        return f"{self.templates_dir}|{self.source_date}|{self.paper}|{self.flavor}|{self.front_matter}"


class Renderer(Protocol):
    name: str
    filename: str

    def render(self, bank: Bank, settings: Settings) -> bytes: ...


# Module paths, not imports: WeasyPrint and genanki load only when their format is built.
_REGISTRY: dict[str, str] = {
    "pdf": "prepbook.render.pdf",
    "anki": "prepbook.render.anki",
    "md": "prepbook.render.md",
    "html": "prepbook.render.html",
}
FORMATS: tuple[str, ...] = tuple(_REGISTRY)
ALL_FORMATS: tuple[str, ...] = ("pdf", "anki", "md")


def get_renderer(name: str) -> Renderer:
    if name not in _REGISTRY:
        raise UsageError(f"unknown format {name!r}; choose from: {', '.join(FORMATS)}, all")
    renderer: Renderer = importlib.import_module(_REGISTRY[name]).RENDERER
    return renderer
