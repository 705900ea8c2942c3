"""Bank → the printed handbook: the handbook HTML laid out by WeasyPrint, reading only project files."""

from __future__ import annotations

import hashlib
import os
from collections.abc import Iterator
from contextlib import contextmanager

from prepbook.bank import Bank
from prepbook.errors import BuildError
from prepbook.render import Settings
from prepbook.render.html import handbook_html

try:
    import weasyprint
except OSError as error:  # Pango or its friends are missing from the system
    raise BuildError(
        "WeasyPrint cannot load its system libraries (Pango). Install them with:\n"
        "  sudo apt-get install -y libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0"
    ) from error

from prepbook.render.fetcher import ProjectFetcher


class PdfRenderer:
    name = "pdf"
    filename = "handbook.pdf"

    def render(self, bank: Bank, settings: Settings) -> bytes:
        html = handbook_html(bank, settings)
        fetcher = ProjectFetcher([settings.templates_dir])
        with _source_date_epoch(settings.source_date):
            document = weasyprint.HTML(string=html, base_url=settings.templates_dir.as_uri() + "/",
                                       url_fetcher=fetcher).render()
            # A fixed identifier derived from the input keeps the bytes reproducible.
            identifier = hashlib.sha256(html.encode("utf-8")).hexdigest()[:32].encode()
            return document.write_pdf(pdf_identifier=identifier)


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


RENDERER = PdfRenderer()
