"""Bank → the printed handbook.

Each chapter (and the front and back matter) is laid out in a worker process, as many at once as there
are jobs, and the parts are assembled into one book whose page numbers, links and outline are those of
laying out the whole handbook HTML in one WeasyPrint pass (what `build html` writes). Smaller documents
are cheaper per page, a worker's memory is bounded by its chapter, and parts whose HTML did not change
since the last build are taken from the cache, so an edit re-lays-out only its own chapter.
"""

from __future__ import annotations

import multiprocessing
import sys
from collections import defaultdict
from collections.abc import Callable, Iterable
from concurrent.futures import Executor, Future, ProcessPoolExecutor, as_completed
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, TypeVar

from prepbook.bank import Bank
from prepbook.render import Settings
from prepbook.render.html import Parts, handbook_context, handbook_html
from prepbook.render.templating import render_template

if TYPE_CHECKING:
    from prepbook.render.layout import LaidOut
    from prepbook.render.partcache import PartCache

T = TypeVar("T")
# A page number wide enough for any book, for laying out the contents before the real numbers are known.
_PLACEHOLDER_PAGE = 8888
_MAX_FRONT_PASSES = 4


class PdfRenderer:
    name = "pdf"
    filename = "handbook.pdf"

    def render(self, bank: Bank, settings: Settings) -> bytes:
        with _pool(max(1, settings.jobs)) as pool:
            return _render_in_parts(bank, settings, pool)


def _pool(jobs: int) -> Executor:
    if jobs == 1:
        return _InProcess()
    # fork starts workers without re-importing WeasyPrint; spawn elsewhere (macOS, Windows).
    method = "fork" if sys.platform.startswith("linux") else "spawn"
    return ProcessPoolExecutor(max_workers=jobs, mp_context=multiprocessing.get_context(method))


class _InProcess(Executor):
    """One job: lay the parts out one after another in this process, with no worker to start or feed."""

    def submit(self, fn: Callable[..., T], /, *args: Any, **kwargs: Any) -> Future[T]:
        future: Future[T] = Future()
        try:
            future.set_result(fn(*args, **kwargs))
        except BaseException as error:
            future.set_exception(error)
        return future


@dataclass
class _Layouts:
    """Lays out HTML documents through the cache and the worker pool."""

    settings: Settings
    pool: Executor
    cache: PartCache

    def many(self, stage: str, documents: Iterable[str]) -> list[LaidOut]:
        # WeasyPrint takes most of a second to import: only a PDF build that is not fresh pays for it.
        from prepbook.render.layout import lay_out

        results: dict[int, LaidOut] = {}
        pending: dict[Future[LaidOut], tuple[int, str]] = {}
        for index, html in enumerate(documents):
            key = self.cache.key(html)
            cached = self.cache.get(key)
            if cached is not None:
                results[index] = cached
            else:
                future = self.pool.submit(lay_out, html, str(self.settings.templates_dir),
                                          self.settings.source_date, True)
                pending[future] = (index, key)
        total = len(results) + len(pending)
        self.settings.progress(stage, len(results), total)
        for future in as_completed(pending):
            index, key = pending[future]
            results[index] = future.result()
            self.cache.put(key, results[index])
            self.settings.progress(stage, len(results), total)
        return [results[index] for index in sorted(results)]


def _render_in_parts(bank: Bank, settings: Settings, pool: Executor) -> bytes:
    from prepbook.render.assemble import merge, overlay_sheets, place
    from prepbook.render.partcache import PartCache, templates_fingerprint

    cache_dir = settings.cache_dir / "pdf-parts" if settings.cache_dir else None
    cache = PartCache(cache_dir, templates_fingerprint(settings.templates_dir))
    layouts = _Layouts(settings, pool, cache)

    def part_html(parts: Parts, pages: dict[str, int] | None = None) -> str:
        return handbook_html(bank, settings, parts, pages=pages, stamped=True)

    chapters_html = [part_html(Parts(frozenset({chapter.number}))) for chapter in bank.chapters]
    # The contents are laid out once with placeholder numbers alongside the chapters, to learn how many
    # pages the front matter takes before the chapters' page numbers are known.
    placeholder: defaultdict[str, int] = defaultdict(lambda: _PLACEHOLDER_PAGE)
    front_parts = Parts(frozenset(), cover=True, toc=True)
    back_parts = Parts(frozenset(), index=True)
    laid_out = layouts.many("laying out chapters", [part_html(front_parts, placeholder), *chapters_html])
    front, chapters = laid_out[0], laid_out[1:]

    for _ in range(_MAX_FRONT_PASSES):
        pages = _page_numbers(front, chapters)
        front_now, back = layouts.many("laying out contents and index",
                                       [part_html(front_parts, pages), part_html(back_parts, pages)])
        settled = len(front_now.pages) == len(front.pages)
        front = front_now
        if settled:
            break
    parts = [front, *chapters, back]
    placement = place(parts)
    sheets = overlay_sheets(parts, placement)
    context = handbook_context(bank, settings)
    overlay_html = render_template(settings.templates_dir, "overlay.html.j2", {**context, "sheets": sheets})
    (overlay,) = layouts.many("numbering pages", [overlay_html])
    cache.prune()
    return merge(parts, placement, sheets, overlay)


def _page_numbers(front: LaidOut, chapters: list[LaidOut]) -> dict[str, int]:
    """Every anchor's page once the front matter and chapters are placed, plus the index that follows."""
    from prepbook.render.assemble import place

    placement = place([front, *chapters])
    index_first = placement.total + placement.total % 2  # the index starts on the next right-hand page
    return {**placement.page_of, "tag-index": index_first + 1}


RENDERER = PdfRenderer()
