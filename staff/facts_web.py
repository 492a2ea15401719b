"""The facts page of the review app (`/faits`): the staff edit and add facts, see the bot's answer before saving,
and undo a change, without writing YAML. The editing itself is staff/facts_edit.py; this module renders the page
(French, no script, everything escaped) and handles its forms.

The preview runs `python -m actions.preview` as a subprocess on the draft file, so that the staff's tools import
no action: the answer shown is the real actions' answer with the draft.
"""

from __future__ import annotations

import html
import subprocess
import sys
import tempfile
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

from staff import facts_edit
from staff.facts_edit import Draft, EditError

PROJECT_ROOT = Path(__file__).resolve().parent.parent
# The preview loads the actions and the draft: a few seconds; past this, the page says it failed.
PREVIEW_TIMEOUT_SECONDS = 60
# Posted forms hold two texts: larger than the review's.
MAX_FORM_BYTES = 60_000

FACTS_STYLE = """
.fact { border: 1px solid #ccc; border-radius: .5rem; padding: .6rem .8rem; margin: .6rem 0; }
.fact p { margin: .3rem 0; overflow-wrap: anywhere; }
.meta { color: #555; font-size: .9rem; }
.ended { color: #a3261b; font-weight: 600; }
.error { background: #fdecea; border-left: .3rem solid #c0392b; padding: .6rem .8rem; }
.preview { background: #f4f6fa; border-left: .3rem solid #1c3f6e; padding: .6rem .8rem; white-space: pre-line;
  overflow-wrap: anywhere; }
.pair { display: flex; flex-wrap: wrap; gap: .8rem; }
.pair label { flex: 1 1 18rem; }
textarea, input[type=date] { font: inherit; width: 100%; box-sizing: border-box; min-height: 2.75rem; }
textarea { min-height: 6rem; }
table.changes { border-collapse: collapse; width: 100%; }
table.changes td, table.changes th { border-bottom: 1px solid #ddd; padding: .3rem; vertical-align: top;
  text-align: left; overflow-wrap: anywhere; }
@media (max-width: 40rem) {
  table.changes, table.changes tbody, table.changes tr, table.changes td { display: block; }
  table.changes tr:first-child { display: none; }
  table.changes tr { border: 1px solid #ccc; border-radius: .5rem; margin: .6rem 0; padding: .3rem; }
  table.changes td { border: 0; }
  table.changes td[data-label]::before { content: attr(data-label) " : "; font-weight: 600; }
}
"""

_DONE = {
    "enregistre": "Enregistré : le bot dit le nouveau texte du fait « {fact} » dans quelques secondes, sans "
    "réentraînement.",
    "ajoute": "Ajouté : le fait « {fact} » est enregistré ; le bot le dit dans quelques secondes.",
    "annule": "Modification annulée : le fait « {fact} » a retrouvé ses valeurs d'avant (l'annulation est notée "
    "dans l'historique).",
}


@dataclass(frozen=True)
class Shown:
    """What the page shows above the list after a preview or a refused change: the draft, and what was found."""

    fact: str  # the edited fact's id, or "" for a new fact
    target: str
    draft: Draft
    problems: list[str]
    preview: str = ""
    undoing: bool = False  # a refused undo: the problem alone, no draft to edit


def draft_of(form: dict[str, str]) -> Draft:
    return Draft(
        text=form.get("texte", ""),
        text_en=form.get("texte_en", ""),
        source=form.get("source", ""),
        valid_until=form.get("fin", ""),
    )


def preview(path: Path, fact_id: str, target: str, draft: Draft) -> tuple[str, list[str]]:
    """The bot's answer with the draft (nothing saved), or the problems that keep the draft from loading."""

    def change(data: Any) -> tuple[str, str, None]:
        if fact_id:
            facts_edit.edit(data, fact_id, draft)
            return fact_id, "", None
        return facts_edit.add(data, target, draft), target, None

    with tempfile.TemporaryDirectory() as folder:
        try:
            written, problems, shown_id = facts_edit.preview_file(path, Path(folder), change)
        except EditError as error:
            return "", error.problems
        if written is None:
            return "", problems
        try:
            done = subprocess.run(
                [sys.executable, "-m", "actions.preview", "--knowledge", str(written), "--fact", shown_id],
                cwd=PROJECT_ROOT,
                capture_output=True,
                text=True,
                timeout=PREVIEW_TIMEOUT_SECONDS,
                check=False,
            )
        except subprocess.TimeoutExpired:
            return "", ["L'aperçu a pris trop de temps : réessayez, ou enregistrez puis vérifiez dans le chat."]
    if done.returncode != 0:
        return "", [done.stderr.strip() or "L'aperçu a échoué."]
    return done.stdout.strip(), []


def handle_post(path: Path, who: str, form: dict[str, str]) -> tuple[str, Shown | None]:
    """Do what a posted form asks: ("303 location", None) when saved, ("", what to show) otherwise."""
    action = form.get("action", "")
    fact_id, target = form.get("fait", ""), form.get("cible", "")
    draft = draft_of(form)
    try:
        if action == "annuler":
            try:
                change = facts_edit.undo(path, who, int(form.get("numero", "0") or 0))
            except EditError as error:
                return "", Shown("", "", draft, error.problems, undoing=True)
            return f"/faits?fait=annule&id={change.fact}#historique", None
        if action == "apercu":
            answer, problems = preview(path, fact_id, target, draft)
            return "", Shown(fact_id, target, draft, problems, answer)
        if action == "enregistrer" and fact_id:
            facts_edit.save_edit(path, who, fact_id, draft)
            return f"/faits?fait=enregistre&id={fact_id}", None
        if action == "enregistrer":
            change = facts_edit.save_addition(path, who, target, draft)
            return f"/faits?fait=ajoute&id={change.fact}", None
    except EditError as error:
        return "", Shown(fact_id, target, draft, error.problems)
    except ValueError:
        return "", Shown(fact_id, target, draft, ["Formulaire incomplet : rechargez la page."])
    return "", Shown(fact_id, target, draft, ["Choisissez « Aperçu » ou « Enregistrer »."])


def _options(choices: list[tuple[str, str]], chosen: str) -> str:
    return "".join(
        f'<option value="{html.escape(value)}"{" selected" if value == chosen else ""}>{html.escape(label)}</option>'
        for value, label in choices
    )


def _form(token: str, data: Any, fact_id: str, draft: Draft, target: str = "", key: str = "") -> str:
    """The form of one fact (its id) or of a new fact (a choice of where it goes)."""
    key = html.escape(key or fact_id or "nouveau")
    where = (
        f'<input type="hidden" name="fait" value="{html.escape(fact_id)}">'
        if fact_id
        else f'<label>Où l\'ajouter<br><select name="cible" required><option value="">— choisir —</option>'
        f"{_options(facts_edit.targets(data), target)}</select></label>"
    )
    return f"""<form method="post" action="/faits">
<input type="hidden" name="jeton" value="{html.escape(token)}">{where}
<div class="pair"><label for="fr-{key}">Texte en français<br>
<textarea id="fr-{key}" name="texte" required>{html.escape(draft.text)}</textarea></label>
<label for="en-{key}">Texte en anglais (le même, traduit)<br>
<textarea id="en-{key}" name="texte_en" required>{html.escape(draft.text_en)}</textarea></label></div>
<label>Source<br><select name="source">{_options(facts_edit.sources(data), draft.source)}</select></label><br>
<label for="fin-{key}">Date de fin (facultative : après ce jour, le bot ne le dit plus)<br>
<input type="date" id="fin-{key}" name="fin" value="{html.escape(draft.valid_until)}"></label>
<div class="buttons"><button name="action" value="apercu">Aperçu</button>
<button class="topic" name="action" value="enregistrer">Enregistrer</button></div>
</form>"""


def _fact(token: str, data: Any, group: str, fact_id: str) -> str:
    fields = facts_edit.fact_fields(data, fact_id)
    sources = dict(facts_edit.sources(data))
    until = fields["valid_until"]
    ended = ""
    if until:
        ended = f" — jusqu'au {html.escape(until)}"
        if until < date.today().isoformat():
            ended += " (terminé : le bot ne le dit plus)"
    draft = Draft(**fields)
    return f"""<article class="fact" id="f-{html.escape(group)}-{html.escape(fact_id)}">
<p>{html.escape(fields["text"])}</p>
<p lang="en">{html.escape(fields["text_en"])}</p>
<p class="meta">Source : {html.escape(sources.get(fields["source"], fields["source"]))}
<span class="ended">{ended}</span>
— <code>{html.escape(fact_id)}</code></p>
<details><summary>Modifier</summary>{_form(token, data, fact_id, draft, key=f"{group}-{fact_id}")}</details>
</article>"""


def _shown(token: str, data: Any, shown: Shown) -> str:
    if shown.undoing:
        problems = "".join(f"<li>{html.escape(problem)}</li>" for problem in shown.problems)
        return f'<div class="error" role="alert"><p>Rien n\'a été annulé :</p><ul>{problems}</ul></div>'
    title = f"le fait « {html.escape(shown.fact)} »" if shown.fact else "un nouveau fait"
    problems = "".join(f"<li>{html.escape(problem)}</li>" for problem in shown.problems)
    block = (
        f'<div class="error" role="alert"><p>Rien n\'a été enregistré :</p><ul>{problems}</ul></div>'
        if problems
        else f"<p>Réponse du bot avec ce brouillon (rien n'est encore enregistré) :</p>"
        f'<div class="preview" id="apercu">{html.escape(shown.preview)}</div>'
    )
    return f"""<section id="brouillon"><h2>Brouillon : {title}</h2>
{block}
{_form(token, data, shown.fact, shown.draft, shown.target, key="brouillon")}</section>"""


def _changes(token: str, path: Path) -> str:
    changes = facts_edit.read_changes(facts_edit.journal_of(path))[-facts_edit.RECENT :]
    rows = []
    for change in reversed(changes):
        if change.undoes:
            what = f"annule la modification n° {change.undoes}"
        elif change.before is None:
            what = "ajout"
        else:
            what = "modification"
        before = html.escape((change.before or {}).get("text", "")) or "—"
        after = html.escape((change.after or {}).get("text", "")) or "(retiré)"
        rows.append(
            f'<tr><td data-label="N°">{change.number}</td>'
            f'<td data-label="Quand">{html.escape(change.when.replace("T", " "))}</td>'
            f'<td data-label="Qui">{html.escape(change.who)}</td>'
            f'<td data-label="Quoi"><code>{html.escape(change.fact)}</code> : {what}</td>'
            f'<td data-label="Avant">{before}</td><td data-label="Après">{after}</td><td>'
            f'<form method="post" action="/faits"><input type="hidden" name="jeton" value="{html.escape(token)}">'
            f'<input type="hidden" name="numero" value="{change.number}">'
            f'<button class="quiet" name="action" value="annuler">Annuler</button></form></td></tr>'
        )
    if not rows:
        return "<p>Aucune modification pour le moment.</p>"
    return (
        '<table class="changes"><tr><th>N°</th><th>Quand</th><th>Qui</th><th>Quoi</th><th>Avant</th>'
        f"<th>Après</th><th></th></tr>{''.join(rows)}</table>"
    )


def notice(done: str, fact: str) -> str:
    if done not in _DONE:
        return ""
    return f'<p class="status" role="status">{html.escape(_DONE[done].format(fact=fact))}</p>'


def broken_file_page(path: Path, style: str) -> str:
    """The page when the knowledge file was broken by a hand edit: what is wrong, in French, with the line and how
    to fix it, as `make validate` says it; the bot keeps its last good facts meanwhile."""
    found = facts_edit.file_problems(path) or ["le fichier ne peut pas être lu (vérifiez-le avec make validate)."]
    items = "".join(f"<li>{html.escape(problem)}</li>" for problem in found)
    return (
        '<!DOCTYPE html><html lang="fr"><head><meta charset="utf-8"><meta name="viewport" '
        'content="width=device-width, initial-scale=1"><title>Les faits de l\'assistant</title>'
        f"<style>{style}</style></head><body><main><h1>Les faits de l'assistant</h1>"
        f'<div class="error" role="alert"><p>Le fichier <code>{html.escape(path.name)}</code> a été modifié à la main '
        "et ne peut pas être lu. À corriger dans le fichier :</p>"
        f"<ul>{items}</ul><p>Tant qu'il n'est pas corrigé, l'assistant garde ses derniers faits valides. Après la "
        "correction, rechargez cette page.</p></div></main></body></html>"
    )


def facts_page(path: Path, token: str, style: str, done: str = "", fact: str = "", shown: Shown | None = None) -> str:
    try:
        data = facts_edit.read(path)
    except Exception:  # noqa: BLE001 (a file broken by hand: ruamel.yaml's errors have no common base we rely on)
        return broken_file_page(path, style)
    sections = []
    for group in facts_edit.groups(data):
        if not group.fact_ids:
            continue
        facts = "\n".join(
            _fact(token, data, group.key, fact_id) for fact_id in group.fact_ids if fact_id in data["facts"]
        )
        sections.append(
            f"<details><summary><strong>{html.escape(group.title)}</strong> "
            f"({len(group.fact_ids)})</summary>\n{facts}</details>"
        )
    new = Draft("", "", next(iter(data["sources"]), ""))
    return f"""<!DOCTYPE html>
<html lang="fr"><head><meta charset="utf-8"><title>Les faits de l'assistant</title>
<meta name="viewport" content="width=device-width, initial-scale=1"><style>{style}{FACTS_STYLE}</style></head>
<body><main>
<h1>Les faits de l'assistant</h1>
<nav><a href="/">Relecture</a> <a href="#ajouter">Ajouter un fait</a> <a href="#historique">Historique</a>
<a href="/publier">Publier</a></nav>
{notice(done, fact)}
{_shown(token, data, shown) if shown else ""}
<p class="note">Chaque fait est dit par le bot tel qu'il est écrit, en français et en anglais. Modifiez le texte,
regardez la réponse du bot avec « Aperçu », puis « Enregistrer » : le bot l'utilise dans quelques secondes, sans
réentraînement. Seul un nouveau nom (un nouveau centre, un nouveau label) demande de réentraîner le bot.</p>
<h2>Les faits</h2>
{"".join(sections)}
<h2 id="ajouter">Ajouter un fait</h2>
{_form(token, data, "", new)}
<h2 id="historique">Historique des modifications</h2>
{_changes(token, path)}
</main></body></html>
"""
