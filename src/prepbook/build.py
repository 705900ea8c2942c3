"""The whole flow in one place: skip what is fresh, load and validate, render every format, write them all."""

from __future__ import annotations

import dataclasses
import os
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from prepbook import interrupts, lock
from prepbook.errors import UsageError
from prepbook.freshness import Freshness, tree_digest
from prepbook.load import load_bank
from prepbook.output import write_atomic
from prepbook.render import Settings, get_renderer


@dataclass(frozen=True)
class Written:
    path: Path
    size: int
    changed: bool


def source_date(content_dir: Path) -> tuple[int, bool]:
    """SOURCE_DATE_EPOCH when set (reproducible builds), else the newest content file's modification time."""
    fixed = os.environ.get("SOURCE_DATE_EPOCH")
    if fixed:
        try:
            return int(fixed), True
        except ValueError:
            raise UsageError(f"SOURCE_DATE_EPOCH must be a whole number of seconds, not {fixed!r}") from None
    times = [path.stat().st_mtime for path in content_dir.rglob("*.y*ml") if path.is_file()]
    return int(max(times, default=0)), False


def build(formats: Iterable[str], content_dir: Path, settings: Settings, out_dir: Path,
          on_wait: lock.Waiting = lock.wait_silently) -> list[Written]:
    """Build the formats into out_dir. Outputs whose inputs did not change are left untouched; the rest are
    all rendered before any is written, so a failure in one leaves every output as it was. Another build into
    out_dir is waited for: on_wait hears of it."""
    renderers = [get_renderer(name) for name in formats]
    with lock.holding(out_dir, on_wait):  # from before the freshness check until the outputs are written
        freshness = Freshness(out_dir, tree_digest(content_dir, settings.templates_dir), settings.output_key())
        settings = dataclasses.replace(settings, cache_dir=freshness.folder)
        stale = [renderer for renderer in renderers if not freshness.is_fresh(renderer.filename)]
        rendered: dict[str, bytes] = {}
        if stale:
            bank = load_bank(content_dir)
            for renderer in stale:
                interrupts.check()
                rendered[renderer.filename] = renderer.render(bank, settings)
        interrupts.check()  # a Ctrl-C that library code caught during rendering must still stop the build here
        written = []
        for renderer in renderers:
            path = out_dir / renderer.filename
            if renderer.filename in rendered:
                data = rendered[renderer.filename]
                written.append(Written(path, len(data), write_atomic(path, data)))
                freshness.remember(renderer.filename, data)
            else:
                written.append(Written(path, path.stat().st_size, False))
        return written
