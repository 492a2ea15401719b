"""Serves the demo page of the chat widget (web/) on WEB_PORT (ops/settings.py), `make run` starts it.

Only the page's own files are served, from a fixed list; `config.js` tells the widget where the
assistant is: RASA_PUBLIC_URL if set (the real website's address of the Rasa server), else the page's
own host on RASA_PORT. The Content-Security-Policy lets no inline script run. Each file goes out
gzip-compressed to a browser that accepts it, with an ETag (a hash of its content): a return visit
revalidates and gets 304 Not Modified, a few hundred bytes instead of the 715 KB widget.
"""

from __future__ import annotations

import argparse
import gzip
import hashlib
import json
import re
import threading
from dataclasses import dataclass
from http import HTTPStatus
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

from ops import settings

WEB_DIR = Path(__file__).resolve().parent.parent / "web"
VENDOR_PATH = "/vendor/rasa-webchat.js"
FILES = {
    "/": ("index.html", "text/html; charset=utf-8"),
    "/index.html": ("index.html", "text/html; charset=utf-8"),
    "/style.css": ("style.css", "text/css; charset=utf-8"),
    "/chat.js": ("chat.js", "text/javascript; charset=utf-8"),
    VENDOR_PATH: ("node_modules/rasa-webchat/lib/index.js", "text/javascript; charset=utf-8"),
}
SECURITY_HEADERS = {
    # The widget injects its styles; scripts come only from this server; replies are shown as text. Its
    # stylesheets embed their icon font as a data: URL (no request leaves the page).
    "Content-Security-Policy": "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; "
    "img-src 'self' data:; font-src 'self' data:; connect-src 'self' http: https: ws: wss:; "
    "frame-ancestors 'self'",
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "no-referrer",
}
# rasa-webchat's stylesheets (strings in its bundle) each begin with this @import of the Inter font from
# Google: visitors are anonymous, so no request may leave for Google (and the CSP refuses it anyway, an
# error in the console per stylesheet). It is cut out as the file is loaded: the system font is used.
GOOGLE_FONTS_IMPORT = re.compile(rb"@import url\(https://fonts\.googleapis\.com/[^)]*\);")
# Revalidate on every visit (the URLs carry no version), which costs a 304 when nothing changed.
CACHE_CONTROL = "no-cache"


@dataclass(frozen=True)
class Asset:
    """A file as served: its bytes, the same gzip-compressed, and the ETag of its content."""

    body: bytes
    gzipped: bytes
    etag: str
    content_type: str

    def representation(self, gzip_accepted: bool) -> tuple[bytes, str, str | None]:
        """The bytes to send, their ETag (each encoding its own, as HTTP asks of a strong one) and encoding."""
        if gzip_accepted and len(self.gzipped) < len(self.body):
            return self.gzipped, self.etag[:-1] + '-gzip"', "gzip"
        return self.body, self.etag, None


def make_asset(body: bytes, content_type: str) -> Asset:
    # mtime=0: the same bytes compress to the same bytes, whenever the server started.
    gzipped = gzip.compress(body, compresslevel=9, mtime=0)
    return Asset(body, gzipped, f'"{hashlib.sha256(body).hexdigest()[:20]}"', content_type)


def load(path: str) -> bytes:
    """A served file's bytes, the vendor file without its Google Fonts imports."""
    body = (WEB_DIR / FILES[path][0]).read_bytes()
    if path == VENDOR_PATH:
        body = GOOGLE_FONTS_IMPORT.sub(b"", body)
    return body


_cache: dict[str, tuple[tuple[int, int], Asset]] = {}
_cache_lock = threading.Lock()


def asset(path: str) -> Asset:
    """The served file, compressed once and kept; again when the file changes on disk (a deployment)."""
    stat = (WEB_DIR / FILES[path][0]).stat()
    version = (stat.st_mtime_ns, stat.st_size)
    with _cache_lock:
        cached = _cache.get(path)
        if cached is None or cached[0] != version:
            cached = (version, make_asset(load(path), FILES[path][1]))
            _cache[path] = cached
        return cached[1]


def config_script() -> bytes:
    read = settings.load()  # afresh at each request: a few microseconds, and a test changes them
    config = {"socketUrl": read.rasa_public_url, "rasaPort": read.rasa_port}
    return f"window.CDM_ASSISTANT = {json.dumps(config)};\n".encode()


def accepts_gzip(accept_encoding: str) -> bool:
    """Whether an Accept-Encoding header admits gzip (and does not refuse it with q=0)."""
    for item in accept_encoding.split(","):
        coding, _, params = item.strip().partition(";")
        if coding.strip().lower() in ("gzip", "*"):
            quality = params.strip().lower().removeprefix("q=").strip()
            try:
                return not quality or float(quality) > 0
            except ValueError:
                return False
    return False


def etag_matches(if_none_match: str, etag: str) -> bool:
    """If-None-Match uses the weak comparison: W/ prefixes do not count."""
    if if_none_match.strip() == "*":
        return True
    return etag in (tag.strip().removeprefix("W/") for tag in if_none_match.split(","))


class WidgetPageHandler(SimpleHTTPRequestHandler):
    # Chromium does not revalidate an HTTP/1.0 response by its ETag (it downloads it again): HTTP/1.1,
    # whose keep-alive every response allows (each has a Content-Length).
    protocol_version = "HTTP/1.1"

    def do_GET(self) -> None:  # noqa: N802 (http.server's naming)
        path = self.path.split("?", 1)[0]
        if path == "/config.js":
            self._send(make_asset(config_script(), "text/javascript; charset=utf-8"))
        elif path in FILES:
            self._send(asset(path))
        else:
            self.send_error(HTTPStatus.NOT_FOUND)

    def do_HEAD(self) -> None:  # noqa: N802
        self.do_GET()

    def _send(self, served: Asset) -> None:
        gzip_accepted = accepts_gzip(self.headers.get("Accept-Encoding", ""))
        body, etag, encoding = served.representation(gzip_accepted)
        not_modified = etag_matches(self.headers.get("If-None-Match", ""), etag)
        self.send_response(HTTPStatus.NOT_MODIFIED if not_modified else HTTPStatus.OK)
        self.send_header("ETag", etag)
        self.send_header("Cache-Control", CACHE_CONTROL)
        self.send_header("Vary", "Accept-Encoding")
        for header, value in SECURITY_HEADERS.items():
            self.send_header(header, value)
        if not_modified:
            self.end_headers()
            return
        self.send_header("Content-Type", served.content_type)
        if encoding:
            self.send_header("Content-Encoding", encoding)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(body)


def main(argv: list[str] | None = None) -> None:
    # No options: WEB_HOST, WEB_PORT, RASA_PORT and RASA_PUBLIC_URL come from the environment.
    argparse.ArgumentParser(description=__doc__.split("\n\n")[0], epilog=__doc__.split("\n\n", 1)[1]).parse_args(argv)
    if not (WEB_DIR / FILES[VENDOR_PATH][0]).exists():
        raise SystemExit("The widget is not installed: run `make install` (npm ci in web/).")
    for path in FILES:
        asset(path)  # compressed now, not at the first visitor's request
    try:
        read = settings.load()
    except settings.SettingsError as error:
        raise SystemExit(f"ERROR: {error}") from None
    address = (read.web_host, read.web_port)
    ThreadingHTTPServer(address, WidgetPageHandler).serve_forever()


if __name__ == "__main__":
    main()
