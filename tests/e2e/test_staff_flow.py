"""The staff's whole loop, as they live it, in a real browser (Debian's chromium): a message the bot did not
understand is labelled on the review page, a fact is edited and previewed on the facts page, « Publier » validates,
retrains, judges and swaps the model in the running assistant, and the bot then understands the message and gives
the new fact through REST. Conversations going on during the swap are answered throughout, and one that started
before it goes on after it.

Everything on copies: the data folder, the knowledge file and a models folder (RASA_MODEL), in a temporary folder;
the repository's data/ and models/ are left alone. The stopwatch runs from opening the review page to the fixed
answer through REST: the machine's part of the time a staff member needs from a failed message to a published fix
(written to the test's output and to results/staff-flow.json). The screenshots of docs/maintainers.md are taken
here (docs/publish-button.png, docs/publish.png).
"""

from __future__ import annotations

import json
import shutil
import threading
import time
import uuid
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pytest
import requests
from playwright.sync_api import Browser, ViewportSize, expect

from tests.conftest import PROJECT_ROOT
from tests.e2e.conftest import REVIEW_SECRET, Assistant, running_assistant, staff_pages_on_copies
from tests.e2e.test_facts_page import edit_and_preview_the_hours
from tests.e2e.test_widget import browser  # noqa: F401 (the fixture: one chromium for the module)

# Not understood by the repository's model (the fallback, its best guesses elsewhere): the staff label it "Les
# horaires", a topic the bot did not even guess.
FAILED = "à partir de quand je peux débarquer chez vous le matin ?"
NEW_FR = "Horaires publiés par le test : ouvert dès 8 h 30 du lundi au vendredi."
NEW_EN = "Hours published by the test: open from 8:30 am, Monday to Friday."
BUTTON_SCREENSHOT = PROJECT_ROOT / "docs" / "publish-button.png"
RESULT_SCREENSHOT = PROJECT_ROOT / "docs" / "publish.png"
TIMING = PROJECT_ROOT / "results" / "staff-flow.json"
# The whole publication (validation, training on 2 cores, gates, swap) must end within this.
PUBLISH_TIMEOUT_MS = 15 * 60 * 1000
PHONE: ViewportSize = {"width": 375, "height": 800}


@dataclass
class Visitors:
    """A visitor who keeps talking while the model is swapped: every answer's status and time."""

    assistant: Assistant
    sender: str = field(default_factory=lambda: f"during-publish-{uuid.uuid4().hex[:6]}")
    answers: list[tuple[int, float]] = field(default_factory=list)
    stop: threading.Event = field(default_factory=threading.Event)

    def talk(self) -> None:
        while not self.stop.is_set():
            started = time.monotonic()
            try:
                status = requests.post(
                    self.assistant.rest_url, json={"sender": self.sender, "message": "c'est gratuit ?"}, timeout=120
                ).status_code
            except requests.RequestException:
                status = 0
            self.answers.append((status, time.monotonic() - started))
            self.stop.wait(2)


@pytest.fixture(scope="module")
def staff_assistant(
    trained_model: None, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[tuple[Assistant, Path, Path]]:
    """`make run` with the review page, on copies of data/, of the knowledge file and of the models folder."""
    folder = tmp_path_factory.mktemp("staff")
    staff_pages = staff_pages_on_copies(folder)
    models = folder / "models"
    models.mkdir()
    newest = max((PROJECT_ROOT / "models").glob("*.tar.gz"), key=lambda path: path.stat().st_mtime)
    shutil.copy2(newest, models / newest.name)
    with running_assistant(folder / "run.log", RASA_MODEL=str(models), **staff_pages) as running:
        yield running, Path(staff_pages["CDM_KNOWLEDGE_FILE"]), models
    assert running.publish_access is not None and not running.publish_access.exists()  # gone with its start


def test_a_failed_message_becomes_a_published_fix_the_bot_gives(
    staff_assistant: tuple[Assistant, Path, Path],
    browser: Browser,  # noqa: F811
):
    assistant, knowledge, models = staff_assistant
    served_before = {path.name for path in models.glob("*.tar.gz")}
    before = assistant.texts(FAILED, f"staff-visitor-{uuid.uuid4().hex[:6]}")
    assert NEW_FR not in before
    ongoing = f"staff-ongoing-{uuid.uuid4().hex[:6]}"
    assistant.ask("c'est gratuit ?", ongoing)

    context = browser.new_context(
        http_credentials={"username": "Marie", "password": REVIEW_SECRET},
        locale="fr-FR",
        viewport={"width": 1100, "height": 900},
    )
    page = context.new_page()
    started = time.monotonic()  # the stopwatch: the staff member opens the review page

    # 1. The failed message, labelled "Les horaires" (not among the bot's guesses: "Autre sujet…").
    page.goto(assistant.review_url)
    card = page.locator("article.group", has_text=FAILED)
    expect(card).to_have_count(1)
    expect(page.get_by_role("button", name="Publier les changements")).to_be_visible()
    page.screenshot(path=str(BUTTON_SCREENSHOT))
    card.locator("summary", has_text="Autre sujet").click()
    card.get_by_label("Sujet").select_option("ask_hours")
    card.get_by_role("button", name="Ajouter à ce sujet").click()
    expect(page.get_by_role("status")).to_contain_text("Ajouté comme exemple de « Les horaires »")
    labelled = time.monotonic()

    # 2. The fact the answer gives, edited and previewed, then saved.
    page.get_by_role("link", name="Les faits").click()
    edit_and_preview_the_hours(page, NEW_FR, NEW_EN)
    page.locator("#brouillon").get_by_role("button", name="Enregistrer").click()
    expect(page.get_by_role("status")).to_contain_text("Enregistré")
    assert NEW_FR in knowledge.read_text(encoding="utf-8")
    edited = time.monotonic()

    # 3. « Publier »: a visitor keeps talking meanwhile.
    visitors = Visitors(assistant)
    talking = threading.Thread(target=visitors.talk, daemon=True)
    talking.start()
    page.get_by_role("link", name="Publier", exact=True).click()
    page.get_by_role("button", name="Publier", exact=True).click()
    expect(page.get_by_role("status")).to_contain_text("Publication en cours")
    # The page refreshes itself until the verdict, the last of the steps: "PUBLIÉ en …" or "PAS PUBLIÉ : …".
    expect(page.locator("#etapes")).to_contain_text("PUBLIÉ", timeout=PUBLISH_TIMEOUT_MS)
    published = time.monotonic()
    steps = page.locator("#etapes").inner_text()
    assert "PAS PUBLIÉ" not in steps, steps
    expect(page.get_by_role("status")).to_contain_text("Publié en")
    assert "Nouveau modèle entraîné" in steps and "OK — conversations de test : toutes réussies" in steps
    assert "L'assistant répond maintenant avec le nouveau modèle" in steps
    page.screenshot(path=str(RESULT_SCREENSHOT), full_page=True)

    # 4. The bot understands the message now, and gives the new fact.
    answer = assistant.texts(FAILED, f"staff-visitor-after-{uuid.uuid4().hex[:6]}")
    answered = time.monotonic()
    visitors.stop.set()
    talking.join(timeout=150)
    assert NEW_FR in answer, answer

    # Nobody was dropped: every answer during the publication came, and the conversation begun before goes on.
    assert visitors.answers and all(status == 200 for status, _ in visitors.answers), visitors.answers
    assert assistant.texts("et c'est anonyme ?", ongoing)
    assert assistant.publish_access is not None
    access = json.loads(assistant.publish_access.read_text(encoding="utf-8"))
    assert assistant.stored_user_texts(ongoing, access["token"])[-2:] == ["c'est gratuit ?", "et c'est anonyme ?"]
    # The new model is the one served, and the one the next start would pick.
    status = requests.get(f"{assistant.rasa_url}/status", params={"token": access["token"]}, timeout=10).json()
    newest = max(models.glob("*.tar.gz"), key=lambda path: path.stat().st_mtime)
    assert status["model_file"] == newest.name and newest.name not in served_before
    assert access["token"] not in assistant.log.read_text(encoding="utf-8", errors="replace")  # PUT /model's too

    # On a phone, the publication page fits the screen.
    phone = browser.new_context(
        http_credentials={"username": "Marie", "password": REVIEW_SECRET}, locale="fr-FR", viewport=PHONE
    )
    small = phone.new_page()
    small.goto(assistant.review_url + "publier")
    expect(small.get_by_role("button", name="Publier de nouveau")).to_be_visible()
    assert small.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    phone.close()
    context.close()

    timing = {
        "from_review_page_to_fixed_answer_s": round(answered - started, 1),
        "labelling_s": round(labelled - started, 1),
        "fact_edit_and_preview_s": round(edited - labelled, 1),
        "publication_s": round(published - edited, 1),
        "slowest_answer_during_publication_s": round(max(seconds for _, seconds in visitors.answers), 1),
        "answers_during_publication": len(visitors.answers),
        "steps": steps,
    }
    TIMING.parent.mkdir(exist_ok=True)
    TIMING.write_text(json.dumps(timing, ensure_ascii=False, indent=2), encoding="utf-8")
    print(json.dumps(timing, ensure_ascii=False, indent=2))
