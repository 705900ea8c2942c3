"""Separately laid-out parts → one book: page numbers stamped on, links and outline across parts restored.

Each part (front matter, one chapter, back matter) is laid out alone and knows nothing of where it will
stand. Here the parts are placed (every part starts on a right-hand page, as in a single pass), the
page of every anchor is computed, and what depends on it is added: the footers and see-also page numbers
through an overlay laid out from the same CSS, the internal links, and the outline.
"""

from __future__ import annotations

import io
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from pypdf import PdfReader, PdfWriter
from pypdf.annotations import Link
from pypdf.generic import Fit, IndirectObject, NameObject

from prepbook.render.layout import LaidOut

PT_PER_PX = 0.75  # WeasyPrint's CSS pixel is 1/96 in; a PDF point is 1/72 in


@dataclass(frozen=True)
class Placement:
    first_pages: list[int]  # 0-based index of each part's first page in the book
    total: int
    page_of: dict[str, int]  # anchor name → 1-based page number


def place(parts: Sequence[LaidOut]) -> Placement:
    """Stack the parts, leaving a blank left-hand page wherever a part would otherwise start on one."""
    first_pages: list[int] = []
    page_of: dict[str, int] = {}
    index = 0
    for part in parts:
        if index % 2 == 1:
            index += 1
        first_pages.append(index)
        for offset, page in enumerate(part.pages):
            for name in page.anchors:
                page_of.setdefault(name, index + offset + 1)
        index += len(part.pages)
    return Placement(first_pages, index, page_of)


@dataclass(frozen=True)
class Sheet:
    """One page of the overlay: what kind of page it covers and the page numbers to print on it."""

    kind: str
    stamps: list[tuple[float, float, int]]


def overlay_sheets(part: LaidOut, placement: Placement) -> list[Sheet]:
    """The overlay pages of one part: one sheet per page, with the see-also page numbers to stamp."""
    return [Sheet(page.kind, [(x, y, placement.page_of[target]) for target, x, y in page.slots])
            for page in part.pages]


def merge(parts: Sequence[LaidOut], placement: Placement, overlays: Sequence[LaidOut],
          merged: Callable[[int], None] = lambda pages: None) -> bytes:
    """One book from its parts, each page merged with its overlay page (footer and page numbers); `merged` hears
    how many of the parts' pages are done, the slow step."""
    writer = PdfWriter()
    readers = [PdfReader(io.BytesIO(part.pdf)) for part in parts]
    targets: dict[str, tuple[int, float, float]] = {}  # anchor → (page index, x, y) in PDF points
    for part, reader, first in zip(parts, readers, placement.first_pages, strict=True):
        while len(writer.pages) < first:
            size = part.pages[0]
            writer.add_blank_page(size.width * PT_PER_PX, size.height * PT_PER_PX)
        writer.append(reader, import_outline=False)
        for offset, page in enumerate(part.pages):
            for name, (x, y) in page.anchors.items():
                targets.setdefault(name, (first + offset, x * PT_PER_PX, (page.height - y) * PT_PER_PX))

    done = 0
    for part, first, overlay in zip(parts, placement.first_pages, overlays, strict=True):
        for offset, (page, stamps) in enumerate(zip(part.pages, PdfReader(io.BytesIO(overlay.pdf)).pages, strict=True)):
            book_page = writer.pages[first + offset]
            _drop_internal_links(book_page)
            if page.kind == "text":
                book_page.merge_page(stamps)
                book_page.compress_content_streams()
            done += 1
            merged(done)

    for part, first in zip(parts, placement.first_pages, strict=True):
        for offset, page in enumerate(part.pages):
            # WeasyPrint gives a link's box as two corners in CSS pixels, y down from the page's top.
            for target, (left, top, right, bottom) in page.links:
                if target not in targets:
                    continue
                to_page, to_x, to_y = targets[target]
                rect = (left * PT_PER_PX, (page.height - bottom) * PT_PER_PX,
                        right * PT_PER_PX, (page.height - top) * PT_PER_PX)
                writer.add_annotation(first + offset, Link(rect=rect, target_page_index=to_page,
                                                           fit=Fit.xyz(left=to_x, top=to_y, zoom=0)))
    _add_outline(writer, parts, placement)
    if readers[0].metadata:
        writer.add_metadata(dict(readers[0].metadata))
    writer._root_object[NameObject("/PageMode")] = NameObject("/UseOutlines")
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def _drop_internal_links(page: object) -> None:
    """WeasyPrint's links name destinations of their own part only; all internal links are re-added."""
    annotations = page.get("/Annots")  # type: ignore[attr-defined]
    if not annotations:
        return
    kept = [ref for ref in annotations if "/Dest" not in ref.get_object()]
    page[NameObject("/Annots")] = type(annotations)(kept)  # type: ignore[index]


def _add_outline(writer: PdfWriter, parts: Sequence[LaidOut], placement: Placement) -> None:
    parents: list[tuple[int, IndirectObject]] = []  # (level, outline item) of the open ancestors
    for part, first in zip(parts, placement.first_pages, strict=True):
        for offset, page in enumerate(part.pages):
            for level, label, x, y in page.bookmarks:
                while parents and parents[-1][0] >= level:
                    parents.pop()
                item = writer.add_outline_item(
                    title=label, page_number=first + offset, parent=parents[-1][1] if parents else None,
                    fit=Fit.xyz(left=x * PT_PER_PX, top=(page.height - y) * PT_PER_PX, zoom=0))
                parents.append((level, item))
