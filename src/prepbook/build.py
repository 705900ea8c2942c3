"""The whole flow in one place: skip what is fresh, load and validate, render every format, write them all."""

from __future__ import annotations

import dataclasses
import os
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from prepbook import interrupts, lock
from prepbook.errors import Problem, UsageError, display_path
from prepbook.freshness import Freshness, content_digest, tree_digest
from prepbook.load import load_bank
from prepbook.output import commit, recover
from prepbook.render import Files, Renderer, Settings, cache_key, get_renderer, options_for
from prepbook.sources import modified, scan


@dataclass(frozen=True)
class Written:
    path: Path
    size: int
    changed: bool


@dataclass(frozen=True)
class Built:
    """What a build did: every output, written or left as it was, and the warnings about the content it read."""

    written: list[Written]
    warnings: tuple[Problem, ...]


# 9999-12-31T23:59:59Z: the last second every output's date format (and Python's datetime) can show.
LATEST_SOURCE_DATE = 253_402_300_799


def source_date(content_dir: Path) -> tuple[int, bool]:
    """SOURCE_DATE_EPOCH when set (reproducible builds), else the newest bank file's modification time."""
    fixed = os.environ.get("SOURCE_DATE_EPOCH")
    if fixed:
        try:
            seconds = int(fixed)
        except ValueError:
            seconds = -1
        if not 0 <= seconds <= LATEST_SOURCE_DATE:
            raise UsageError(f"SOURCE_DATE_EPOCH must be a whole number of seconds from 0 to {LATEST_SOURCE_DATE} "
                             f"(the year 9999), not {fixed!r}")
        return seconds, True
    times = [modified(path) for path in scan(content_dir).files(content_dir) if path.is_file()]
    return max(times, default=0), False


def settings_for(content_dir: Path, templates_dir: Path, **shared: Any) -> Settings:
    """What every renderer is given for a build of this content with these templates."""
    date, fixed = source_date(content_dir)
    return Settings(templates_dir=templates_dir.resolve(), source_date=date, source_date_fixed=fixed, **shared)


def check_out_dir(content_dir: Path, out_dir: Path) -> None:
    """Outputs written into the content folder would be read back as content by the next build (a topic folder
    `build` that book.yaml does not declare): refused before anything is written."""
    content, out = content_dir.resolve(), out_dir.resolve()
    if out.is_relative_to(content):
        where = "is" if out == content else "is inside"
        raise UsageError(f"the output folder {display_path(out_dir)} {where} the content folder "
                         f"{display_path(content_dir)}; choose an --out outside it")


def build(formats: Iterable[str], content_dir: Path, settings: Settings, option_values: dict[str, Any],
          out_dir: Path, on_wait: lock.Waiting = lock.wait_silently) -> Built:
    """Build the formats into out_dir, each renderer taking the options it declares from `option_values`.
    Outputs whose inputs did not change are left untouched (and their content is not read, so it warns of
    nothing); the rest are all rendered, then committed together, so a failure anywhere leaves every output as
    it was. Another build into out_dir is waited for: on_wait hears of it."""
    check_out_dir(content_dir, out_dir)
    renderers = [get_renderer(name) for name in formats]
    with lock.holding(out_dir, on_wait):  # from before the repair and the freshness check until the commit
        recover(out_dir)
        return _build(renderers, content_dir, settings, option_values, out_dir)


def _build(renderers: list[Renderer], content_dir: Path, settings: Settings, option_values: dict[str, Any],
           out_dir: Path) -> Built:
    options = {renderer.filename: options_for(renderer, option_values) for renderer in renderers}
    keys = {renderer.filename: cache_key(settings, options[renderer.filename]) for renderer in renderers}
    freshness = Freshness(out_dir, content_digest(content_dir) + tree_digest(settings.templates_dir))
    settings = dataclasses.replace(settings, cache_dir=freshness.folder)
    stale = [renderer for renderer in renderers if not freshness.is_fresh(renderer.filename, keys[renderer.filename])]
    rendered: dict[str, Files] = {}
    warnings: tuple[Problem, ...] = ()
    if stale:
        bank = load_bank(content_dir, progress=settings.progress)
        warnings = bank.warnings
        for renderer in stale:
            interrupts.check()
            rendered[renderer.filename] = renderer.render(bank, settings, options[renderer.filename])
    interrupts.check()  # a Ctrl-C that library code caught during rendering must still stop the build here
    changed = commit(out_dir, {path: data for files in rendered.values() for path, data in files.items()})
    for filename, files in rendered.items():
        freshness.remember(filename, keys[filename], files)
    return Built([Written(out_dir / renderer.filename, (out_dir / renderer.filename).stat().st_size,
                          changed.get(renderer.filename, False)) for renderer in renderers], warnings)
