"""The widget's page server (ops/serve_web.py): its fixed list of files, compression, ETags, headers."""

from __future__ import annotations

import gzip
import threading
from collections.abc import Iterator
from http.server import ThreadingHTTPServer

import pytest
import requests

from ops import serve_web
from ops.serve_web import WidgetPageHandler, accepts_gzip, etag_matches

pytestmark = pytest.mark.skipif(
    not (serve_web.WEB_DIR / serve_web.FILES[serve_web.VENDOR_PATH][0]).exists(),
    reason="the widget is not installed (make install)",
)


@pytest.fixture(scope="module")
def page_url() -> Iterator[str]:
    server = ThreadingHTTPServer(("127.0.0.1", 0), WidgetPageHandler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()
    server.server_close()


def get(url: str, **headers: str) -> requests.Response:
    # requests asks for gzip by default: each test says what it accepts.
    return requests.get(url, headers={"Accept-Encoding": "identity", **headers}, timeout=10)


@pytest.mark.parametrize("path", list(serve_web.FILES))
def test_each_file_is_gzipped_for_a_browser_that_accepts_it_and_revalidates_with_its_etag(page_url: str, path: str):
    plain = get(page_url + path)
    assert plain.status_code == 200
    assert "Content-Encoding" not in plain.headers
    compressed = get(page_url + path, **{"Accept-Encoding": "gzip, deflate, br"})
    assert compressed.headers["Content-Encoding"] == "gzip"
    assert compressed.headers["Vary"] == "Accept-Encoding"
    assert int(compressed.headers["Content-Length"]) < len(plain.content)
    assert compressed.content == plain.content  # requests decodes it
    # Each encoding has its own ETag; a return visit with it gets 304 and no body.
    assert compressed.headers["ETag"] != plain.headers["ETag"]
    for response, encoding in [(plain, "identity"), (compressed, "gzip")]:
        again = get(page_url + path, **{"Accept-Encoding": encoding, "If-None-Match": response.headers["ETag"]})
        assert again.status_code == 304
        assert again.content == b""
        assert again.headers["ETag"] == response.headers["ETag"]
        assert "script-src 'self'" in again.headers["Content-Security-Policy"]
    changed = get(page_url + path, **{"Accept-Encoding": "gzip", "If-None-Match": '"an-older-version"'})
    assert changed.status_code == 200


def test_the_widget_is_light_and_asks_nothing_of_google(page_url: str):
    raw = requests.get(page_url + "/vendor/rasa-webchat.js", stream=True, timeout=10)
    transferred = raw.raw.read()  # as sent, not decoded
    assert raw.headers["Content-Encoding"] == "gzip"
    body = gzip.decompress(transferred)
    assert len(transferred) <= 230_000, len(transferred)
    assert b"fonts.googleapis.com" not in body
    assert b"@import" not in body
    # Only the imports are gone: the rest of the file is rasa-webchat's, byte for byte.
    original = (serve_web.WEB_DIR / serve_web.FILES["/vendor/rasa-webchat.js"][0]).read_bytes()
    assert original.count(b"@import url(https://fonts.googleapis.com/") == 11
    assert serve_web.GOOGLE_FONTS_IMPORT.sub(b"", original) == body


def test_security_headers_and_only_the_listed_files(page_url: str):
    page = get(page_url + "/")
    assert page.raw.version == 11  # Chromium revalidates by ETag only an HTTP/1.1 response
    assert page.headers["X-Content-Type-Options"] == "nosniff"
    assert page.headers["Referrer-Policy"] == "no-referrer"
    assert page.headers["Cache-Control"] == "no-cache"
    assert page.headers["Content-Type"] == "text/html; charset=utf-8"
    # No favicon request: the page names an empty one.
    assert '<link rel="icon" href="data:,">' in page.text
    for path in ["/../pyproject.toml", "/node_modules/rasa-webchat/package.json", "/favicon.ico", "/%2e%2e/README.md"]:
        assert get(page_url + path).status_code == 404


def test_config_js_has_an_etag_too(page_url: str, monkeypatch: pytest.MonkeyPatch):
    monkeypatch.setenv("RASA_PORT", "5123")
    first = get(page_url + "/config.js")
    assert b'"rasaPort": 5123' in first.content
    assert get(page_url + "/config.js", **{"If-None-Match": first.headers["ETag"]}).status_code == 304
    monkeypatch.setenv("RASA_PORT", "5124")
    assert get(page_url + "/config.js", **{"If-None-Match": first.headers["ETag"]}).status_code == 200


@pytest.mark.parametrize(
    ("header", "accepted"),
    [
        ("gzip, deflate, br, zstd", True),
        ("br;q=1.0, gzip;q=0.8", True),
        ("gzip;q=0", False),
        ("deflate, br", False),
        ("*", True),
        ("", False),
        ("GZIP", True),
    ],
)
def test_accept_encoding(header: str, accepted: bool):
    assert accepts_gzip(header) is accepted


def test_etag_matches_with_the_weak_comparison():
    assert etag_matches('"abc"', '"abc"')
    assert etag_matches('W/"abc", "def"', '"abc"')
    assert etag_matches("*", '"abc"')
    assert not etag_matches('"abd"', '"abc"')
    assert not etag_matches("", '"abc"')
