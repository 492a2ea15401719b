"""The maintainers' review page (`cdm-review-web`; `make run` starts it when REVIEW_SECRET is set).

Off unless REVIEW_SECRET is set: without it the server refuses to start. Every request must carry the
secret as the password of HTTP Basic authentication (any user name); a request without it gets a bare
401 that says nothing of what the page holds. The page listens on REVIEW_HOST:REVIEW_PORT (loopback by
default, ops/settings.py): HTTPS is the reverse proxy's job in front of it (docs/deployment.md), as for the widget.

The page, in French and for the centre's staff, shows the groups of messages the bot failed (staff/review.py),
masked, without conversation id or time, then the anonymous weekly report (staff/report.py) as a page with its
chart. Each message comes with its language, the turn before it and the bot's answer, and what the bot
understood, by the topics' titles (never an intent id). One click decides: a button per likely topic, "Autre
sujet…" (the whole list, under a <details>: the page has no script), "C'est un besoin", "Hors sujet",
"Ignorer". Each message is a small form of its own; after a choice the page redirects (303) back to the
list with a confirmation, whose address names the topic chosen, never the visitor's text. The choices are
written into the reviewed-examples files. The facts page (`/faits`, staff/facts_web.py) edits the knowledge file's
facts and journals each change beside it: those are the only other files the page writes. « Publier les
changements » (`/publier`, staff/publish_web.py) runs `make publish`'s steps (staff/publish.py) in a subprocess,
which trains, judges and swaps the model, and follows them on a page that refreshes itself. It reads on a phone
(fluid layout, buttons big enough to tap). Everything shown is escaped; each form carries a token derived from the
secret, so that another website cannot post choices with a browser's remembered credentials.
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
from pathlib import Path
from typing import ClassVar
from urllib.parse import parse_qs, urlsplit

from ops import settings as ops_settings
from ops.conversations import read_conversations
from staff import facts_web, publish_web
from staff.report import REPORT_STYLE, chart_png, knowledge_lines, report_html, weekly_figures
from staff.review import (
    IGNORE,
    LANGUAGE_NAMES,
    LANGUAGES,
    NEED,
    OUT_OF_SCOPE,
    REASONS,
    REVIEWED_FILES,
    ReviewGroup,
    ReviewSettings,
    apply_decisions,
    choice_groups,
    choosable_intents,
    load_review,
    percent,
    settings_from_environment,
    shortened,
    spoken,
    topic_title,
)

SECRET_ENV = "REVIEW_SECRET"
# Posted forms are small: one choice for one group.
MAX_FORM_BYTES = 10_000
# The "Autre sujet…" button: the topic is the one chosen in the list beside it.
OTHER = "autre"
SECURITY_HEADERS = {
    # No script at all; the chart is served by the page itself.
    "Content-Security-Policy": "default-src 'none'; img-src 'self'; style-src 'unsafe-inline'; "
    "form-action 'self'; frame-ancestors 'none'; base-uri 'none'",
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "no-referrer",
    # Visitors' words: not kept in the browser's cache of a shared computer.
    "Cache-Control": "no-store",
}
_STYLE = (
    REPORT_STYLE
    + """
h2 { margin-top: 2rem; }
nav a { margin-right: 1rem; }
.status { background: #e8f4ea; border-left: .3rem solid #27ae60; padding: .6rem .8rem; }
.group { border: 1px solid #ccc; border-radius: .5rem; padding: .8rem; margin: 1rem 0; }
.message { font-size: 1.15rem; font-weight: 600; margin: .4rem 0; }
.message, .context dd, .whole, .note { overflow-wrap: anywhere; }
.badge { display: inline-block; background: #eef1f5; border-radius: .3rem; padding: .1rem .45rem;
  margin: 0 .2rem .2rem 0; font-size: .9rem; }
.badge.lang { background: #1c3f6e; color: #fff; font-weight: bold; }
.badge.reason { background: #fdecea; }
.context { margin: .5rem 0; }
.context dt { font-weight: 600; color: #444; margin-top: .4rem; }
.context dd { margin: 0 0 0 .8rem; }
.whole { white-space: pre-line; }
.question { margin: .6rem 0 .3rem; font-weight: 600; }
.buttons { display: flex; flex-wrap: wrap; gap: .5rem; }
button { font: inherit; min-height: 2.75rem; padding: .45rem .9rem; border-radius: .4rem; border: 1px solid #1c3f6e;
  background: #fff; color: #1c3f6e; cursor: pointer; max-width: 100%; text-align: left; }
button.topic { background: #1c3f6e; color: #fff; }
button.quiet { border-color: #888; color: #444; }
.other { margin-top: .6rem; }
.other summary { min-height: 2.75rem; display: flex; align-items: center; color: #1c3f6e; }
select { font: inherit; min-height: 2.75rem; max-width: 100%; margin: .3rem 0; }
"""
)
# What the page says after a choice (the redirect's `fait`).
_DONE = {
    "ajoute": "Ajouté comme exemple de « {topic} ». Quand la relecture est finie : « Publier les changements » "
    "(en haut de la page) réentraîne le bot et le met en ligne.",
    "deja": "Ce message était déjà dans les exemples relus.",
    "ignore": "Message ignoré : il ne sera plus proposé (noté, avec le jour, à la fin de {files}).",
    "choisir": "Choisissez d'abord un sujet dans la liste « Autre sujet… », puis « Ajouter à ce sujet ».",
    "disparu": "Ce message n'est plus à relire : il a déjà été traité.",
}


def knowledge_file() -> Path:
    """The knowledge file the facts page edits: the action server's (CDM_KNOWLEDGE_FILE), read at each request."""
    from actions import settings as actions_settings  # the file's place, as the action server reads it

    return actions_settings.load().knowledge_file


def form_token(secret: str) -> str:
    """The token the review form carries: only someone who knows the secret can compute it."""
    return hmac.new(secret.encode(), b"review-form", hashlib.sha256).hexdigest()


class ReviewPageHandler(BaseHTTPRequestHandler):
    secret: ClassVar[str] = ""
    settings: ClassVar[ReviewSettings]
    # The « Publier » button's publications (staff/publish_web.py): one at a time for the page.
    publications: ClassVar[publish_web.Publications] = publish_web.Publications()
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
            query = parse_qs(url.query)
            done, topic = query.get("fait", [""])[0], query.get("sujet", [""])[0]
            self._send(HTTPStatus.OK, self._page(done, topic).encode(), "text/html; charset=utf-8")
        elif url.path == "/faits":
            query = parse_qs(url.query)
            done, fact = query.get("fait", [""])[0], query.get("id", [""])[0]
            page = facts_web.facts_page(knowledge_file(), form_token(self.secret), _STYLE, done, fact)
            self._send(HTTPStatus.OK, page.encode(), "text/html; charset=utf-8")
        elif url.path == "/publier":
            page = publish_web.publish_page(self.publications.last, form_token(self.secret), _STYLE)
            self._send(HTTPStatus.OK, page.encode(), "text/html; charset=utf-8")
        elif url.path == "/rapport.png":
            self._send(HTTPStatus.OK, self._chart(), "image/png")
        else:
            self._send(HTTPStatus.NOT_FOUND, b"", "text/plain")

    def do_POST(self) -> None:  # noqa: N802
        if not self._authorised():
            return
        length = int(self.headers.get("Content-Length") or 0)
        if urlsplit(self.path).path == "/faits" and 0 < length <= facts_web.MAX_FORM_BYTES:
            self._facts_post(length)
            return
        if urlsplit(self.path).path == "/publier" and 0 < length <= MAX_FORM_BYTES:
            self._publish_post(length)
            return
        if urlsplit(self.path).path != "/relecture" or not 0 < length <= MAX_FORM_BYTES:
            self._send(HTTPStatus.BAD_REQUEST, "Requête refusée.".encode(), "text/plain; charset=utf-8")
            return
        form = self._form(length)
        if form is None:
            return
        choice = form.get("choix", "")
        if choice == OTHER:
            choice = form.get(OTHER, "")
        intents = choosable_intents(self.settings.domain_file)
        if choice and choice != IGNORE and choice not in intents:
            self._send(HTTPStatus.BAD_REQUEST, b"Sujet inconnu.", "text/plain; charset=utf-8")
            return
        groups = load_review(self.settings)
        key = form.get("groupe", "")
        if not choice:
            done = "choisir"
        elif key not in {group.key for group in groups}:
            done = "disparu"
        elif choice == IGNORE:
            apply_decisions(self.settings.data_dir, groups, {key: IGNORE}, intents)
            done = "ignore"
        else:
            done = "ajoute" if apply_decisions(self.settings.data_dir, groups, {key: choice}, intents) else "deja"
        topic = f"&sujet={choice}" if done == "ajoute" else ""
        self._redirect(f"/?fait={done}{topic}#messages")

    def _form(self, length: int) -> dict[str, str] | None:
        """The posted form, or None (and a 403 sent) when it lacks the token derived from the secret."""
        form = {
            name: values[0] for name, values in parse_qs(self.rfile.read(length).decode("utf-8", "replace")).items()
        }
        if not hmac.compare_digest(form.get("jeton", ""), form_token(self.secret)):
            self._send(HTTPStatus.FORBIDDEN, "Formulaire refusé.".encode(), "text/plain; charset=utf-8")
            return None
        return form

    def _publish_post(self, length: int) -> None:
        if self._form(length) is None:
            return
        self.publications.start()  # none while one runs: the page then shows that one
        self._redirect("/publier")

    def _redirect(self, location: str) -> None:
        self.send_response(HTTPStatus.SEE_OTHER)
        self.send_header("Location", location)
        self.send_header("Content-Length", "0")
        self.end_headers()

    def _facts_post(self, length: int) -> None:
        form = self._form(length)
        if form is None:
            return
        location, shown = facts_web.handle_post(knowledge_file(), self._credentials()[0], form)
        if shown is not None:
            page = facts_web.facts_page(knowledge_file(), form_token(self.secret), _STYLE, shown=shown)
            self._send(HTTPStatus.OK, page.encode(), "text/html; charset=utf-8")
            return
        self._redirect(location)

    def _credentials(self) -> tuple[str, str]:
        """The user name and password of the Basic authentication ("" for both when there is none or it is
        malformed). The password is the secret; the user name is free, and names the author in the history."""
        header = self.headers.get("Authorization") or ""
        if not header.startswith("Basic "):
            return "", ""
        try:
            user, _, password = base64.b64decode(header[6:], validate=True).decode("utf-8").partition(":")
        except (ValueError, UnicodeDecodeError):
            return "", ""
        return user, password

    def _authorised(self) -> bool:
        password = self._credentials()[1]
        if self.secret and hmac.compare_digest(password.encode(), self.secret.encode()):
            return True
        self.send_response(HTTPStatus.UNAUTHORIZED)
        self.send_header("WWW-Authenticate", 'Basic realm="relecture", charset="UTF-8"')
        self.send_header("Content-Length", "0")
        self.end_headers()
        return False

    def _chart(self) -> bytes:
        return chart_png(weekly_figures(read_conversations(self.settings.endpoints_file)))

    def _notice(self, done: str, topic: str) -> str:
        if done not in _DONE or (done == "ajoute" and topic not in choosable_intents(self.settings.domain_file)):
            return ""
        files = " et ".join(f"<code>data/{html.escape(str(path))}</code>" for path in REVIEWED_FILES.values())
        text = _DONE[done].format(topic=html.escape(topic_title(topic)) if topic else "", files=files)
        return f'<p class="status" role="status">{text}</p>'

    def _page(self, done: str, topic: str) -> str:
        # One reading of the tracker store for both the review and the report.
        conversations = read_conversations(self.settings.endpoints_file)
        groups = load_review(self.settings, conversations)
        intents = choosable_intents(self.settings.domain_file)
        report = report_html(weekly_figures(conversations), *knowledge_lines(), chart_src="/rapport.png", level=3)
        cards = "\n".join(self._group_card(group, intents) for group in groups)
        return f"""<!DOCTYPE html>
<html lang="fr"><head><meta charset="utf-8"><title>Relecture de l'assistant</title>
<meta name="viewport" content="width=device-width, initial-scale=1"><style>{_STYLE}</style></head>
<body><main>
<h1>Relecture de l'assistant</h1>
<nav><a href="#messages">Messages à relire ({len(groups)})</a> <a href="#rapport">Rapport de la semaine</a>
<a href="/faits">Les faits</a> <a href="/publier">Publier</a></nav>
{self._notice(done, topic)}
<p class="note">Les exemples relus ici et les faits modifiés sont mis en ligne par un seul bouton :</p>
{publish_web.publish_form(form_token(self.secret))}
<h2 id="messages">Messages à relire</h2>
<p class="note">Des messages de visiteurs (masqués) que le bot n'a pas compris, sur lesquels il a hésité, dont la
réponse manquait au fichier de connaissances, ou dont la réponse a été jugée inutile ; les messages presque
identiques n'en font qu'un, les plus fréquents d'abord. Pour chacun, d'un clic : le sujet dont c'est un exemple,
« C'est un besoin » (un projet de formation, d'emploi…), « Hors sujet », ou « Ignorer ». Sans clic, le message
reste pour plus tard.</p>
{cards or "<p>Rien à relire pour le moment.</p>"}
<h2 id="rapport">Rapport de la semaine</h2>
{report}</main></body></html>
"""

    def _group_card(self, group: ReviewGroup, intents: list[str]) -> str:
        key = html.escape(group.key)
        language = html.escape(LANGUAGES.get(group.language, group.language.upper()))
        language_name = html.escape(LANGUAGE_NAMES.get(group.language, ""))
        reasons = "".join(
            f'<span class="badge reason">{html.escape(REASONS[reason])}</span>' for reason in group.reasons
        )
        times = "1 fois" if group.count == 1 else f"{group.count} fois"
        variants = "".join(f"<li>« {html.escape(text)} »</li>" for text in group.variants[1:6])
        variants = f'<p class="note">Aussi écrit :</p><ul class="note">{variants}</ul>' if variants else ""
        guesses = [intent for intent in group.guesses(intents) if intent not in (NEED, OUT_OF_SCOPE)]
        understood = html.escape(group.understood)
        others = [f"{topic_title(intent)} ({percent(share)})" for intent, share in group.likely_alternatives[:2]]
        if others:
            understood += " ; ensuite : " + html.escape(", ".join(others))
        buttons = [
            f'<button class="topic" name="choix" value="{html.escape(intent)}">'
            f"{html.escape(topic_title(intent))}</button>"
            for intent in guesses
        ]
        if NEED in intents:
            buttons.append(f'<button name="choix" value="{NEED}">C\'est un besoin (formation, emploi…)</button>')
        if OUT_OF_SCOPE in intents:
            buttons.append(f'<button name="choix" value="{OUT_OF_SCOPE}">Hors sujet</button>')
        buttons.append(f'<button class="quiet" name="choix" value="{IGNORE}">Ignorer</button>')
        options = "".join(
            f'<optgroup label="{html.escape(heading)}">'
            + "".join(
                f'<option value="{html.escape(intent)}">{html.escape(title)}</option>' for intent, title in choices
            )
            + "</optgroup>"
            for heading, choices in choice_groups(intents)
        )
        return f"""<article class="group" aria-labelledby="m-{key}">
<p><span class="badge lang" title="message {language_name}">{language}</span>
<span class="badge">{times}</span>{reasons}</p>
<p class="message" id="m-{key}">« {html.escape(group.text)} »</p>
{variants}<dl class="context">
<dt>Juste avant</dt><dd>{self._before(group)}</dd>
<dt>Réponse du bot</dt><dd>{self._answer(group.answer)}</dd>
<dt>Le bot a compris</dt><dd>{understood}</dd>
</dl>
<form method="post" action="/relecture">
<input type="hidden" name="jeton" value="{form_token(self.secret)}"><input type="hidden" name="groupe" value="{key}">
<p class="question">C'est un exemple de :</p>
<div class="buttons">{"".join(buttons)}</div>
<details class="other"><summary>Autre sujet…</summary>
<label for="autre-{key}">Sujet</label><br>
<select id="autre-{key}" name="{OTHER}"><option value="">— choisir un sujet —</option>{options}</select>
<button name="choix" value="{OTHER}">Ajouter à ce sujet</button>
</details>
</form>
</article>"""

    @staticmethod
    def _before(group: ReviewGroup) -> str:
        if not group.previous_text and not group.previous_answer:
            return "rien : c'est le premier message de la conversation"
        lines = []
        if group.previous_text:
            lines.append(f"Visiteur : {html.escape(spoken(group.previous_text))}")
        if group.previous_answer:
            lines.append(f"Bot : « {html.escape(shortened(group.previous_answer))} »")
        return "<br>".join(lines)

    @staticmethod
    def _answer(answer: str) -> str:
        if not answer:
            return "aucune"
        short = shortened(answer)
        if short == " ".join(answer.split()):
            return f"« {html.escape(short)} »"
        return (
            f"« {html.escape(short)} »<details><summary>Réponse entière</summary>"
            f'<p class="whole">{html.escape(answer)}</p></details>'
        )

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
