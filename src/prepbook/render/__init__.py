"""The output formats: one small interface, one module per format, one registry that names them all.

A renderer gets the bank, the settings every renderer shares, and its own options: a frozen dataclass it
declares (as mdBook gives each backend its own `[output.X]` table). The command line makes one `--option` of
each field, and an output's cache key is made of exactly the fields its renderer declares, so a new option is
one field in one renderer and nothing shared.
"""

from __future__ import annotations

import dataclasses
import importlib
import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal, Protocol

from prepbook.bank import Bank
from prepbook.errors import UsageError
from prepbook.stages import Progress, no_progress

Paper = Literal["a4", "letter"]
Flavor = Literal["github", "gitlab", "mkdocs"]


def option(default: Any, help: str, *, cached: bool = True, short: str | None = None,
           shown_default: str | None = None) -> Any:
    """A field of a renderer's options, which the command line offers as --name. `cached=False` for an option
    that cannot change the output's bytes (how many workers, say), so it stays out of the cache key."""
    metadata = {"help": help, "cached": cached, "short": short, "shown_default": shown_default}
    if callable(default):
        return field(default_factory=default, metadata=metadata)
    return field(default=default, metadata=metadata)


@dataclass(frozen=True)
class Settings:
    """What every renderer may depend on besides the bank and its own options."""

    templates_dir: Path
    source_date: int  # seconds since the epoch: SOURCE_DATE_EPOCH, else the newest content file
    source_date_fixed: bool = False  # True when SOURCE_DATE_EPOCH set source_date
    # Where renderers may keep intermediate results between builds, and who hears of progress: neither
    # changes an output's bytes.
    cache_dir: Path | None = field(default=None, metadata={"cached": False})
    progress: Progress = field(default=no_progress, compare=False, metadata={"cached": False})


@dataclass(frozen=True)
class NoOptions:
    """For a renderer that has no options of its own."""


# An output's files: path relative to the output folder → bytes. Committed together with every other output's.
Files = dict[str, bytes]


class Renderer(Protocol):
    filename: str  # the output's main file; render() may put files of its own beside it (the preview's fonts)
    options: type[Any]  # the dataclass of this renderer's options; render() gets an instance

    def render(self, bank: Bank, settings: Settings, options: Any) -> Files: ...


def cache_key(settings: Settings, options: object) -> str:
    """What of the settings and of one renderer's options can change that renderer's bytes."""
    values = {item.name: getattr(source, item.name)
              for source in (settings, options) for item in dataclasses.fields(source)  # type: ignore[arg-type]
              if item.metadata.get("cached", True)}
    return json.dumps(values, sort_keys=True, default=str)


@dataclass(frozen=True)
class Format:
    name: str
    module: str  # a path, not an import: WeasyPrint and genanki load only when their format is built
    summary: str  # what the output is, for --help
    in_all: bool = True  # built by `build all`


# Every output prepbook can build: a new one is a module under render/ and a line here.
REGISTRY: tuple[Format, ...] = (
    Format("pdf", "prepbook.render.pdf", "the printable handbook (handbook.pdf)"),
    Format("anki", "prepbook.render.anki", "the Anki deck (deck.apkg)"),
    Format("md", "prepbook.render.md", "the Markdown cheat-sheet for a wiki (cheatsheet.md)"),
    Format("html", "prepbook.render.html", "the handbook's HTML, to preview in a browser (handbook.html)",
           in_all=False),
)
FORMATS: tuple[str, ...] = tuple(entry.name for entry in REGISTRY)
ALL_FORMATS: tuple[str, ...] = tuple(entry.name for entry in REGISTRY if entry.in_all)


def get_renderer(name: str) -> Renderer:
    modules = {entry.name: entry.module for entry in REGISTRY}
    if name not in modules:
        raise UsageError(f"unknown format {name!r}; choose from: {', '.join(FORMATS)}, all")
    renderer: Renderer = importlib.import_module(modules[name]).RENDERER
    return renderer


def options_for(renderer: Renderer, values: dict[str, Any]) -> Any:
    """The renderer's options from the command line's values (each renderer takes the ones it declares)."""
    return renderer.options(**{item.name: values[item.name]
                               for item in dataclasses.fields(renderer.options) if item.name in values})
