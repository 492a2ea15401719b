"""The review page's « Publier » (`/publier`): one button publishes the staff's changes, the same steps as `make
publish` (staff/publish.py, run as a subprocess: the page stays light and imports no Rasa), and a page that follows
them, refreshing itself every few seconds until the French verdict (no script: a <meta> refresh). One publication
at a time: the page starts none while its own runs, and staff/publish.py's lock refuses one started meanwhile
from a terminal, which the page then says.
"""

from __future__ import annotations

import html
import subprocess
import sys
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

from staff.publish import duration

PROJECT_ROOT = Path(__file__).resolve().parent.parent
COMMAND = [sys.executable, "-m", "staff.publish"]
# Seconds between two refreshes of the page while a publication runs.
REFRESH_SECONDS = 3

PUBLISH_STYLE = """
.steps { background: #f4f6fa; border-left: .3rem solid #1c3f6e; padding: .6rem .8rem; white-space: pre-wrap;
  overflow-wrap: anywhere; font: inherit; }
.error { background: #fdecea; border-left: .3rem solid #c0392b; padding: .6rem .8rem; white-space: pre-wrap;
  overflow-wrap: anywhere; }
"""


@dataclass
class Publication:
    """One run of staff/publish.py: its lines as they come, and its exit status once done."""

    process: subprocess.Popen[str]
    started: float = field(default_factory=time.monotonic)
    lines: list[str] = field(default_factory=list)
    finished: float | None = None

    def follow(self) -> None:
        """Reads its lines until it ends (in a thread of its own)."""
        assert self.process.stdout is not None
        for line in self.process.stdout:
            self.lines.append(line.rstrip("\n"))
        self.process.wait()
        self.finished = time.monotonic()

    @property
    def running(self) -> bool:
        return self.finished is None

    @property
    def published(self) -> bool:
        return self.finished is not None and self.process.returncode == 0

    def seconds(self) -> float:
        return (self.finished or time.monotonic()) - self.started


class Publications:
    """The page's publications: the last one, and a new one only when none runs."""

    def __init__(self, command: list[str] | None = None) -> None:
        self.command = command or COMMAND
        self.last: Publication | None = None
        self._lock = threading.Lock()

    def start(self) -> bool:
        """Starts a publication; False when one already runs."""
        with self._lock:
            if self.last is not None and self.last.running:
                return False
            process = subprocess.Popen(
                self.command,
                cwd=PROJECT_ROOT,
                stdout=subprocess.PIPE,
                stderr=subprocess.STDOUT,
                stdin=subprocess.DEVNULL,
                text=True,
                encoding="utf-8",
                errors="replace",
            )
            self.last = Publication(process)
            threading.Thread(target=self.last.follow, name="publication", daemon=True).start()
            return True


def _button(token: str, label: str) -> str:
    return (
        f'<form method="post" action="/publier"><input type="hidden" name="jeton" value="{html.escape(token)}">'
        f'<div class="buttons"><button class="topic" name="action" value="publier">{html.escape(label)}</button></div>'
        "</form>"
    )


def publish_form(token: str) -> str:
    """The button the review page shows above its list."""
    return _button(token, "Publier les changements")


def _state(publication: Publication | None, token: str) -> str:
    if publication is None:
        return f"<p>Aucune publication depuis le démarrage de la page.</p>{_button(token, 'Publier')}"
    steps = html.escape("\n".join(publication.lines) or "Démarrage…")
    seconds = duration(publication.seconds())
    if publication.running:
        return (
            f'<p class="status" role="status">Publication en cours depuis {seconds}… Cette page se met à jour toute '
            f"seule ; vous pouvez la quitter, la publication continue.</p>"
            f'<pre class="steps" id="etapes">{steps}</pre>'
        )
    if publication.published:
        verdict = (
            f'<p class="status" role="status">Publié en {seconds} : le bot donne maintenant les nouvelles réponses.</p>'
        )
    else:
        verdict = (
            '<p class="error" role="alert">Pas publié : l\'assistant garde ce qu\'il avait. La raison est '
            "à la fin des étapes ci-dessous.</p>"
        )
    return f'{verdict}<pre class="steps" id="etapes">{steps}</pre>{_button(token, "Publier de nouveau")}'


def publish_page(publication: Publication | None, token: str, style: str) -> str:
    refresh = (
        f'<meta http-equiv="refresh" content="{REFRESH_SECONDS}">'
        if publication is not None and publication.running
        else ""
    )
    return f"""<!DOCTYPE html>
<html lang="fr"><head><meta charset="utf-8"><title>Publier les changements</title>{refresh}
<meta name="viewport" content="width=device-width, initial-scale=1"><style>{style}{PUBLISH_STYLE}</style></head>
<body><main>
<h1>Publier les changements</h1>
<nav><a href="/">Relecture</a> <a href="/faits">Les faits</a></nav>
<p class="note">Publier vérifie les exemples relus et les faits, réentraîne le bot si des exemples ont changé
(quelques minutes), contrôle sa qualité, puis le met en ligne sans couper les conversations en cours. Si un
contrôle échoue, rien ne change pour les visiteurs, et la page dit pourquoi.</p>
{_state(publication, token)}
</main></body></html>
"""
