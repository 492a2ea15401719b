"""The facts page (staff/facts_edit.py, staff/facts_web.py, actions/preview.py) and the reload of a changed knowledge
file (actions/knowledge_store.py): staff edit facts without YAML, and the bot uses them without restart."""

from __future__ import annotations

import base64
import shutil
import subprocess
import sys
import threading
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Callable, Iterator
from datetime import datetime
from pathlib import Path

import pytest

from actions.knowledge.loading import DEFAULT_KNOWLEDGE_FILE, load_knowledge
from ops.processes import free_port
from staff import facts_edit
from staff.facts_edit import Draft, EditError
from staff.review_web import ReviewPageHandler, form_token
from tests.conftest import PROJECT_ROOT

NOW = datetime(2026, 12, 7, 10, 30)
REGION = Draft(
    "Présente à Marseille, elle rayonne aussi en région grâce à ses centres associés (texte modifié).",
    "It is based in Marseille, and reaches across the region (edited text).",
    "seed",
)


@pytest.fixture
def knowledge(tmp_path: Path) -> Path:
    path = tmp_path / "knowledge" / "cite_des_metiers.yml"
    path.parent.mkdir()
    shutil.copy(DEFAULT_KNOWLEDGE_FILE, path)
    return path


def test_an_unchanged_file_is_written_back_byte_identical():
    text = DEFAULT_KNOWLEDGE_FILE.read_text(encoding="utf-8")
    assert facts_edit.dump(facts_edit.parse(text)) == text


def test_a_one_fact_edit_changes_only_that_facts_lines_and_is_journaled(knowledge: Path):
    before = knowledge.read_text(encoding="utf-8").splitlines()
    change = facts_edit.save_edit(knowledge, "marie", "region", REGION, now=NOW)
    after = knowledge.read_text(encoding="utf-8").splitlines()
    changed = [number for number, (old, new) in enumerate(zip(before, after, strict=True)) if old != new]
    assert [after[number].split(":")[0].strip() for number in changed] == ["text", "text_en"]
    assert load_knowledge(knowledge).fact("region").text == REGION.text
    assert change.who == "marie" and change.when == "2026-12-07T10:30:00"
    assert change.before is not None and change.before["text"].startswith("Présente à Marseille, elle rayonne")
    assert change.after == REGION.fields()
    journal = facts_edit.read_changes(facts_edit.journal_of(knowledge))
    assert [(one.number, one.fact, one.who) for one in journal] == [(1, "region", "marie")]


def test_an_invalid_draft_is_refused_in_french_and_nothing_is_saved(knowledge: Path):
    text = knowledge.read_text(encoding="utf-8")
    for draft, words in (
        (Draft("", "It is based in Marseille.", "seed"), 'le champ "text" (texte français) est vide'),
        (Draft("Un texte.", "A text.", "nowhere"), "nowhere"),
        (Draft("Un texte.", "A text.", "seed", "2027-02-30"), "n'est pas une date valide"),
    ):
        with pytest.raises(EditError) as refused:
            facts_edit.save_edit(knowledge, "marie", "region", draft, now=NOW)
        assert any(words in problem for problem in refused.value.problems), refused.value.problems
    assert knowledge.read_text(encoding="utf-8") == text
    assert not facts_edit.journal_of(knowledge).exists()


def test_an_end_date_is_written_and_removed(knowledge: Path):
    facts_edit.save_edit(knowledge, "marie", "region", Draft(REGION.text, REGION.text_en, "seed", "2030-06-30"))
    assert "    valid_until: 2030-06-30\n" in knowledge.read_text(encoding="utf-8")
    assert str(load_knowledge(knowledge).every_fact()["region"].valid_until) == "2030-06-30"
    facts_edit.save_edit(knowledge, "marie", "region", REGION)
    assert "valid_until" not in facts_edit.read(knowledge)["facts"]["region"]


def test_a_centres_hours_are_added_then_undone_back_to_the_same_file(knowledge: Path):
    original = knowledge.read_text(encoding="utf-8")
    hours = Draft("Le centre de Gap est ouvert le lundi (exemple de test).", "Open on Mondays (test).", "seed")
    added = facts_edit.save_addition(knowledge, "marie", "centre:gap:hours", hours, now=NOW)
    gap = load_knowledge(knowledge).centre("gap")
    assert gap is not None and gap.details == {"hours": added.fact} and added.before is None
    undone = facts_edit.undo(knowledge, "paul", 1, now=NOW)
    assert undone.undoes == 1 and undone.after is None and undone.who == "paul"
    assert knowledge.read_text(encoding="utf-8") == original


def test_a_public_service_is_added_to_a_need_and_previewed(knowledge: Path):
    service = Draft("Un service public de test (exemple).", "A public service (test).", "france_travail")
    added = facts_edit.save_addition(knowledge, "marie", "service:job_search", service, now=NOW)
    need = next(need for need in load_knowledge(knowledge).needs if need.id == "job_search")
    assert need.services[-1] == added.fact
    done = subprocess.run(
        [sys.executable, "-m", "actions.preview", "--knowledge", str(knowledge), "--fact", added.fact],
        cwd=PROJECT_ROOT,
        capture_output=True,
        text=True,
        timeout=120,
        check=True,
    )
    assert "(besoin : votre recherche d'emploi" in done.stdout.splitlines()[0]
    assert "Un service public de test (exemple)." in done.stdout


def test_undo_restores_the_before_values_as_a_new_change(knowledge: Path):
    original = knowledge.read_text(encoding="utf-8")
    facts_edit.save_edit(knowledge, "marie", "region", REGION, now=NOW)
    facts_edit.undo(knowledge, "paul", 1, now=NOW)
    assert knowledge.read_text(encoding="utf-8") == original
    journal = facts_edit.read_changes(facts_edit.journal_of(knowledge))
    assert [(one.number, one.who, one.undoes) for one in journal] == [(1, "marie", None), (2, "paul", 1)]
    with pytest.raises(EditError):
        facts_edit.undo(knowledge, "paul", 9)


def test_an_older_change_is_not_undone_over_a_later_one(knowledge: Path):
    facts_edit.save_edit(knowledge, "marie", "region", REGION, now=NOW)
    later = Draft("Un texte plus récent.", "A later text.", "seed")
    facts_edit.save_edit(knowledge, "paul", "region", later, now=NOW)
    with pytest.raises(EditError) as refused:
        facts_edit.undo(knowledge, "marie", 1)
    assert "a changé depuis (modification n° 2)" in refused.value.problems[0]
    assert load_knowledge(knowledge).fact("region").text == later.text
    facts_edit.undo(knowledge, "marie", 2)
    facts_edit.undo(knowledge, "marie", 1)  # its text is back to change 1's: undoing it is safe again
    assert load_knowledge(knowledge).fact("region").text.startswith("Présente à Marseille, elle rayonne")


def test_facts_are_grouped_by_topic_titles_centres_and_needs(knowledge: Path):
    found = {group.key: group for group in facts_edit.groups(facts_edit.read(knowledge))}
    assert found["topic:hours"].title == "Sujet : Les horaires"
    assert found["centre:marseille"].title == "Centre : Marseille"
    assert "address_marseille" in found["centre:marseille"].fact_ids
    assert any(key.startswith("need:") for key in found)
    assert ("centre:gap:contact", "Centre de Gap : téléphone et e-mail") in facts_edit.targets(
        facts_edit.read(knowledge)
    )


def test_the_preview_gives_the_bots_answer_with_the_draft(knowledge: Path, tmp_path: Path):
    draft = tmp_path / "draft.yml"
    data = facts_edit.read(knowledge)
    fact_id = facts_edit.add(
        data, "centre:gap:hours", Draft("Gap : ouvert le mardi (brouillon).", "Gap: open on Tuesdays (draft).", "seed")
    )
    draft.write_text(facts_edit.dump(data), encoding="utf-8")
    done = subprocess.run(
        [sys.executable, "-m", "actions.preview", "--knowledge", str(draft), "--fact", fact_id],
        cwd=PROJECT_ROOT,
        capture_output=True,
        text=True,
        timeout=120,
        check=True,
    )
    assert done.stdout.startswith("Question : « Les horaires (Gap) »")
    assert "Gap : ouvert le mardi (brouillon)." in done.stdout
    assert "Gap: open on Tuesdays (draft)." in done.stdout


# --- The page ---------------------------------------------------------------------------------------

SECRET = "un-secret-de-test"


@pytest.fixture
def facts_page(knowledge: Path, use_knowledge_file: Callable[[Path], None]) -> Iterator[str]:
    from http.server import ThreadingHTTPServer

    use_knowledge_file(knowledge)
    ReviewPageHandler.secret = SECRET
    server = ThreadingHTTPServer(("127.0.0.1", free_port()), ReviewPageHandler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()
    server.server_close()


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args: object, **kwargs: object) -> None:
        return None


def request(url: str, data: dict[str, str] | None = None, password: str = SECRET) -> tuple[int, str, str]:
    headers = {"Authorization": "Basic " + base64.b64encode(f"Marie:{password}".encode()).decode()}
    body = urllib.parse.urlencode(data).encode() if data is not None else None
    opener = urllib.request.build_opener(_NoRedirect)
    try:
        with opener.open(urllib.request.Request(url, body, headers), timeout=120) as response:
            return response.status, response.read().decode(), ""
    except urllib.error.HTTPError as error:
        return error.code, error.read().decode(), error.headers.get("Location") or ""


def test_the_page_edits_previews_saves_and_undoes_a_fact(facts_page: str, knowledge: Path):
    status, _, _ = request(facts_page + "/faits", password="mauvais")
    assert status == 401
    status, page, _ = request(facts_page + "/faits")
    assert status == 200 and "Sujet : Les horaires" in page and "Enregistrer" in page
    form = {"jeton": form_token(SECRET), "fait": "region", "texte": "<b>Nouveau</b> texte.", "texte_en": "New."}
    status, _, _ = request(facts_page + "/faits", {**form, "jeton": "faux", "action": "enregistrer"})
    assert status == 403
    status, page, _ = request(facts_page + "/faits", {**form, "source": "seed", "action": "apercu"})
    assert status == 200 and "&lt;b&gt;Nouveau&lt;/b&gt; texte." in page and "<b>Nouveau" not in page
    assert "rien n'est encore enregistré" in page
    assert "<b>" not in knowledge.read_text(encoding="utf-8")
    status, page, _ = request(facts_page + "/faits", {**form, "texte": " ", "source": "seed", "action": "enregistrer"})
    assert status == 200 and "Rien n'a été enregistré" in page and "texte français" in page
    status, _, location = request(facts_page + "/faits", {**form, "source": "seed", "action": "enregistrer"})
    assert status == 303 and location == "/faits?fait=enregistre&id=region"
    status, page, _ = request(facts_page + location)
    assert "Enregistré" in page and "Marie" in page and "Annuler" in page
    status, _, location = request(
        facts_page + "/faits", {"jeton": form_token(SECRET), "numero": "1", "action": "annuler"}
    )
    assert status == 303 and "annule" in location
    status, page, _ = request(facts_page + "/faits", {"jeton": form_token(SECRET), "numero": "7", "action": "annuler"})
    assert status == 200 and "Rien n'a été annulé" in page and "existe pas dans l&#x27;historique" in page
    assert load_knowledge(knowledge).fact("region").text.startswith("Présente à Marseille")


def test_the_page_marks_ended_facts_and_survives_a_file_broken_by_hand(knowledge: Path):
    from staff.facts_web import facts_page

    facts_edit.save_edit(knowledge, "marie", "region", Draft(REGION.text, REGION.text_en, "seed", "2020-01-31"))
    page = facts_page(knowledge, "jeton", "")
    assert "jusqu'au 2020-01-31 (terminé : le bot ne le dit plus)" in page
    # A hand edit puts an apostrophe inside single quotes: the page says where and how to fix it, in French.
    text = knowledge.read_text(encoding="utf-8")
    line = next(number for number, row in enumerate(text.splitlines(), 1) if row.strip().startswith('text: "Présente'))
    knowledge.write_text(text.replace('text: "Présente à Marseille', "text: 'Présente à l'ouest de Marseille", 1))
    broken = facts_page(knowledge, "jeton", "")
    assert "ne peut pas être lu" in broken and f"ligne {line}, colonne" in broken
    assert "Mettez le texte entre guillemets droits" in broken and "cite_des_metiers.yml" in broken
