"""The maintainers' review page as they use it: real conversations through REST, then the page in a real
browser (Debian's chromium) lists the failures masked and grouped, in plain words (topics by their French
titles, the turn before, the bot's answer); one click makes a training example that `rasa data validate`
accepts and that training would read, or ignores a message readably; the page fits a phone's width; a wrong
secret is refused."""

from __future__ import annotations

import subprocess
import sys
import uuid
from pathlib import Path

import pytest
import yaml
from playwright.sync_api import Browser, Locator, Page, ViewportSize, expect

from tests.conftest import PROJECT_ROOT
from tests.e2e.conftest import REVIEW_SECRET, Assistant
from tests.e2e.test_widget import browser  # noqa: F401 (the fixture: one chromium for the module)

SCREENSHOT = PROJECT_ROOT / "docs" / "review.png"
# Not understood, twice in near-identical words, with a phone number the guard masks before storing.
NOT_UNDERSTOOD = (
    "vous reparez les velos electriques 06 12 34 56 78 ?",
    "Vous réparez les vélos électriques 06 12 34 56 78",
)
HTML_MESSAGE = "<img src=x onerror=alert(1)> vous vendez des trottinettes ?"
# A phone's width, in CSS pixels.
PHONE: ViewportSize = {"width": 375, "height": 800}


def card(page: Page, *texts: str) -> Locator:
    """The card of the message that holds one of `texts`."""
    found = page.locator("article.group", has_text=texts[0])
    for text in texts[1:]:
        found = found.or_(page.locator("article.group", has_text=text))
    return found


@pytest.fixture(scope="module")
def review_page(assistant: Assistant) -> tuple[str, Path]:
    """The review page `make run` started (REVIEW_SECRET set), writing into a copy of data/."""
    assert assistant.review_url and assistant.review_data, "the shared assistant runs with REVIEW_SECRET"
    return assistant.review_url, assistant.review_data


def test_a_maintainer_turns_failures_into_training_examples(
    assistant: Assistant,
    review_page: tuple[str, Path],
    browser: Browser,  # noqa: F811
):
    url, data = review_page
    for number, text in enumerate(NOT_UNDERSTOOD):
        sender = f"review-visitor-{number}-{uuid.uuid4().hex[:6]}"
        if number == 0:  # a turn before it, to judge it in context
            assistant.ask("c'est gratuit ?", sender=sender)
        assistant.ask(text, sender=sender)
    rated = f"review-visitor-rated-{uuid.uuid4().hex[:6]}"
    assistant.ask("c'est ouvert le dimanche ?", sender=rated)
    assistant.ask('/rate_answer{"rating": "not_helpful"}', sender=rated)
    # Understood, but under the review's confidence threshold (REVIEW_MIN_CONFIDENCE of the shared assistant).
    assistant.ask("quels sont les horaires d'ouverture ?", sender=f"review-visitor-hesitant-{uuid.uuid4().hex[:6]}")
    assistant.ask(HTML_MESSAGE, sender=f"review-visitor-html-{uuid.uuid4().hex[:6]}")

    # Tall enough for the screenshot to show a whole message with its buttons.
    context = browser.new_context(
        http_credentials={"username": "mainteneur", "password": REVIEW_SECRET},
        locale="fr-FR",
        viewport={"width": 1100, "height": 1150},
    )
    page = context.new_page()
    page.goto(url)
    expect(page.locator("h1")).to_have_text("Relecture de l'assistant")
    group = card(page, "vélos électriques", "velos electriques")
    expect(group).to_have_count(1)  # the two near duplicates are one group
    expect(group).to_contain_text("[téléphone masqué]")
    expect(group).not_to_contain_text("06 12 34 56 78")
    expect(group).to_contain_text("2 fois")
    expect(group).to_contain_text("non compris")
    expect(group.locator(".badge.lang")).to_have_text("FR")
    # The turn before and the bot's answer, in plain words.
    expect(group.locator("dd").first).to_contain_text("Visiteur : « c'est gratuit ? »")
    expect(group.locator("dd").first).to_contain_text("Bot : « ")
    expect(group.locator("dd").nth(1)).not_to_have_text("aucune")
    expect(card(page, "c'est ouvert le dimanche ?")).to_contain_text("réponse jugée inutile")
    expect(card(page, "quels sont les horaires d'ouverture ?")).to_contain_text("hésitation du modèle")
    # Topics by their French titles: no intent id anywhere a reviewer reads.
    shown = page.locator("main").inner_text()
    assert "ask_" not in shown and "out_of_scope" not in shown and "nlu_fallback" not in shown
    expect(card(page, "quels sont les horaires d'ouverture ?").locator("button.topic").first).to_have_text(
        "Les horaires"
    )
    # HTML a visitor typed is shown as text, never run or rendered.
    html_card = card(page, "vous vendez des trottinettes")
    expect(html_card).to_have_count(1)
    expect(html_card.locator(".message")).to_have_text(f"« {HTML_MESSAGE} »")
    expect(page.locator("img[src='x']")).to_have_count(0)
    expect(page.locator("img[src='/rapport.png']")).to_be_visible()
    assert page.evaluate("document.querySelector(\"img[src='/rapport.png']\").naturalWidth") > 0
    expect(page.locator("#rapport ~ .scroll table").first).to_contain_text("messages")  # shares with their size
    assert "review-visitor" not in page.content()  # no conversation id
    page.screenshot(path=str(SCREENSHOT), full_page=False)

    # One click: the bot's first guess for the message rated unhelpful.
    sunday = card(page, "c'est ouvert le dimanche ?")
    guess = sunday.locator("button.topic").first
    title = guess.inner_text()
    guessed_intent = guess.get_attribute("value")
    guess.click()
    expect(page.locator("[role=status]")).to_contain_text(f"Ajouté comme exemple de « {title} »")
    expect(card(page, "c'est ouvert le dimanche ?")).to_have_count(0)  # in the training data now
    # "Hors sujet" for the two near duplicates, at once.
    group.locator("button", has_text="Hors sujet").click()
    expect(page.locator("[role=status]")).to_contain_text("Ajouté comme exemple de « Hors sujet »")
    expect(card(page, "lectriques")).to_have_count(0)
    # "Ignorer": no longer listed, recorded readably.
    card(page, "quels sont les horaires d'ouverture ?").locator("button", has_text="Ignorer").click()
    expect(page.locator("[role=status]")).to_contain_text("Message ignoré")
    expect(card(page, "quels sont les horaires d'ouverture ?")).to_have_count(0)
    context.close()

    # On a phone: nothing wider than the screen.
    phone = browser.new_context(
        http_credentials={"username": "mainteneur", "password": REVIEW_SECRET}, locale="fr-FR", viewport=PHONE
    )
    page = phone.new_page()
    page.goto(url)
    expect(card(page, "vous vendez des trottinettes")).to_be_visible()
    card(page, "vous vendez des trottinettes").locator("summary", has_text="Autre sujet").click()
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    phone.close()

    written = (data / "nlu" / "reviewed.yml").read_text(encoding="utf-8")
    assert "# ignoré le " in written and " : quels sont les horaires d'ouverture ?" in written
    reviewed = yaml.safe_load(written)
    blocks = {block["intent"]: block["examples"] for block in reviewed["nlu"]}
    assert "c'est ouvert le dimanche ?" in blocks[guessed_intent]
    block = {"intent": "out_of_scope", "examples": blocks["out_of_scope"]}
    assert "[téléphone masqué]" in block["examples"]
    validate = subprocess.run(
        [str(Path(sys.executable).parent / "rasa"), "data", "validate", "--domain", "domain.yml", "--data", str(data),
         "--config", "config.yml", "--fail-on-warnings"],
        cwd=PROJECT_ROOT, capture_output=True, text=True, timeout=600,
    )  # fmt: skip
    assert validate.returncode == 0, validate.stdout[-2000:] + validate.stderr[-2000:]

    # What training reads (Rasa's importer, as `rasa train` uses it) includes the reviewed example.
    from rasa.shared.importers.importer import TrainingDataImporter

    importer = TrainingDataImporter.load_from_config(
        str(PROJECT_ROOT / "config.yml"), str(PROJECT_ROOT / "domain.yml"), [str(data)]
    )
    trained_on = {(m.get("text"), m.get("intent")) for m in importer.get_nlu_data().intent_examples}
    example = block["examples"].splitlines()[0].removeprefix("- ")
    assert (example, "out_of_scope") in trained_on


def test_the_page_refuses_a_browser_without_the_secret(review_page: tuple[str, Path], browser: Browser):  # noqa: F811
    url, _ = review_page
    # Chromium's own request context (a page's navigation turns a 401 into a browser error page).
    without_secret = browser.new_context()
    wrong_secret = browser.new_context(http_credentials={"username": "mainteneur", "password": "pas-le-secret"})
    for context in (without_secret, wrong_secret):
        for path in ("", "rapport.png"):
            response = context.request.get(url + path)
            assert response.status == 401 and response.body() == b""
        context.close()


def test_the_report_counts_the_conversations_sent_and_a_purge_removes_them(
    assistant: Assistant, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
):
    from ops.conversations import read_conversations
    from staff.report import weekly_figures

    # endpoints.yml reads the assistant's tracker store from the environment, as `make report` does.
    monkeypatch.setenv("TRACKER_DB", str(assistant.tracker_db))
    monkeypatch.setenv("ACTIONS_PORT", str(assistant.actions_port))
    endpoints = str(PROJECT_ROOT / "endpoints.yml")

    def this_week() -> tuple[int, int, int, int, int]:
        weeks = weekly_figures(read_conversations(endpoints))
        latest = weeks[-1] if weeks else None
        if latest is None:
            return (0, 0, 0, 0, 0)
        return (latest.conversations, latest.turns, latest.not_understood, latest.helpful, latest.not_helpful)

    before = this_week()
    first, second = (f"report-visitor-{number}-{uuid.uuid4().hex[:6]}" for number in range(2))
    assistant.ask("c'est gratuit ?", sender=first)
    assistant.ask('/rate_answer{"rating": "helpful"}', sender=first)
    assistant.ask("blorp zug flimmer ?", sender=second)
    after = this_week()
    assert tuple(b - a for a, b in zip(before, after, strict=True)) == (2, 2, 1, 1, 0)

    report = subprocess.run(
        [str(Path(sys.executable).parent / "cdm-report"), "--endpoints", endpoints, "--out", str(tmp_path)],
        cwd=PROJECT_ROOT, capture_output=True, text=True, timeout=300,
    )  # fmt: skip
    assert report.returncode == 0, report.stderr[-2000:]
    written = (tmp_path / "report.md").read_text(encoding="utf-8")
    assert f"| {after[0]} | {after[1]} |" in written and "report-visitor" not in written
    assert "c'est gratuit" not in written  # counts only (the topic's title "Est-ce gratuit ?" may be there)
    assert (tmp_path / "report.png").read_bytes()[:4] == b"\x89PNG"

    purge = subprocess.run(
        [str(Path(sys.executable).parent / "cdm-purge"), "--days", "0", "--endpoints", endpoints],
        cwd=PROJECT_ROOT, capture_output=True, text=True, timeout=300,
    )  # fmt: skip
    assert purge.returncode == 0, purge.stderr[-2000:]
    assert this_week() == (0, 0, 0, 0, 0)
