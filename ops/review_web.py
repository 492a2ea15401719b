"""The maintainers' review page (`cdm-review-web`; `make run` starts it when REVIEW_SECRET is set).

Off unless REVIEW_SECRET is set: without it the server refuses to start. Every request must carry the
secret as the password of HTTP Basic authentication (any user name); a request without it gets a bare
401 that says nothing of what the page holds. The page listens on REVIEW_HOST:REVIEW_PORT (loopback by
default, ops/settings.py): HTTPS is the reverse proxy's job in front of it (docs/deployment.md), as for the widget.

The page, in French, shows the anonymous weekly report (ops/report.py) and the groups of messages the
bot failed (ops/review.py), masked, without conversation id or time; for each group the maintainer
picks an intent, "hors sujet" or "ignorer", and the choices are written into the reviewed-examples
files, the only files the page writes. Everything shown is escaped; the form carries a token derived
from the secret, so that another website cannot post choices with a browser's remembered credentials.
"""

from __future__ import annotations

import argparse
import base64
import hashlib
import hmac
import html
import sys
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import ClassVar
from urllib.parse import parse_qs, urlsplit

from ops import settings as ops_settings
from ops.conversations import read_conversations
from ops.report import chart_png, report_markdown, stale_source_lines, weekly_figures
from ops.review import (
    IGNORE,
    OUT_OF_SCOPE,
    REASONS,
    REVIEWED_FILES,
    ReviewGroup,
    ReviewSettings,
    apply_decisions,
    choosable_intents,
    load_review,
    settings_from_environment,
)

SECRET_ENV = "REVIEW_SECRET"
# Posted forms are small: a choice per group.
MAX_FORM_BYTES = 200_000
SECURITY_HEADERS = {
    # No script at all; the chart is served by the page itself.
    "Content-Security-Policy": "default-src 'none'; img-src 'self'; style-src 'unsafe-inline'; "
    "form-action 'self'; frame-ancestors 'none'; base-uri 'none'",
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "no-referrer",
    # Visitors' words: not kept in the browser's cache of a shared computer.
    "Cache-Control": "no-store",
}
_STYLE = """
body { font-family: system-ui, sans-serif; margin: 2rem auto; max-width: 70rem; padding: 0 1rem; color: #1c1c1c; }
table { border-collapse: collapse; width: 100%; margin: 1rem 0; }
th, td { border-bottom: 1px solid #ccc; padding: .4rem; text-align: left; vertical-align: top; }
.message { font-size: 1.05rem; }
.note { color: #555; }
button { font-size: 1rem; padding: .5rem 1rem; }
"""


def form_token(secret: str) -> str:
    """The token the review form carries: only someone who knows the secret can compute it."""
    return hmac.new(secret.encode(), b"review-form", hashlib.sha256).hexdigest()


class ReviewPageHandler(BaseHTTPRequestHandler):
    secret: ClassVar[str] = ""
    settings: ClassVar[ReviewSettings]
    server_version = "review"
    sys_version = ""

    def do_GET(self) -> None:  # noqa: N802 (http.server's naming)
        url = urlsplit(self.path)
        if url.path == "/health":  # for the runner's start check: says nothing of what the page holds
            self._send(HTTPStatus.OK, b"ok", "text/plain")
            return
        if not self._authorised():
            return
        if url.path == "/":
            saved = parse_qs(url.query).get("ajoutes", [""])[0]
            self._send(HTTPStatus.OK, self._page(saved).encode(), "text/html; charset=utf-8")
        elif url.path == "/rapport.png":
            self._send(HTTPStatus.OK, self._chart(), "image/png")
        else:
            self._send(HTTPStatus.NOT_FOUND, b"", "text/plain")

    def do_POST(self) -> None:  # noqa: N802
        if not self._authorised():
            return
        length = int(self.headers.get("Content-Length") or 0)
        if urlsplit(self.path).path != "/relecture" or not 0 < length <= MAX_FORM_BYTES:
            self._send(HTTPStatus.BAD_REQUEST, "Requête refusée.".encode(), "text/plain; charset=utf-8")
            return
        form = parse_qs(self.rfile.read(length).decode("utf-8", "replace"))
        if not hmac.compare_digest(form.get("jeton", [""])[0], form_token(self.secret)):
            self._send(HTTPStatus.FORBIDDEN, "Formulaire refusé.".encode(), "text/plain; charset=utf-8")
            return
        decisions = {
            name.removeprefix("choix-"): values[0]
            for name, values in form.items()
            if name.startswith("choix-") and values[0]
        }
        intents = choosable_intents(self.settings.domain_file)
        try:
            added = apply_decisions(self.settings.data_dir, load_review(self.settings), decisions, intents)
        except ValueError:
            self._send(HTTPStatus.BAD_REQUEST, b"Intention inconnue.", "text/plain; charset=utf-8")
            return
        self.send_response(HTTPStatus.SEE_OTHER)
        self.send_header("Location", f"/?ajoutes={added}")
        self.send_header("Content-Length", "0")
        self.end_headers()

    def _authorised(self) -> bool:
        header = self.headers.get("Authorization") or ""
        password = ""
        if header.startswith("Basic "):
            try:
                password = base64.b64decode(header[6:], validate=True).decode("utf-8").partition(":")[2]
            except (ValueError, UnicodeDecodeError):
                password = ""
        if self.secret and hmac.compare_digest(password.encode(), self.secret.encode()):
            return True
        self.send_response(HTTPStatus.UNAUTHORIZED)
        self.send_header("WWW-Authenticate", 'Basic realm="relecture", charset="UTF-8"')
        self.send_header("Content-Length", "0")
        self.end_headers()
        return False

    def _chart(self) -> bytes:
        return chart_png(weekly_figures(read_conversations(self.settings.endpoints_file)))

    def _page(self, saved: str) -> str:
        # One reading of the tracker store for both the review and the report.
        conversations = read_conversations(self.settings.endpoints_file)
        groups = load_review(self.settings, conversations)
        intents = choosable_intents(self.settings.domain_file)
        report = report_markdown(weekly_figures(conversations), stale_source_lines())
        notice = (
            f'<p role="status"><strong>{int(saved)} exemple(s) ajouté(s)</strong> aux fichiers '
            f"{', '.join('data/' + str(path) for path in REVIEWED_FILES.values())}. "
            "Ensuite : <code>make train</code>, puis <code>make evaluate</code>.</p>"
            if saved.isdigit()
            else ""
        )
        return f"""<!DOCTYPE html>
<html lang="fr"><head><meta charset="utf-8"><title>Relecture de l'assistant</title>
<meta name="viewport" content="width=device-width, initial-scale=1"><style>{_STYLE}</style></head>
<body><main>
<h1>Relecture de l'assistant</h1>
{notice}
<h2>Messages à relire</h2>
<p class="note">Messages de visiteurs, masqués, que le bot n'a pas compris, sur lesquels il a hésité, dont la
réponse manquait aux sources, ou dont la réponse a été jugée inutile ; les messages presque identiques
sont regroupés, les plus fréquents d'abord. Choisissez l'intention qui aurait dû être reconnue.</p>
{self._review_form(groups, intents)}
<h2>Rapport</h2>
<img src="/rapport.png" alt="Messages par semaine, part non comprise et part jugée utile" width="800" height="400">
<pre>{html.escape(report)}</pre>
</main></body></html>
"""

    def _review_form(self, groups: list[ReviewGroup], intents: list[str]) -> str:
        if not groups:
            return "<p>Rien à relire pour le moment.</p>"
        rows = []
        for group in groups:
            options = ['<option value="">à voir plus tard</option>']
            options += [
                f'<option value="{html.escape(intent)}">'
                f"{'hors sujet (out_of_scope)' if intent == OUT_OF_SCOPE else html.escape(intent)}</option>"
                for intent in intents
            ]
            options.append(f'<option value="{IGNORE}">ignorer</option>')
            variants = "".join(f"<li>{html.escape(text)}</li>" for text in group.variants[1:6])
            label = f"choix-{group.key}"
            rows.append(
                f'<tr><td class="message">{html.escape(group.text)}'
                f"{f'<ul class=note>{variants}</ul>' if variants else ''}</td>"
                f"<td>{group.count}</td><td>{html.escape(group.language)}</td>"
                f"<td>{html.escape(group.predicted_intent)} ({group.confidence:.2f})</td>"
                f"<td>{html.escape(', '.join(REASONS[reason] for reason in group.reasons))}</td>"
                f'<td><label class="note" for="{label}">Intention</label><br>'
                f'<select id="{label}" name="{label}">{"".join(options)}</select></td></tr>'
            )
        return f"""<form method="post" action="/relecture">
<input type="hidden" name="jeton" value="{form_token(self.secret)}">
<table><thead><tr><th>message</th><th>fois</th><th>langue</th><th>compris par le bot (confiance)</th>
<th>pourquoi</th><th>bonne intention</th></tr></thead><tbody>
{"".join(rows)}
</tbody></table>
<button type="submit">Enregistrer les choix</button>
</form>"""

    def _send(self, status: HTTPStatus, body: bytes, content_type: str) -> None:
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        for name, value in SECURITY_HEADERS.items():
            self.send_header(name, value)
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, format: str, *args: object) -> None:  # noqa: A002 (http.server's naming)
        """No access log: the page's URLs say nothing personal, but nothing needs keeping either."""


def main(argv: list[str] | None = None) -> int:
    try:
        read = ops_settings.load()
    except ops_settings.SettingsError as error:
        print(f"ERROR: {error}", file=sys.stderr)
        return 2
    if read.review_secret is None:
        print(f"The review page is off: set {SECRET_ENV} to turn it on (docs/maintainers.md).", file=sys.stderr)
        return 2
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--host", default=read.review_host)
    parser.add_argument("--port", type=int, default=read.review_port)
    args, rest = parser.parse_known_args(argv)
    ReviewPageHandler.secret = read.review_secret.get_secret_value()
    ReviewPageHandler.settings = settings_from_environment(rest)
    server = ThreadingHTTPServer((args.host, args.port), ReviewPageHandler)
    print(f"Review page on http://{args.host}:{args.port}/ (user: any, password: {SECRET_ENV})", flush=True)
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass
    finally:
        server.server_close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
