"""The only way the PDF renderer reads a file: from inside the project's allowed folders, nothing else."""

from __future__ import annotations

import logging
from pathlib import Path
from typing import NoReturn
from urllib.parse import unquote, urlsplit

from weasyprint.urls import URLFetcher, URLFetcherResponse

LOGGER = logging.getLogger("prepbook")


class ProjectFetcher(URLFetcher):  # type: ignore[misc]  # WeasyPrint publishes no types
    """Serves file: URLs that resolve (symlinks followed) inside `roots`; refuses network, data: and the rest.

    Content is untrusted: a stylesheet or record must never make WeasyPrint read /etc/passwd, climb out with
    ../, follow a symlink out of the project, or reach the network.
    """

    def __init__(self, roots: list[Path]) -> None:
        super().__init__(allowed_protocols={"file"})
        self.roots = [root.resolve() for root in roots]

    def fetch(self, url: str, headers: dict[str, str] | None = None) -> URLFetcherResponse:
        parts = urlsplit(url)
        if parts.scheme != "file" or parts.netloc not in ("", "localhost"):
            self._refuse(url, "only files inside the project are read")
        path = Path(unquote(parts.path)).resolve()
        if not any(path.is_relative_to(root) for root in self.roots):
            self._refuse(url, "it is outside the templates and content folders")
        if not path.is_file():
            self._refuse(url, "no such file")
        return URLFetcherResponse(url, body=path.read_bytes())

    def _refuse(self, url: str, why: str) -> NoReturn:
        LOGGER.warning("refused to load %s: %s", url, why)
        raise ValueError(f"refused {url}: {why}")
