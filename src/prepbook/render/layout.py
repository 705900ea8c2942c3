"""HTML → laid-out pages with WeasyPrint: the PDF bytes and the geometry an assembler needs to stitch parts.

Used whole (one document, single pass) or once per part of the book in worker processes. A part's geometry
says where each anchor, internal link, see-also page-number slot and bookmark landed, in CSS pixels, so the
parts can be merged into one book with links, outline and page numbers that are exactly a single pass's.
"""

from __future__ import annotations

import hashlib
import io
import logging
import os
import shutil
from collections.abc import Iterator
from contextlib import contextmanager, redirect_stdout
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from prepbook.errors import BuildError
from prepbook.system_libraries import MISSING_PANGO

try:
    # On its way out WeasyPrint prints a banner of its own to stdout; the one line of MISSING_PANGO says it all.
    with redirect_stdout(io.StringIO()):
        import weasyprint
except OSError as error:  # Pango or its friends are missing from the system
    raise BuildError(MISSING_PANGO) from error

from weasyprint.text.fonts import FontConfiguration

from prepbook.render.fetcher import ProjectFetcher

SLOT_CLASS = "xref-page"


@dataclass
class PageGeometry:
    width: float
    height: float
    kind: str  # "cover", "blank" or "text": what the stamped-on footer must respect
    anchors: dict[str, tuple[float, float]] = field(default_factory=dict)
    links: list[tuple[str, tuple[float, float, float, float]]] = field(default_factory=list)
    slots: list[tuple[str, float, float]] = field(default_factory=list)  # target, x, y from the content box
    bookmarks: list[tuple[int, str, float, float]] = field(default_factory=list)


@dataclass
class LaidOut:
    pdf: bytes
    pages: list[PageGeometry]

    def geometry_json(self) -> dict[str, Any]:
        return {"pages": [asdict(page) for page in self.pages]}

    @classmethod
    def from_cache(cls, pdf: bytes, geometry: dict[str, Any]) -> LaidOut:
        pages = []
        for page in geometry["pages"]:
            pages.append(PageGeometry(
                width=page["width"], height=page["height"], kind=page["kind"],
                anchors={name: tuple(point) for name, point in page["anchors"].items()},
                links=[(target, tuple(rect)) for target, rect in page["links"]],
                slots=[tuple(slot) for slot in page["slots"]],
                bookmarks=[tuple(mark) for mark in page["bookmarks"]],
            ))
        return cls(pdf, pages)


def lay_out(html: str, templates_dir: str, source_date: int, part: bool = False) -> LaidOut:
    """Lay out one HTML document and write its PDF. Top-level and picklable: it runs in worker processes.

    A `part` of the book links to anchors in other parts; the assembler restores those links, so
    WeasyPrint's complaint about them is silenced (only for parts: in a whole book it would be a bug).
    """
    root = Path(templates_dir)
    fetcher = ProjectFetcher([root])
    if part:
        logging.getLogger("weasyprint").addFilter(_expected_in_parts)
    fonts = FontConfiguration()
    try:
        with _source_date_epoch(source_date):
            document = weasyprint.HTML(string=html, base_url=root.as_uri() + "/", url_fetcher=fetcher).render(
                font_config=fonts)
            # A fixed identifier derived from the input keeps the bytes reproducible.
            identifier = hashlib.sha256(html.encode("utf-8")).hexdigest()[:32].encode()
            pdf = document.write_pdf(pdf_identifier=identifier)
        return LaidOut(pdf, [_geometry(page) for page in document.pages])
    finally:
        # WeasyPrint copies every @font-face file into a temporary folder that only the configuration's
        # __del__ removes, which never runs in a worker that is terminated: 3 MB left in /tmp per part.
        if fonts._folder is not None:
            shutil.rmtree(fonts._folder, ignore_errors=True)


def _geometry(page: Any) -> PageGeometry:
    # WeasyPrint's public Page API has anchors, links and bookmarks; the page box (private) adds what the
    # stamping needs: whether the page is blank or the cover, and where its content area starts.
    box = page._page_box
    kind = "blank" if box.page_type.blank else ("cover" if box.page_type.name == "cover" else "text")
    geometry = PageGeometry(width=page.width, height=page.height, kind=kind)
    for name, (x, y, *_rest) in page.anchors.items():
        geometry.anchors[name] = (x, y)
    for link_type, target, rectangle, link_box in page.links:
        if link_type != "internal":
            continue
        geometry.links.append((target, tuple(rectangle)))
        if SLOT_CLASS in (link_box.element.get("class") or "").split():
            geometry.slots.append((target, rectangle[0] - box.content_box_x(), rectangle[1] - box.content_box_y()))
    for level, label, (x, y), _state in page.bookmarks:
        geometry.bookmarks.append((level, label, x, y))
    return geometry


class _ExpectedInParts(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        return not record.getMessage().startswith("No anchor #")


_expected_in_parts = _ExpectedInParts()


@contextmanager
def _source_date_epoch(seconds: int) -> Iterator[None]:
    """Without libharfbuzz-subset, WeasyPrint subsets fonts with fontTools, which stamps each subset with
    the current time unless SOURCE_DATE_EPOCH is set: set it for the render so the bytes stay reproducible."""
    previous = os.environ.get("SOURCE_DATE_EPOCH")
    os.environ["SOURCE_DATE_EPOCH"] = str(seconds)
    try:
        yield
    finally:
        if previous is None:
            del os.environ["SOURCE_DATE_EPOCH"]
        else:
            os.environ["SOURCE_DATE_EPOCH"] = previous
