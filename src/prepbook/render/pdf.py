"""Bank → the printed handbook.

Each chapter (and the front and back matter) is laid out in a worker process, as many at once as there
are jobs, and the parts are assembled into one book whose page numbers, links and outline are those of
laying out the whole handbook HTML in one WeasyPrint pass (what `build html` writes). Smaller documents
are cheaper per page, a worker's memory is bounded by its chapter, and parts whose HTML did not change
since the last build are taken from the cache, so an edit re-lays-out only its own chapter.
"""

from __future__ import annotations

import os
from collections import defaultdict
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from typing import TYPE_CHECKING

from prepbook import interrupts
from prepbook.bank import Bank
from prepbook.render import Files, Settings, option
from prepbook.render.html import HandbookOptions, Portion, handbook_context, handbook_html
from prepbook.render.templating import render_template
from prepbook.render.workers import worker_pool
from prepbook.stages import Stage

if TYPE_CHECKING:
    from prepbook.render.layout import LaidOut
    from prepbook.render.partcache import PartCache

# A page number wide enough for any book, for laying out the contents before the real numbers are known.
_PLACEHOLDER_PAGE = 8888
_MAX_FRONT_PASSES = 4


@dataclass(frozen=True)
class PdfOptions(HandbookOptions):
    jobs: int = option(lambda: os.cpu_count() or 1, "Worker processes for laying out the PDF's chapters.",
                       cached=False, short="-j", shown_default="all cores")


class PdfRenderer:
    filename = "handbook.pdf"
    options = PdfOptions

    def render(self, bank: Bank, settings: Settings, options: PdfOptions) -> Files:
        with _workers(max(1, options.jobs)) as run:
            return {self.filename: _render_in_parts(bank, settings, options, run)}


# Lays out (index, html, templates folder, source date) tasks, yielding (index, laid-out part) as each ends.
Runner = Callable[[list[tuple[int, str, str, int]]], Iterator[tuple[int, "LaidOut"]]]


@contextmanager
def _workers(jobs: int) -> Iterator[Runner]:
    if jobs == 1:  # no worker to start or feed: lay the parts out one after another, here
        yield lambda tasks: map(_lay_out_task, tasks)
        return
    with worker_pool(jobs) as pool:
        yield lambda tasks: pool.imap_unordered(_lay_out_task, tasks)


def _lay_out_task(task: tuple[int, str, str, int]) -> tuple[int, LaidOut]:
    # WeasyPrint takes most of a second to import: only a PDF build that is not fresh pays for it.
    from prepbook.render.layout import lay_out

    index, html, templates_dir, source_date = task
    return index, lay_out(html, templates_dir, source_date, part=True)


@dataclass
class _Layouts:
    """Lays out HTML documents through the cache and the workers."""

    settings: Settings
    run: Runner
    cache: PartCache

    def many(self, stage: Stage, documents: Sequence[str], units: Sequence[int]) -> list[LaidOut]:
        """Lay out the documents, the i-th counting as units[i] of the stage's units once done (the front matter
        laid out alongside the chapters counts as no chapter)."""
        results: dict[int, LaidOut] = {}
        keys: dict[int, str] = {}
        tasks = []
        for index, html in enumerate(documents):
            keys[index] = self.cache.key(html)
            cached = self.cache.get(keys[index])
            if cached is not None:
                results[index] = cached
            else:
                tasks.append((index, html, str(self.settings.templates_dir), self.settings.source_date))
        done = sum(units[index] for index in results)
        self.settings.progress(stage, done)
        for index, laid_out in self.run(tasks):
            # A Ctrl-C that a destructor swallowed during the part stops the build here, not after the book.
            interrupts.check()
            results[index] = laid_out
            self.cache.put(keys[index], laid_out)
            done += units[index]
            self.settings.progress(stage, done)
        return [results[index] for index in sorted(results)]


def _render_in_parts(bank: Bank, settings: Settings, options: PdfOptions, run: Runner) -> bytes:
    from prepbook.render.assemble import merge, overlay_sheets, place
    from prepbook.render.partcache import PartCache, templates_fingerprint

    cache_dir = settings.cache_dir / "pdf-parts" if settings.cache_dir else None
    cache = PartCache(cache_dir, templates_fingerprint(settings.templates_dir))
    layouts = _Layouts(settings, run, cache)

    def part_html(portion: Portion, pages: dict[str, int] | None = None) -> str:
        return handbook_html(bank, settings, options, portion, pages=pages, stamped=True)

    chapter_count = len(bank.chapters)
    preparing = Stage.counting("preparing", chapter_count, "chapter")
    settings.progress(preparing, 0)
    chapters_html = []
    for chapter in bank.chapters:
        chapters_html.append(part_html(Portion(frozenset({chapter.number}))))
        settings.progress(preparing, len(chapters_html))
    # The contents are laid out once with placeholder numbers alongside the chapters, to learn how many
    # pages the front matter takes before the chapters' page numbers are known.
    placeholder: defaultdict[str, int] = defaultdict(lambda: _PLACEHOLDER_PAGE)
    front_portion = Portion(frozenset(), cover=True, toc=True)
    back_portion = Portion(frozenset(), index=True)
    laid_out = layouts.many(Stage.counting("laying out", chapter_count, "chapter"),
                            [part_html(front_portion, placeholder), *chapters_html], [0] + [1] * chapter_count)
    front, chapters = laid_out[0], laid_out[1:]

    for _ in range(_MAX_FRONT_PASSES):
        pages = _page_numbers(front, chapters)
        front_now, back = layouts.many(Stage("laying out the contents and the index", 2, "part"),
                                       [part_html(front_portion, pages), part_html(back_portion, pages)], [1, 1])
        settled = len(front_now.pages) == len(front.pages)
        front = front_now
        if settled:
            break
    parts = [front, *chapters, back]
    placement = place(parts)
    context = handbook_context(bank, settings, options)
    # One overlay per part, numbered from the part's first page: an edit that moves nothing else
    # re-lays-out only its own chapter's overlay.
    page_counts = [len(part.pages) for part in parts]
    overlays = layouts.many(Stage.counting("numbering", sum(page_counts), "page"), [
        render_template(settings.templates_dir, "overlay.html.j2",
                        {**context, "sheets": overlay_sheets(part, placement), "first_page": first + 1,
                         "total_pages": placement.total})
        for part, first in zip(parts, placement.first_pages, strict=True)], page_counts)
    cache.prune()
    assembling = Stage.counting("assembling", sum(page_counts), "page")
    settings.progress(assembling, 0)
    return merge(parts, placement, overlays, lambda pages: settings.progress(assembling, pages))


def _page_numbers(front: LaidOut, chapters: list[LaidOut]) -> dict[str, int]:
    """Every anchor's page once the front matter and chapters are placed, plus the index that follows."""
    from prepbook.render.assemble import place
    from prepbook.render.layout import LaidOut

    placement = place([front, *chapters, LaidOut(b"", [])])  # an empty part where the index will start
    return {**placement.page_of, "tag-index": placement.first_pages[-1] + 1}


RENDERER = PdfRenderer()
