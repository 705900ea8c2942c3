"""`prepbook watch`: build, then build again whenever the content or the templates change; serve the HTML preview
on this machine and have the browser reload it after each build.

Changes are watched with watchfiles, which takes them from the system's notifications (inotify, FSEvents,
ReadDirectoryChangesW) through Rust's notify crate, the watcher uvicorn's reloader runs on. It runs in a thread of
its own that only raises a flag; builds run one after another in the caller's thread. So a change during a build
never interrupts it, and any number of changes during one build make exactly one more build after it.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Sequence
from functools import partial
from http import HTTPStatus
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any, Self
from urllib.parse import parse_qs, urlsplit

import watchfiles

from prepbook.errors import UsageError

LOOPBACK = "127.0.0.1"  # the preview is for the author at this machine, never for the network
RELOAD_PATH = "/__prepbook__/reload"
_KEEP_ALIVE = 15.0  # seconds between the comments that keep an idle event stream open through proxies
# Every editor save is several events (a temporary file, a rename, a chmod): a build starts once the files have
# been quiet for this long, and within watchfiles' 1.6 s at the latest during a long burst.
_QUIET_MS = 100


def watch(paths: Sequence[Path], rebuild: Callable[[], None], stop: threading.Event) -> None:
    """Call `rebuild` now, then after each change under `paths`, until `stop` is set (or `rebuild` raises)."""
    changed = threading.Event()

    def notice() -> None:
        for _ in watchfiles.watch(*paths, stop_event=stop, step=_QUIET_MS, raise_interrupt=False):
            changed.set()
        changed.set()  # wakes the loop below to see `stop`

    watcher = threading.Thread(target=notice, name="prepbook-watch", daemon=True)
    watcher.start()
    try:
        rebuild()
        while True:
            changed.wait()
            if stop.is_set():
                return
            changed.clear()  # before the build: a change during it raises the flag again, for one more build
            rebuild()
    finally:
        stop.set()


class Preview:
    """The output folder served on the loopback interface, the page made to reload itself after each build: it
    listens on an event stream that sends one message per build newer than the page."""

    def __init__(self, out_dir: Path, page: str, port: int) -> None:
        self.page = page
        self._builds = 0
        self._closing = False
        self._news = threading.Condition()
        handler = partial(_Handler, preview=self, directory=str(out_dir))
        try:
            self._server = ThreadingHTTPServer((LOOPBACK, port), handler)
        except OSError as error:
            raise UsageError(f"cannot serve the preview on {LOOPBACK}:{port}: {error.strerror or error}; "
                             "choose another --port") from error
        self._server.daemon_threads = True
        self._thread = threading.Thread(target=self._server.serve_forever, name="prepbook-preview", daemon=True)

    @property
    def url(self) -> str:
        return f"http://{LOOPBACK}:{self._server.server_address[1]}/{self.page}"

    def __enter__(self) -> Self:
        self._thread.start()
        return self

    def __exit__(self, *exc_info: object) -> None:
        with self._news:
            self._closing = True
            self._news.notify_all()
        self._server.shutdown()
        self._server.server_close()

    def built(self) -> None:
        """A build finished: every open page reloads."""
        with self._news:
            self._builds += 1
            self._news.notify_all()

    @property
    def builds(self) -> int:
        with self._news:
            return self._builds

    def build_after(self, seen: int, timeout: float) -> int | None:
        """The number of the newest build once it is past `seen`; None on timeout or when the server closes."""
        with self._news:
            self._news.wait_for(lambda: self._builds > seen or self._closing, timeout)
            return self._builds if self._builds > seen and not self._closing else None

    @property
    def closing(self) -> bool:
        with self._news:
            return self._closing


class _Handler(SimpleHTTPRequestHandler):
    def __init__(self, *args: Any, preview: Preview, **kwargs: Any) -> None:
        self.preview = preview
        super().__init__(*args, **kwargs)

    def do_GET(self) -> None:
        url = urlsplit(self.path)
        if url.path == RELOAD_PATH:
            self._stream_reloads(int(parse_qs(url.query).get("since", ["0"])[0]))
        elif url.path in ("/", f"/{self.preview.page}"):
            self._send_page()
        else:
            super().do_GET()

    def _send_page(self) -> None:
        builds = self.preview.builds  # before reading: a build finishing meanwhile still reloads the page
        try:
            html = (Path(self.directory) / self.preview.page).read_text(encoding="utf-8")
        except OSError:
            self.send_error(HTTPStatus.NOT_FOUND, "not built yet: see the messages of prepbook watch")
            return
        script = (f'<script>new EventSource("{RELOAD_PATH}?since={builds}")'
                  ".onmessage = () => location.reload();</script>")
        at = html.rfind("</body>")
        body = (html[:at] + script + html[at:] if at >= 0 else html + script).encode("utf-8")
        self.send_response(HTTPStatus.OK)
        self.send_header("Content-Type", "text/html; charset=utf-8")
        self.send_header("Content-Length", str(len(body)))
        self.send_header("Cache-Control", "no-store")
        self.end_headers()
        self.wfile.write(body)

    def _stream_reloads(self, seen: int) -> None:
        self.send_response(HTTPStatus.OK)
        self.send_header("Content-Type", "text/event-stream")
        self.send_header("Cache-Control", "no-store")
        self.end_headers()
        try:
            while not self.preview.closing:
                newest = self.preview.build_after(seen, _KEEP_ALIVE)
                self.wfile.write(f"data: {newest}\n\n".encode() if newest is not None else b": waiting\n\n")
                self.wfile.flush()
                seen = newest or seen
        except OSError:  # the page went away (it reloaded, or its tab closed)
            return

    def log_message(self, format: str, *args: Any) -> None:
        """Quiet: prepbook prints only from its command line, and a request log would bury the build messages."""
