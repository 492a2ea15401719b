"""Serves the demo page of the chat widget (web/) on WEB_PORT (default 8080), `make run` starts it.

Only the page's own files are served, from a fixed list; `config.js` tells the widget where the
assistant is: RASA_PUBLIC_URL if set (the real website's address of the Rasa server), else the page's
own host on RASA_PORT. The Content-Security-Policy lets no inline script run.
"""

from __future__ import annotations

import argparse
import json
import os
from http import HTTPStatus
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

WEB_DIR = Path(__file__).resolve().parent.parent / "web"
FILES = {
    "/": ("index.html", "text/html; charset=utf-8"),
    "/index.html": ("index.html", "text/html; charset=utf-8"),
    "/style.css": ("style.css", "text/css; charset=utf-8"),
    "/chat.js": ("chat.js", "text/javascript; charset=utf-8"),
    "/vendor/rasa-webchat.js": ("node_modules/rasa-webchat/lib/index.js", "text/javascript; charset=utf-8"),
}
SECURITY_HEADERS = {
    # The widget injects its styles; scripts come only from this server; replies are shown as text.
    "Content-Security-Policy": "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; "
    "img-src 'self' data:; connect-src 'self' http: https: ws: wss:; frame-ancestors 'self'",
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "no-referrer",
}


def config_script() -> bytes:
    config = {
        "socketUrl": os.environ.get("RASA_PUBLIC_URL") or None,
        "rasaPort": int(os.environ.get("RASA_PORT", 5005)),
    }
    return f"window.CDM_ASSISTANT = {json.dumps(config)};\n".encode()


class WidgetPageHandler(SimpleHTTPRequestHandler):
    def do_GET(self) -> None:  # noqa: N802 (http.server's naming)
        path = self.path.split("?", 1)[0]
        if path == "/config.js":
            self._send(config_script(), "text/javascript; charset=utf-8")
        elif path in FILES:
            name, content_type = FILES[path]
            self._send((WEB_DIR / name).read_bytes(), content_type)
        else:
            self.send_error(HTTPStatus.NOT_FOUND)

    def do_HEAD(self) -> None:  # noqa: N802
        self.do_GET()

    def _send(self, body: bytes, content_type: str) -> None:
        self.send_response(HTTPStatus.OK)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        self.send_header("Cache-Control", "no-cache")
        for header, value in SECURITY_HEADERS.items():
            self.send_header(header, value)
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(body)


def main(argv: list[str] | None = None) -> None:
    # No options: WEB_HOST, WEB_PORT, RASA_PORT and RASA_PUBLIC_URL come from the environment.
    argparse.ArgumentParser(description=__doc__.split("\n\n")[0], epilog=__doc__.split("\n\n", 1)[1]).parse_args(argv)
    if not (WEB_DIR / FILES["/vendor/rasa-webchat.js"][0]).exists():
        raise SystemExit("The widget is not installed: run `make install` (npm ci in web/).")
    address = (os.environ.get("WEB_HOST", "0.0.0.0"), int(os.environ.get("WEB_PORT", 8080)))
    ThreadingHTTPServer(address, WidgetPageHandler).serve_forever()


if __name__ == "__main__":
    main()
