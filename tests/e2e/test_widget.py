"""The website widget in a real browser (Playwright driving Debian's chromium), and the Socket.IO channel."""

from __future__ import annotations

import re
import shutil
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
import requests
import socketio
from playwright.sync_api import Browser, BrowserContext, Dialog, Page, expect, sync_playwright

from actions.glance import visible_words
from tests.conftest import PROJECT_ROOT
from tests.e2e.conftest import Assistant
from tests.e2e.test_anonymity import stored_events

SCREENSHOT = PROJECT_ROOT / "docs" / "widget.png"
PHONE_SCREENSHOT = PROJECT_ROOT / "docs" / "widget-phone.png"
PHONE = {"viewport": {"width": 390, "height": 844}, "is_mobile": True, "has_touch": True}
# The example of a need, and the words it must get at once and on "En savoir plus".
NEED = "bjr je suis au chomage et je voudrais faire une VAE"
# Flags for a headless chromium on a machine with no network but loopback.
CHROMIUM_ARGS = [
    "--headless=new", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
]  # fmt: skip
ANSWER_TIMEOUT_MS = 30_000
# How long the tracker store may take to hold a turn once the widget shows its reply.
STORED_TIMEOUT_S = 15


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    chromium = shutil.which("chromium")
    assert chromium, "Debian's chromium is needed (scripts/ensure-test-tools.sh installs it)"
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=chromium, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


def open_widget(page: Page, assistant: Assistant) -> None:
    page.goto(assistant.web_url)
    expect(page).to_have_title("Cité des Métiers de Marseille et de Provence-Alpes-Côte d'Azur : assistant")
    # The widget renders its launcher and, when it was left open (it remembers), the conversation.
    expect(page.locator(".rw-launcher")).to_be_visible()
    if page.locator(".rw-conversation-container").count() == 0:
        page.locator(".rw-launcher").click()
    expect(page.locator(".rw-conversation-container")).to_be_visible()


def desktop_page(browser: Browser, locale: str) -> tuple[BrowserContext, Page, list[str]]:
    """A desktop-sized page whose browser asks for `locale`, and the list its script errors go to."""
    context = browser.new_context(viewport={"width": 1280, "height": 900}, locale=locale)
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    return context, page, errors


def ask(page: Page, message: str) -> None:
    page.locator(".rw-new-message").fill(message)
    page.locator(".rw-new-message").press("Enter")


def conversation_id(page: Page) -> str | None:
    """The conversation the widget of this tab is in: the session id it keeps, which Rasa gave it."""
    return page.evaluate("(JSON.parse(sessionStorage.getItem('chat_session') || 'null') || {}).session_id || null")


def test_a_visitor_chats_clicks_a_quick_reply_and_finds_the_conversation_after_reload(
    browser: Browser, assistant: Assistant
):
    context, page, errors = desktop_page(browser, "fr-FR")
    open_widget(page, assistant)
    # French widget, greeting and quick replies for the main topics.
    expect(page.locator(".rw-title")).to_have_text("Cité des Métiers")
    expect(page.locator(".rw-header")).to_contain_text("Assistant virtuel, gratuit et anonyme")
    expect(page.locator(".rw-new-message")).to_have_attribute("placeholder", "Posez votre question…")
    expect(page.locator(".rw-response").first).to_contain_text("Bonjour", timeout=ANSWER_TIMEOUT_MS)
    replies = page.locator(".rw-reply")
    expect(replies).to_have_text(
        ["Être aidé dans mon projet", "Conditions d'accueil", "Nos centres", "Nos labels", "Le réseau international"]
    )

    # Quick replies come with the last message: click one before asking anything else.
    page.locator(".rw-reply", has_text="Nos centres").click()
    expect(page.locator(".rw-response").filter(has_text="7 centres associés")).to_be_visible(timeout=ANSWER_TIMEOUT_MS)

    ask(page, "C'est gratuit ?")
    # The answer is one bubble, its source on its last line; the bubble says its language.
    answer = page.locator(".rw-response").filter(has_text="Oui, c'est gratuit")
    expect(answer).to_be_visible(timeout=ANSWER_TIMEOUT_MS)
    expect(answer).to_have_class(re.compile(r"\bcdm-lang-fr\b"))
    expect(answer.locator("xpath=ancestor::*[contains(@class, 'rw-message')][1]")).to_have_attribute("lang", "fr")
    # Links in answers open in a new tab, and say so.
    source_link = answer.locator("a[href='https://www.citedesmetiers.fr/qui-sommes-nous']").last
    expect(source_link).to_have_attribute("target", "_blank")
    expect(source_link).to_have_attribute("title", re.compile(r"\(nouvelle fenêtre\)$"))

    page.reload()
    open_widget(page, assistant)
    expect(page.locator(".rw-client").filter(has_text="C'est gratuit ?")).to_be_visible(timeout=ANSWER_TIMEOUT_MS)
    expect(page.locator(".rw-response").filter(has_text="Oui, c'est gratuit")).to_be_visible()
    assert errors == []
    context.close()


@pytest.mark.parametrize("device", ["desktop", "phone"])
def test_a_need_is_answered_at_a_glance_and_the_rest_comes_on_en_savoir_plus(
    browser: Browser, assistant: Assistant, device: str
):
    if device == "desktop":
        context, page, errors = desktop_page(browser, "fr-FR")
    else:
        context = browser.new_context(locale="fr-FR", **PHONE)  # type: ignore[arg-type]
        page, errors = context.new_page(), []
        page.on("pageerror", lambda error: errors.append(str(error)))
    open_widget(page, assistant)
    expect(page.locator(".rw-response").first).to_contain_text("Bonjour", timeout=ANSWER_TIMEOUT_MS)
    ask(page, NEED)
    more = page.locator(".rw-reply", has_text="En savoir plus")
    expect(more).to_be_visible(timeout=ANSWER_TIMEOUT_MS)
    question = page.locator(".rw-client").filter(has_text=NEED)
    answers = question.locator("xpath=following::*[contains(concat(' ', @class, ' '), ' rw-response ')]")
    texts = answers.all_inner_texts()
    # A lead of at most 60 words, the one public service, at most 90 words in all; each with its source line.
    assert visible_words(texts[0]) <= 60 and sum(visible_words(text) for text in texts) <= 90, texts
    assert "gratuitement, anonymement et sans rendez-vous" in texts[0] and "vae.gouv.fr" in "\n".join(texts)
    expect(answers.first.locator("a[href='https://www.citedesmetiers.fr/qui-sommes-nous']")).to_have_text(
        "citedesmetiers.fr/qui-sommes-nous"
    )
    page.screenshot(path=str(SCREENSHOT if device == "desktop" else PHONE_SCREENSHOT))
    if device == "phone":
        assert errors == []
        context.close()
        return
    more.click()
    rest = page.locator(".rw-response").filter(has_text="C'est exactement le rôle de la Cité des Métiers")
    expect(rest).to_be_visible(timeout=ANSWER_TIMEOUT_MS)
    # The rest may be long too: "En savoir plus" again, until the last part (the sources of every part said).
    last_part = page.locator(".rw-response").filter(has_text="conseil personnalisé")
    for _ in range(3):
        if last_part.count():
            break
        expect(more).to_be_visible(timeout=ANSWER_TIMEOUT_MS)
        more.click()
        page.wait_for_timeout(1500)
    expect(last_part).to_be_visible(timeout=ANSWER_TIMEOUT_MS)
    # The services are a list, and the line after a list ("Je ne peux pas…") is not glued onto its last item.
    after_need = question.locator("xpath=following::li")
    expect(after_need.first).to_be_visible()
    expect(page.locator("li", has_text="conseil personnalisé")).to_have_count(0)
    assert errors == []
    context.close()


def test_an_english_speaking_visitor_gets_the_widget_the_greeting_and_the_answers_in_english(
    browser: Browser, assistant: Assistant
):
    context, page, errors = desktop_page(browser, "en-US")
    open_widget(page, assistant)
    # The widget's own texts, for the eye and for screen readers.
    expect(page.locator(".rw-title")).to_have_text("Cité des Métiers")
    expect(page.locator(".rw-header")).to_contain_text("Virtual assistant, free and anonymous")
    expect(page.locator(".rw-new-message")).to_have_attribute("placeholder", "Ask your question…")
    expect(page.locator(".rw-new-message")).to_have_attribute("aria-label", "Your message")
    expect(page.locator(".rw-launcher")).to_have_attribute(
        "aria-label", "Open or close the conversation with the assistant"
    )
    # The greeting (the answer to the widget's first message, /greet{"language": "en"}), with its quick replies.
    greeting = page.locator(".rw-response").first
    expect(greeting).to_contain_text("Hello", timeout=ANSWER_TIMEOUT_MS)
    expect(greeting).not_to_contain_text("Bonjour")
    expect(page.locator(".rw-reply").first).to_be_visible(timeout=ANSWER_TIMEOUT_MS)
    expect(page.locator(".rw-reply", has_text="Nos centres")).to_have_count(0)

    ask(page, "Is it free?")
    question = page.locator(".rw-client").filter(has_text="Is it free?")
    expect(question).to_be_visible(timeout=ANSWER_TIMEOUT_MS)
    # Only the bot's messages after the question (the greeting may well speak of "free" too).
    answers = question.locator("xpath=following::*[contains(concat(' ', @class, ' '), ' rw-response ')]")
    expect(answers.filter(has_text=re.compile("free", re.IGNORECASE)).first).to_be_visible(timeout=ANSWER_TIMEOUT_MS)
    # Every message, the bot's and the visitor's, says it is in English (RGAA 8.7).
    languages = page.locator(".rw-messages-container .rw-message").evaluate_all(
        "messages => messages.map(m => m.getAttribute('lang'))"
    )
    assert set(languages) == {"en"}, languages
    expect(page.locator(".rw-widget-container")).to_have_attribute("lang", "en")
    assert errors == []
    context.close()


def test_a_french_browser_whose_visitor_writes_in_english_gets_the_widget_in_english(
    browser: Browser, assistant: Assistant
):
    context, page, errors = desktop_page(browser, "fr-FR")
    open_widget(page, assistant)
    expect(page.locator(".rw-response").first).to_contain_text("Bonjour", timeout=ANSWER_TIMEOUT_MS)
    expect(page.locator(".rw-new-message")).to_have_attribute("placeholder", "Posez votre question…")
    ask(page, "Hello, is the Cité des Métiers free of charge?")
    answer = page.locator(".rw-response.cdm-lang-en")
    expect(answer.first).to_be_visible(timeout=ANSWER_TIMEOUT_MS)
    # The widget's own texts follow the conversation into English; the French greeting stays French.
    expect(page.locator(".rw-new-message")).to_have_attribute("placeholder", "Ask your question…")
    expect(page.get_by_role("button", name="New conversation")).to_be_visible()
    expect(page.locator(".rw-widget-container")).to_have_attribute("lang", "en")
    languages = page.locator(".rw-messages-container .rw-message").evaluate_all(
        "messages => messages.map(m => m.getAttribute('lang'))"
    )
    assert languages[0] == "fr" and languages[1:] == ["en"] * (len(languages) - 1), languages
    assert errors == []
    context.close()


class NetworkLog:
    """What a page downloads, as Chromium's network stack counts it (CDP Network events): bytes received
    for each finished request, headers included, and the failed requests."""

    def __init__(self, page: Page) -> None:
        self.received: dict[str, int] = {}
        self.urls: dict[str, str] = {}
        self.statuses: dict[str, int] = {}
        self.failed: list[str] = []
        cdp = page.context.new_cdp_session(page)
        cdp.on("Network.responseReceived", self._response)
        cdp.on("Network.loadingFinished", self._finished)
        cdp.on("Network.loadingFailed", lambda event: self.failed.append(self.urls.get(event["requestId"], "?")))
        cdp.on("Network.requestWillBeSent", self._request)
        cdp.send("Network.enable")

    def _request(self, event: dict) -> None:
        self.urls[event["requestId"]] = event["request"]["url"]

    def _response(self, event: dict) -> None:
        self.statuses[event["requestId"]] = event["response"]["status"]

    def _finished(self, event: dict) -> None:
        self.received[event["requestId"]] = int(event["encodedDataLength"])

    @property
    def total(self) -> int:
        return sum(self.received.values())

    def errors(self) -> list[str]:
        return self.failed + [
            f"{status}: {self.urls.get(key)}" for key, status in self.statuses.items() if status >= 400
        ]


def visit(context: BrowserContext, assistant: Assistant, console: list[str]) -> NetworkLog:
    """A visit: the page, the widget opened, the greeting on screen."""
    page = context.new_page()
    page.on("console", lambda message: console.append(message.text) if message.type == "error" else None)
    page.on("pageerror", lambda error: console.append(str(error)))
    network = NetworkLog(page)
    open_widget(page, assistant)
    expect(page.locator(".rw-response").first).to_contain_text("Bonjour", timeout=ANSWER_TIMEOUT_MS)
    page.wait_for_load_state("networkidle")
    page.close()
    return network


def test_a_first_visit_downloads_little_and_a_return_visit_almost_nothing(browser: Browser, assistant: Assistant):
    """The page's files are gzipped and revalidated with their ETag (ops/serve_web.py): measured in Chromium."""
    context = browser.new_context(locale="fr-FR")
    console: list[str] = []
    first = visit(context, assistant, console)
    again = visit(context, assistant, console)  # the same browser: its cache
    print(
        f"bytes received, widget opened and greeted: first visit {first.total}, return visit {again.total}; "
        f"console errors {len(console)}; failed requests {len(first.errors() + again.errors())}"
    )
    assert first.total <= 250_000, first.received
    assert again.total <= 10_000, again.received
    assert console == []
    assert first.errors() + again.errors() == []
    # Nothing leaves for another host (no Google Fonts): the page's server and the assistant only.
    hosts = {
        re.sub(r"^\w+://([^/]+)/.*$", r"\1", url)
        for url in [*first.urls.values(), *again.urls.values()]
        if url.startswith("http")
    }
    assert hosts <= {f"localhost:{assistant.web_url.split(':')[2].rstrip('/')}", f"localhost:{assistant.rasa_port}"}, (
        hosts
    )
    context.close()


@pytest.mark.parametrize(
    "message", ["<img src=x onerror=\"window.__xss='img'\">", "<script>window.__xss='script'</script>"]
)
def test_visitor_markup_is_shown_as_text_and_runs_nothing(browser: Browser, assistant: Assistant, message: str):
    context = browser.new_context(locale="fr-FR")
    page = context.new_page()
    dialogs: list[str] = []

    def dismiss(dialog: Dialog) -> None:
        dialogs.append(dialog.message)
        dialog.dismiss()

    page.on("dialog", dismiss)
    open_widget(page, assistant)
    ask(page, message)
    expect(page.locator(".rw-client").filter(has_text=message)).to_be_visible(timeout=ANSWER_TIMEOUT_MS)
    expect(page.locator(".rw-response").nth(1)).to_be_visible(timeout=ANSWER_TIMEOUT_MS)  # the bot answered
    assert page.evaluate("window.__xss") is None
    assert page.locator(".rw-messages-container img[src='x']").count() == 0
    assert dialogs == []
    context.close()


def test_phone_screen_keyboard_and_screen_reader(browser: Browser, assistant: Assistant):
    context = browser.new_context(
        viewport={"width": 390, "height": 844}, is_mobile=True, has_touch=True, locale="fr-FR"
    )
    page = context.new_page()
    page.goto(assistant.web_url)
    launcher = page.locator(".rw-launcher")
    expect(launcher).to_have_attribute("aria-label", "Ouvrir ou fermer la conversation avec l'assistant")
    # Keyboard only: reach the launcher with Tab, open with Enter, type, send with Enter.
    for _ in range(10):
        if page.evaluate("document.activeElement && document.activeElement.classList.contains('rw-launcher')"):
            break
        page.keyboard.press("Tab")
    page.keyboard.press("Enter")
    conversation = page.locator(".rw-conversation-container")
    expect(conversation).to_be_visible()
    box = conversation.bounding_box()
    assert box and box["x"] >= 0 and box["x"] + box["width"] <= 390 + 1
    page.locator(".rw-new-message").focus()
    page.keyboard.type("vous avez un centre à Gap ?")
    page.keyboard.press("Enter")
    expect(page.locator(".rw-response").filter(has_text="Oui, Gap fait partie")).to_be_visible(
        timeout=ANSWER_TIMEOUT_MS
    )
    messages = page.locator(".rw-messages-container")
    expect(messages).to_have_attribute("aria-live", "polite")
    expect(messages).to_have_attribute("role", "log")
    context.close()


def test_the_socketio_channel_answers(assistant: Assistant):
    """Replies really come back over Socket.IO (python-socketio >= 5.10 silently drops them with Rasa 3.6)."""
    client = socketio.Client()
    replies: list[dict] = []
    client.on("bot_uttered", replies.append)
    client.connect(f"http://localhost:{assistant.rasa_port}", socketio_path="/socket.io", transports=["polling"])
    try:
        client.emit("session_request", {"session_id": "socketio-test-visitor"})
        client.emit("user_uttered", {"message": "C'est gratuit ?", "session_id": "socketio-test-visitor"})
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline and not any("gratuit" in reply.get("text", "") for reply in replies):
            time.sleep(0.2)
    finally:
        client.disconnect()
    assert any("Oui, c'est gratuit" in reply.get("text", "") for reply in replies), replies


def test_widget_page_serves_only_its_files(assistant: Assistant):
    page = requests.get(assistant.web_url, timeout=10)
    assert page.status_code == 200
    assert "script-src 'self'" in page.headers["Content-Security-Policy"]
    assert requests.get(assistant.web_url + "vendor/rasa-webchat.js", timeout=10).status_code == 200
    for path in ["../pyproject.toml", "node_modules/rasa-webchat/package.json", "config.yml", "%2e%2e/README.md"]:
        assert requests.get(assistant.web_url + path, timeout=10).status_code == 404
    assert Path(PROJECT_ROOT / "web" / "package-lock.json").exists()


def test_cors_admits_the_page_origin_only(assistant: Assistant):
    page_origin = assistant.web_url.rstrip("/")
    for origin, admitted in [(page_origin, True), ("http://evil.example", False)]:
        response = requests.options(
            assistant.rest_url,
            headers={"Origin": origin, "Access-Control-Request-Method": "POST"},
            timeout=10,
        )
        assert (response.headers.get("Access-Control-Allow-Origin") == origin) is admitted, (origin, response.headers)


def test_a_visitor_rates_an_answer_with_the_keyboard_and_the_rating_is_stored(browser: Browser, assistant: Assistant):
    context, page, errors = desktop_page(browser, "fr-FR")
    open_widget(page, assistant)
    expect(page.locator(".rw-response").first).to_contain_text("Bonjour", timeout=ANSWER_TIMEOUT_MS)
    ask(page, "C'est gratuit ?")
    expect(page.locator(".rw-response").filter(has_text="Oui, c'est gratuit")).to_be_visible(timeout=ANSWER_TIMEOUT_MS)

    # Under the answer: the question, and the two buttons, named for screen readers.
    rating = page.get_by_role("group", name="Cette réponse vous a-t-elle aidé ?")
    expect(rating).to_be_visible(timeout=ANSWER_TIMEOUT_MS)
    expect(rating.locator(".cdm-rating-question")).to_have_text("Cette réponse vous a-t-elle aidé ?")
    helpful = rating.get_by_role("button", name="Utile : cette réponse m'a aidé")
    not_helpful = rating.get_by_role("button", name="Pas utile : cette réponse ne m'a pas aidé")
    expect(helpful).to_have_text("👍 Utile")
    expect(not_helpful).to_have_text("👎 Pas utile")

    # Keyboard only: from the input, Shift+Tab reaches 👎, Enter chooses it.
    page.locator(".rw-new-message").focus()
    page.keyboard.press("Shift+Tab")
    expect(not_helpful).to_be_focused()
    page.keyboard.press("Enter")
    expect(page.locator(".rw-client").filter(has_text="👎 Pas utile")).to_be_visible(timeout=ANSWER_TIMEOUT_MS)
    reply = page.locator(".rw-response").filter(has_text="Désolé que cette réponse ne vous ait pas aidé")
    expect(reply).to_be_visible(timeout=ANSWER_TIMEOUT_MS)
    expect(page.locator(".rw-response").filter(has_text="des conseillers qui vous reçoivent")).to_be_visible()
    expect(rating).to_have_count(0)  # chosen: the buttons are gone, and the focus is back in the input
    expect(page.locator(".rw-new-message")).to_be_focused()

    # The tracker store keeps the rating, right after the answer it rates.
    visitor = conversation_id(page)
    assert visitor
    deadline = time.monotonic() + STORED_TIMEOUT_S
    while True:
        events = stored_events(assistant.tracker_db, visitor)
        ratings = [
            index
            for index, event in enumerate(events)
            if event["event"] == "user" and event["parse_data"]["intent"]["name"] == "rate_answer"
        ]
        if ratings or time.monotonic() > deadline:
            break
        time.sleep(0.5)
    [position] = ratings
    assert [(entity["entity"], entity["value"]) for entity in events[position]["parse_data"]["entities"]] == [
        ("rating", "not_helpful")
    ]
    rated = [event for event in events[:position] if event["event"] == "bot"][-1]
    assert rated["text"].startswith("Oui, c'est gratuit")
    assert errors == []
    context.close()


def test_the_conversation_stays_in_its_tab_and_new_conversation_forgets_it(browser: Browser, assistant: Assistant):
    """Shared computers: a reload keeps the conversation; another tab, another browser or the button do not."""
    context, page, errors = desktop_page(browser, "fr-FR")
    # A conversation an earlier version of the widget left in localStorage is forgotten.
    page.goto(assistant.web_url)
    page.evaluate("localStorage.setItem('chat_session', JSON.stringify({session_id: 'earlier-visitor'}))")
    open_widget(page, assistant)
    ask(page, "C'est anonyme ?")
    expect(page.locator(".rw-response").filter(has_text="Oui, c'est anonyme")).to_be_visible(timeout=ANSWER_TIMEOUT_MS)
    first = conversation_id(page)
    assert first and first != "earlier-visitor"
    assert page.evaluate("localStorage.getItem('chat_session')") is None

    page.reload()
    open_widget(page, assistant)
    expect(page.locator(".rw-client").filter(has_text="C'est anonyme ?")).to_be_visible(timeout=ANSWER_TIMEOUT_MS)
    assert conversation_id(page) == first

    # The next person: another tab of the same browser, or another browser, starts a conversation of its own.
    other_context = browser.new_context(locale="fr-FR")
    for other in (context.new_page(), other_context.new_page()):
        open_widget(other, assistant)
        expect(other.locator(".rw-response").first).to_contain_text("Bonjour", timeout=ANSWER_TIMEOUT_MS)
        expect(other.locator(".rw-client").filter(has_text="C'est anonyme ?")).to_have_count(0)
        assert conversation_id(other) not in (None, first)
        other.close()
    other_context.close()

    # "Nouvelle conversation": the conversation is cleared from the page, and a new one starts, open.
    new_conversation = page.get_by_role("button", name="Nouvelle conversation")
    expect(new_conversation).to_be_visible()
    with page.expect_navigation():
        new_conversation.click()
    expect(page.locator(".rw-conversation-container")).to_be_visible(timeout=ANSWER_TIMEOUT_MS)
    expect(page.locator(".rw-response").first).to_contain_text("Bonjour", timeout=ANSWER_TIMEOUT_MS)
    expect(page.locator(".rw-client").filter(has_text="C'est anonyme ?")).to_have_count(0)
    second = conversation_id(page)
    assert second and second != first
    ask(page, "C'est gratuit ?")
    expect(page.locator(".rw-response").filter(has_text="Oui, c'est gratuit")).to_be_visible(timeout=ANSWER_TIMEOUT_MS)
    assert conversation_id(page) == second
    assert errors == []
    context.close()
