"""The whole flow in one place: load and validate, render every asked format, then write them all."""

from __future__ import annotations

import os
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from prepbook.bank import Bank
from prepbook.errors import UsageError
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


def build(formats: Iterable[str], bank: Bank, settings: Settings, out_dir: Path) -> list[Written]:
    """Render every format before writing any, so a failure in one leaves all outputs as they were."""
    rendered = []
    for name in formats:
        renderer = get_renderer(name)
        rendered.append((out_dir / renderer.filename, renderer.render(bank, settings)))
    return [Written(path, len(data), write_atomic(path, data)) for path, data in rendered]
