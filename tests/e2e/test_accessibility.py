"""The widget's rendering and accessibility in Chromium, with every kind of message: answers with paragraphs,
lists, line breaks and links, quick replies, the rating buttons, an answer in English. The bot is the
scripted stand-in of tests/e2e/scripted_bot.py (the real one is tested in test_widget.py): the page, its
scripts and its server are the real ones. axe-core (web/package.json's devDependency) checks WCAG 2.1 A/AA
on a desktop and a phone; the keyboard tests check what axe cannot see (docs/accessibility.md)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from playwright.sync_api import Browser, BrowserContext, Page, expect

from tests.conftest import PROJECT_ROOT
from tests.e2e.scripted_bot import ScriptedBot, scripted_site
from tests.e2e.test_widget import browser  # noqa: F401 (the module's browser)

AXE = PROJECT_ROOT / "web" / "node_modules" / "axe-core" / "axe.min.js"
AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]
TIMEOUT_MS = 10_000
DESKTOP: dict[str, Any] = {"viewport": {"width": 1280, "height": 900}}
PHONE: dict[str, Any] = {"viewport": {"width": 390, "height": 844}, "is_mobile": True, "has_touch": True}


@pytest.fixture(scope="module")
def site() -> Iterator[tuple[str, ScriptedBot]]:
    with scripted_site() as running:
        yield running


@pytest.fixture
def page_url(site: tuple[str, ScriptedBot]) -> Iterator[str]:
    url, bot = site
    bot.greeting_delay_s = 0.0
    yield url


def new_page(
    chromium: Browser, device: dict[str, Any], locale: str = "fr-FR"
) -> tuple[BrowserContext, Page, list[str]]:
    """A page with axe-core loaded before its scripts (an init script: the page's CSP admits no inline
    script, and axe is never served to visitors), and the list its console errors go to."""
    context = chromium.new_context(locale=locale, **device)
    context.add_init_script(path=str(AXE))
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.on("console", lambda message: errors.append(message.text) if message.type == "error" else None)
    page.on("requestfailed", lambda request: errors.append(f"failed: {request.url}"))
    return context, page, errors


def open_widget(page: Page, url: str) -> None:
    page.goto(url)
    page.locator(".rw-launcher").click()
    expect(page.locator(".rw-response").first).to_contain_text("Bonjour", timeout=TIMEOUT_MS)


def ask(page: Page, message: str) -> None:
    page.locator(".rw-new-message").fill(message)
    page.locator(".rw-new-message").press("Enter")


def every_kind_of_message(page: Page) -> None:
    """Greeting, a list answer with a link and the rating buttons, an address, then the list answer again."""
    ask(page, "Votre adresse ?")
    expect(page.locator(".rw-response").filter(has_text="13002 Marseille")).to_be_visible(timeout=TIMEOUT_MS)
    ask(page, "Quels services d'aide ?")
    expect(page.get_by_role("group", name="Cette réponse vous a-t-elle aidé ?")).to_be_visible(timeout=TIMEOUT_MS)


def focused(page: Page) -> str:
    """What has the focus: its accessible name or, without one, its class."""
    return str(
        page.evaluate(
            """() => { const e = document.activeElement;
                if (!e || e === document.body) return 'body';
                return e.getAttribute('aria-label') || e.textContent.trim() || e.className; }"""
        )
    )


def test_each_kind_of_answer_renders_as_meant(browser: Browser, page_url: str):  # noqa: F811
    context, page, errors = new_page(browser, DESKTOP)
    open_widget(page, page_url)
    # The widget's title is a level 2 heading under the page's h1 (Chromium reads aria-level on an h4).
    expect(page.locator("h4.rw-title")).to_have_attribute("aria-level", "2")
    # The greeting: one bubble, two paragraphs.
    greeting = page.locator(".rw-response").first
    expect(greeting.locator("p")).to_have_count(2)
    every_kind_of_message(page)

    # The address keeps its line breaks: three lines in one paragraph.
    address = page.locator(".rw-response").filter(has_text="13002 Marseille").locator("p").first
    assert address.evaluate("p => p.innerText") == "Nous sommes au :\n4 rue des Consuls\n13002 Marseille"
    assert address.evaluate("p => getComputedStyle(p).whiteSpace") == "pre-line"
    # The list is a list, the source a link on the last line of the same bubble, opening a new tab.
    answer = page.locator(".rw-response").filter(has_text="vous aide à").last
    expect(answer.locator("ul > li")).to_have_text(
        ["choisir un métier ;", "trouver une formation ;", "créer une activité."]
    )
    source = answer.locator("p").last
    expect(source).to_have_text("Source : citedesmetiers.fr")
    link = source.locator("a")
    expect(link).to_have_attribute("href", "https://www.citedesmetiers.fr/qui-sommes-nous")
    expect(link).to_have_attribute("target", "_blank")
    expect(link).to_have_attribute("rel", "noopener noreferrer")
    expect(link).to_have_attribute("title", "citedesmetiers.fr (nouvelle fenêtre)")
    # The quick replies: the rating pair, named, then "En savoir plus", all buttons.
    rating = page.get_by_role("group", name="Cette réponse vous a-t-elle aidé ?")
    expect(rating.get_by_role("button")).to_have_text(["👍 Utile", "👎 Pas utile", "En savoir plus"])
    expect(rating.get_by_role("button", name="Utile : cette réponse m'a aidé")).to_have_count(1)
    expect(rating.get_by_role("button", name="Pas utile : cette réponse ne m'a pas aidé")).to_have_count(1)
    # Every message, the bot's and the visitor's, says its language.
    languages = page.locator(".rw-messages-container .rw-message").evaluate_all(
        "messages => messages.map(m => m.getAttribute('lang'))"
    )
    assert languages == ["fr"] * 5, languages
    assert errors == []
    context.close()


def test_the_widget_follows_the_conversation_language(browser: Browser, page_url: str):  # noqa: F811
    context, page, errors = new_page(browser, DESKTOP, locale="fr-FR")
    open_widget(page, page_url)
    widget = page.locator(".rw-widget-container")
    expect(widget).to_have_attribute("lang", "fr")
    expect(page.locator(".rw-new-message")).to_have_attribute("placeholder", "Posez votre question…")
    ask(page, "Is it free? I speak English")
    expect(page.locator(".rw-response").filter(has_text="Yes, it is free")).to_be_visible(timeout=TIMEOUT_MS)
    # The widget's own texts, for the eye and for screen readers.
    expect(widget).to_have_attribute("lang", "en")
    expect(page.locator(".rw-new-message")).to_have_attribute("placeholder", "Ask your question…")
    expect(page.locator(".rw-new-message")).to_have_attribute("aria-label", "Your message")
    expect(page.locator(".rw-header")).to_contain_text("Virtual assistant, free and anonymous")
    expect(page.get_by_role("button", name="New conversation")).to_be_visible()
    expect(page.locator(".rw-close-button")).to_have_attribute("aria-label", "Close the conversation")  # a phone's
    expect(page.locator(".rw-launcher")).to_have_attribute(
        "aria-label", "Open or close the conversation with the assistant"
    )
    expect(page.get_by_role("log", name="Conversation with the assistant")).to_be_visible()
    expect(page.get_by_role("group", name="Did this answer help you?")).to_be_visible()
    expect(page.get_by_role("button", name="Helpful: this answer helped me")).to_have_text("👍 Helpful")
    page.locator(".rw-new-message").fill("x")
    expect(page.get_by_role("button", name="Send")).to_be_enabled()
    # The French greeting stays French; the visitor's English question is English, as the answer.
    languages = page.locator(".rw-messages-container .rw-message").evaluate_all(
        "messages => messages.map(m => m.getAttribute('lang'))"
    )
    assert languages == ["fr", "en", "en"], languages
    assert errors == []
    context.close()


def test_the_greeting_comes_before_what_the_visitor_typed_at_once(browser: Browser, site):  # noqa: F811
    url, bot = site
    bot.greeting_delay_s = 1.5  # a slow server: the visitor types before the greeting comes
    context, page, errors = new_page(browser, DESKTOP)
    page.goto(url)
    page.locator(".rw-launcher").click()
    ask(page, "Votre adresse ?")
    expect(page.locator(".rw-response").filter(has_text="13002 Marseille")).to_be_visible(timeout=TIMEOUT_MS)
    order = page.locator(".rw-messages-container .rw-message").evaluate_all(
        "messages => messages.map(m => m.textContent.slice(0, 15))"
    )
    assert order == ["Bonjour ! Je su", "Votre adresse ?", "Nous sommes au "], order
    assert errors == []
    context.close()


@pytest.mark.parametrize("device", [DESKTOP, PHONE], ids=["desktop", "phone"])
def test_axe_finds_no_wcag_a_or_aa_violation(browser: Browser, page_url: str, device: dict[str, Any]):  # noqa: F811
    context, page, errors = new_page(browser, device)
    open_widget(page, page_url)
    every_kind_of_message(page)
    # A new conversation's button, the send button enabled, the link and the quick replies all on screen.
    page.locator(".rw-new-message").fill("Une question")
    page.wait_for_timeout(500)  # the messages' animations end (axe measures colours as shown)
    violations = page.evaluate(
        """async (tags) => {
            const results = await axe.run(document, {runOnly: {type: 'tag', values: tags}});
            return results.violations.map(v => ({id: v.id, impact: v.impact,
                nodes: v.nodes.map(n => n.target.join(' ') + ': ' + n.failureSummary)}));
        }""",
        AXE_TAGS,
    )
    print(f"axe-core WCAG 2.1 A/AA violations ({'phone' if device is PHONE else 'desktop'}): {len(violations)}")
    assert violations == []
    assert errors == []
    context.close()


def test_the_keyboard_reaches_and_uses_every_control_and_escape_closes(browser: Browser, page_url: str):  # noqa: F811
    context, page, errors = new_page(browser, DESKTOP)
    page.goto(page_url)
    launcher = page.locator(".rw-launcher")
    expect(launcher).to_be_visible()
    # Tab reaches the launcher, Enter opens the conversation, the focus is in the input.
    for _ in range(5):
        page.keyboard.press("Tab")
        if focused(page) == "Ouvrir ou fermer la conversation avec l'assistant":
            break
    expect(launcher).to_be_focused()
    expect(launcher).to_have_attribute("aria-expanded", "false")
    page.keyboard.press("Enter")
    expect(page.locator(".rw-response").first).to_contain_text("Bonjour", timeout=TIMEOUT_MS)
    expect(launcher).to_have_attribute("aria-expanded", "true")
    expect(page.locator(".rw-new-message")).to_be_focused()
    # Type, then Tab to the send button (named) and send with it.
    page.keyboard.type("Quels services d'aide ?")
    page.keyboard.press("Tab")
    assert focused(page) == "Envoyer"
    page.keyboard.press("Enter")
    expect(page.get_by_role("group", name="Cette réponse vous a-t-elle aidé ?")).to_be_visible(timeout=TIMEOUT_MS)

    # From the input, Tab goes round every control of the widget once, then out of it: no trap.
    page.locator(".rw-new-message").focus()
    order = []
    for _ in range(20):
        page.keyboard.press("Tab")
        order.append(focused(page))
        if not page.evaluate("document.activeElement.closest('.rw-widget-container') !== null"):
            break
        if order[-1] == "Votre message":
            break
    assert order[0] == "Ouvrir ou fermer la conversation avec l'assistant", order  # send is off: empty input
    assert order[-1] != "Votre message", f"the focus never left the widget: {order}"
    backwards = []
    page.locator(".rw-new-message").focus()
    for _ in range(8):
        page.keyboard.press("Shift+Tab")
        backwards.append(focused(page))
    # On a desktop the launcher closes the conversation (the header's close button is a phone's).
    assert backwards[:5] == [
        "En savoir plus",
        "Pas utile : cette réponse ne m'a pas aidé",
        "Utile : cette réponse m'a aidé",
        "citedesmetiers.fr",  # the answer's source link
        "Nouvelle conversation",
    ], backwards

    # A quick reply with the keyboard: chosen, and the focus back in the input.
    page.locator(".rw-new-message").focus()
    page.keyboard.press("Shift+Tab")
    page.keyboard.press("Shift+Tab")
    assert focused(page) == "Pas utile : cette réponse ne m'a pas aidé"
    page.keyboard.press("Enter")
    expect(page.locator(".rw-client").filter(has_text="👎 Pas utile")).to_be_visible(timeout=TIMEOUT_MS)
    expect(page.locator(".rw-new-message")).to_be_focused()

    # Escape closes; the focus goes back to the launcher; Enter opens again.
    page.keyboard.press("Escape")
    expect(page.locator(".rw-conversation-container")).to_have_count(0)
    expect(launcher).to_be_focused()
    expect(launcher).to_have_attribute("aria-expanded", "false")
    page.keyboard.press("Enter")
    expect(page.locator(".rw-new-message")).to_be_focused()
    # The launcher closes it too, and keeps the focus.
    launcher.focus()
    page.keyboard.press("Enter")
    expect(page.locator(".rw-conversation-container")).to_have_count(0)
    expect(launcher).to_be_focused()
    # "Nouvelle conversation" with the keyboard: a new conversation, open, greeted.
    page.keyboard.press("Enter")
    page.get_by_role("button", name="Nouvelle conversation").focus()
    with page.expect_navigation():
        page.keyboard.press("Enter")
    expect(page.locator(".rw-response").first).to_contain_text("Bonjour", timeout=TIMEOUT_MS)
    expect(page.locator(".rw-client")).to_have_count(0)
    assert errors == []
    context.close()


def test_on_a_phone_escape_and_the_close_button_give_the_focus_back_to_the_launcher(browser: Browser, page_url: str):  # noqa: F811
    context, page, errors = new_page(browser, PHONE)
    open_widget(page, page_url)
    conversation = page.locator(".rw-conversation-container")
    box = conversation.bounding_box()
    assert box and box["x"] >= 0 and box["x"] + box["width"] <= 390 + 1
    # The launcher is hidden under the conversation: the header's close button closes it.
    close = page.get_by_role("button", name="Fermer la conversation", exact=True)
    expect(close).to_be_visible()
    close.focus()
    page.keyboard.press("Enter")
    expect(conversation).to_have_count(0)
    launcher = page.locator(".rw-launcher")
    expect(launcher).to_be_focused()
    page.keyboard.press("Enter")
    expect(page.locator(".rw-new-message")).to_be_focused()
    page.keyboard.press("Escape")
    expect(conversation).to_have_count(0)
    expect(launcher).to_be_focused()
    assert errors == []
    context.close()
