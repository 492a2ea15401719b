"""The facts page as the staff use it: in a real browser (Debian's chromium), a reviewer edits a fact, sees the
bot's answer with the draft, saves it, and the running assistant gives the new answer through REST, without
restart or retraining; the change is in the history, with "Annuler". A fact given an end date in the past is no
longer said; a file broken by a hand edit gets the French message with its line, and the bot keeps its facts."""

from __future__ import annotations

import time
from collections.abc import Iterator
from datetime import date, timedelta
from pathlib import Path

import pytest
from playwright.sync_api import Browser, BrowserContext, Locator, Page, expect

from actions.knowledge.loading import load_knowledge
from actions.knowledge_store import CHECK_EVERY_SECONDS
from tests.e2e.conftest import REVIEW_SECRET, Assistant, running_assistant, staff_pages_on_copies
from tests.e2e.test_widget import browser  # noqa: F401 (the fixture: one chromium for the module)

NEW_FR = "Horaires de test : ouvert du lundi au vendredi (texte du test de bout en bout)."
NEW_EN = "Test hours: open Monday to Friday (end-to-end test text)."


@pytest.fixture(scope="module")
def edited_assistant(trained_model: None, tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Assistant, Path]]:
    """The assistant and its review page (`make run` with REVIEW_SECRET), on a copy of the knowledge file."""
    folder = tmp_path_factory.mktemp("facts")
    staff_pages = staff_pages_on_copies(folder)
    with running_assistant(folder / "run.log", **staff_pages) as running:
        yield running, Path(staff_pages["CDM_KNOWLEDGE_FILE"])


def edit_and_preview_the_hours(page: Page, text: str, text_en: str) -> None:
    """On the facts page, the opening hours' fact edited in both languages, and the bot's answer with the draft."""
    page.locator("summary", has_text="Sujet : Les horaires").click()
    fact = page.locator("#f-topic\\:hours-adapted_opening")
    fact.get_by_text("Modifier").click()
    fact.get_by_label("Texte en français").fill(text)
    fact.get_by_label("Texte en anglais").fill(text_en)
    fact.get_by_role("button", name="Aperçu").click()
    preview = page.locator("#apercu")
    expect(preview).to_contain_text(text)
    expect(preview).to_contain_text(text_en)


def test_a_reviewer_edits_previews_and_saves_a_fact_that_the_bot_then_says(
    edited_assistant: tuple[Assistant, Path],
    browser: Browser,  # noqa: F811
):
    assistant, knowledge = edited_assistant
    assert NEW_FR not in assistant.texts("quels sont vos horaires d'ouverture ?", "facts-before")
    context = browser.new_context(http_credentials={"username": "Marie", "password": REVIEW_SECRET}, locale="fr-FR")
    page = context.new_page()
    page.goto(assistant.review_url + "faits")
    expect(page.locator("h1")).to_have_text("Les faits de l'assistant")
    edit_and_preview_the_hours(page, NEW_FR, NEW_EN)
    assert NEW_FR not in knowledge.read_text(encoding="utf-8")  # a preview saves nothing

    page.locator("#brouillon").get_by_role("button", name="Enregistrer").click()
    expect(page.get_by_role("status")).to_contain_text("Enregistré")
    assert NEW_FR in knowledge.read_text(encoding="utf-8")
    history = page.locator("#historique + table")
    expect(history).to_contain_text("Marie")
    expect(history.get_by_role("button", name="Annuler")).to_have_count(1)

    # The action server checks the file's time every few seconds: no restart, no retraining.
    deadline = time.monotonic() + CHECK_EVERY_SECONDS + 30
    answer = ""
    while time.monotonic() < deadline and NEW_FR not in answer:
        time.sleep(1)
        answer = assistant.texts("quels sont vos horaires d'ouverture ?", f"facts-after-{time.monotonic():.0f}")
    assert NEW_FR in answer
    context.close()


def answer_once_reloaded(assistant: Assistant, question: str, done) -> str:
    """The bot's answer to `question` once the action server has had time to reload the file (`done` says so)."""
    deadline = time.monotonic() + CHECK_EVERY_SECONDS + 30
    answer = assistant.texts(question, f"reload-{time.monotonic()}")
    while time.monotonic() < deadline and not done(answer):
        time.sleep(1)
        answer = assistant.texts(question, f"reload-{time.monotonic()}")
    return answer


def facts_page_of(chromium: Browser, assistant: Assistant) -> tuple[BrowserContext, Page]:
    """The facts page, as the reviewer Marie opens it."""
    context = chromium.new_context(http_credentials={"username": "Marie", "password": REVIEW_SECRET}, locale="fr-FR")
    page = context.new_page()
    page.goto(assistant.review_url + "faits")
    return context, page


def open_fact(page: Page, topic_title: str, locator: str) -> Locator:
    """A topic's fact on the facts page, its form open."""
    page.locator("summary", has_text=f"Sujet : {topic_title}").click()
    fact = page.locator(locator)
    fact.get_by_text("Modifier").click()
    return fact


def test_a_fact_given_an_end_date_in_the_past_is_no_longer_said(
    edited_assistant: tuple[Assistant, Path],
    browser: Browser,  # noqa: F811
):
    assistant, knowledge = edited_assistant
    ending = load_knowledge(knowledge).fact("hours_unknown").text
    assert ending in assistant.texts("vous ouvrez à quelle heure ?", "ending-before")
    context, page = facts_page_of(browser, assistant)
    fact = open_fact(page, "Les horaires", "#f-topic\\:hours-hours_unknown")
    fact.get_by_label("Date de fin").fill((date.today() - timedelta(days=1)).isoformat())
    fact.get_by_role("button", name="Aperçu").click()
    page.locator("#brouillon").get_by_role("button", name="Enregistrer").click()
    expect(page.get_by_role("status")).to_contain_text("Enregistré")
    expect(page.locator("#f-topic\\:hours-hours_unknown")).to_contain_text("terminé : le bot ne le dit plus")
    answer = answer_once_reloaded(assistant, "vous ouvrez à quelle heure ?", lambda text: ending not in text)
    assert ending not in answer
    context.close()


def test_a_file_broken_by_hand_gets_the_french_message_with_its_line_and_the_bot_keeps_its_facts(
    edited_assistant: tuple[Assistant, Path],
    browser: Browser,  # noqa: F811
):
    assistant, knowledge = edited_assistant
    good = knowledge.read_text(encoding="utf-8")
    line = next(number for number, row in enumerate(good.splitlines(), 1) if row.strip().startswith('text: "Présente'))
    # The apostrophe of "l'ouest" ends a text written between apostrophes: PyYAML's error, in English, without help.
    knowledge.write_text(good.replace('text: "Présente à Marseille', "text: 'Présente à l'ouest de Marseille", 1))
    try:
        context, page = facts_page_of(browser, assistant)
        alert = page.get_by_role("alert")
        expect(alert).to_contain_text(f"ligne {line}, colonne")
        expect(alert).to_contain_text("Mettez le texte entre guillemets droits")
        context.close()
        time.sleep(CHECK_EVERY_SECONDS + 1)  # the action server has seen the broken file, and kept its facts
        assert "4-10 rue des Consuls" in assistant.texts("c'est quoi votre adresse ?", "broken-file")
    finally:
        knowledge.write_text(good, encoding="utf-8")


def test_a_draft_with_a_field_left_empty_gets_the_french_message_naming_it_and_saves_nothing(
    edited_assistant: tuple[Assistant, Path],
    browser: Browser,  # noqa: F811
):
    assistant, knowledge = edited_assistant
    before = knowledge.read_text(encoding="utf-8")
    context, page = facts_page_of(browser, assistant)
    fact = open_fact(page, "L'adresse", "#f-topic\\:address-address_marseille")
    fact.get_by_label("Texte en anglais").fill(" ")
    fact.get_by_role("button", name="Aperçu").click()
    alert = page.get_by_role("alert")
    expect(alert).to_contain_text("anglais")
    expect(alert).to_contain_text("Rien n'a été enregistré")
    assert knowledge.read_text(encoding="utf-8") == before
    context.close()
