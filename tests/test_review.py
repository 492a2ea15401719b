"""The maintainers' review and report (ops/conversations.py, staff/review.py, staff/report.py, staff/review_web.py):
turns read back from Rasa's own SQLTrackerStore, failures grouped, choices written as valid training data,
counts per week, and the page's door (secret, token, escaping)."""

from __future__ import annotations

import base64
import html.parser
import threading
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Iterator
from datetime import date
from http.server import ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest
from rasa.core.tracker_store import SQLTrackerStore
from rasa.shared.core.domain import Domain
from rasa.shared.core.events import ActionExecuted, BotUttered, Event, SlotSet, UserUttered
from rasa.shared.core.trackers import DialogueStateTracker
from rasa.shared.nlu.training_data.loading import load_data

from ops.conversations import Conversations, read_conversations, turns_from_events
from ops.processes import free_port
from ops.purge import purge
from staff.report import NOT_UNDERSTOOD_TOPIC, chart_png, report_html, report_markdown, report_page, weekly_figures
from staff.review import (
    IGNORE,
    Ignored,
    ReviewSettings,
    apply_decisions,
    choice_groups,
    choosable_intents,
    fingerprint,
    review_groups,
    review_in_terminal,
    reviewed_files,
    topic_title,
)
from staff.review_web import ReviewPageHandler, form_token
from tests.conftest import PROJECT_ROOT

INTENTS = choosable_intents(PROJECT_ROOT / "domain.yml")
# 2026-11-23 (a Monday) and 2026-11-30 (the next Monday), at noon UTC.
WEEK_48, WEEK_49 = 1_795_435_200.0, 1_796_040_000.0


def asked(
    text: str, intent: str, confidence: float, at: float, runner_up: float = 0.0, entities: Any = ()
) -> list[Event]:
    ranking = [{"name": intent, "confidence": confidence}, {"name": "ask_hours", "confidence": runner_up}]
    parse_data = {
        "intent": {"name": intent, "confidence": confidence},
        "intent_ranking": ranking,
        "entities": list(entities),
    }
    return [UserUttered(text, parse_data["intent"], list(entities), parse_data, timestamp=at)]


def answered(action: str, at: float, text: str = "…") -> list[Event]:
    return [ActionExecuted(action, timestamp=at), BotUttered(text, timestamp=at), ActionExecuted("action_listen")]


def rated(rating: str, at: float) -> list[Event]:
    entity = {"entity": "rating", "value": rating, "start": 0, "end": 0}
    return asked(f'/rate_answer{{"rating": "{rating}"}}', "rate_answer", 1.0, at, entities=[entity])


def fallback(text: str, hesitated_on: str, at: float) -> list[Event]:
    parse_data = {
        "intent": {"name": "nlu_fallback", "confidence": 0.4},
        "intent_ranking": [
            {"name": "nlu_fallback", "confidence": 0.4},
            {"name": hesitated_on, "confidence": 0.31},
            {"name": "ask_free", "confidence": 0.25},
        ],
        "entities": [],
    }
    return [UserUttered(text, parse_data["intent"], [], parse_data, timestamp=at)]


def as_dicts(events: list[Event]) -> list[dict[str, Any]]:
    return [event.as_dict() for event in events]


def visitor_conversations() -> dict[str, list[Event]]:
    """Three conversations: week 48 a French one with a 👎 and a fallback, an English one; week 49 one more."""
    return {
        "visitor-a": [
            *asked('/greet{"language": "fr"}', "greet", 1.0, WEEK_48),
            *answered("utter_greet", WEEK_48 + 0.05),
            *asked("c'est gratuit ?", "ask_free", 0.97, WEEK_48 + 10),
            *answered("action_answer_free", WEEK_48 + 10.1, "Oui, c'est gratuit."),
            *rated("not_helpful", WEEK_48 + 20),
            *answered("action_answer_not_helpful", WEEK_48 + 20.05, "Merci de votre avis."),
            *fallback("vous faites des ateliers cv le samedi ?", "ask_hours", WEEK_48 + 30),
            *answered("action_two_stage_fallback", WEEK_48 + 30.2, "Je ne suis pas sûr d'avoir compris."),
        ],
        "visitor-b": [
            SlotSet("language", "en", timestamp=WEEK_48 + 100),
            *asked("is there a parking", "ask_practical_details", 0.9, WEEK_48 + 100),
            *answered("action_answer_not_in_sources", WEEK_48 + 100.3),
            *rated("helpful", WEEK_48 + 110),
        ],
        "visitor-c": [
            *fallback("Vous faites des ateliers CV le samedi ??", "ask_hours", WEEK_49),
            *answered("action_two_stage_fallback", WEEK_49 + 0.1),
            *asked("c ouvert quand", "ask_hours", 0.5, WEEK_49 + 10, runner_up=0.4),
            *answered("action_answer_hours", WEEK_49 + 10.1),
        ],
    }


def conversations() -> Conversations:
    from ops.conversations import conversations_from_events

    return conversations_from_events(as_dicts(events) for events in visitor_conversations().values())


def test_turns_keep_the_masked_text_the_day_the_rating_and_no_conversation_id():
    turns = turns_from_events(as_dicts(visitor_conversations()["visitor-a"]), conversation=7)

    assert [turn.text for turn in turns] == [
        '/greet{"language": "fr"}',
        "c'est gratuit ?",
        "vous faites des ateliers cv le samedi ?",
    ]  # the rating is not a turn: it rates the answer before it
    free, failed = turns[1], turns[2]
    assert free.rating == "not_helpful" and free.day == date(2026, 11, 23)
    assert free.response_seconds == pytest.approx(0.1, abs=0.01)
    assert failed.fell_back and failed.not_understood and failed.intent == "ask_hours"
    assert turns[0].is_widget_opening and all(turn.conversation == 7 for turn in turns)
    assert not hasattr(free, "sender_id") and "visitor-a" not in repr(turns)


def test_a_turn_keeps_the_turn_before_and_the_bots_answer():
    turns = turns_from_events(as_dicts(visitor_conversations()["visitor-a"]))
    opening, free, failed = turns

    assert (opening.previous_text, opening.previous_answer) == ("", "")
    assert free.previous_text == '/greet{"language": "fr"}' and free.answer == "Oui, c'est gratuit."
    # The rating in between is not a turn, and the bot's thanks for it is not an answer to a question.
    assert (failed.previous_text, failed.previous_answer) == ("c'est gratuit ?", "Oui, c'est gratuit.")
    assert failed.answer == "Je ne suis pas sûr d'avoir compris."
    assert failed.alternatives == [("ask_free", 0.25)]  # after ask_hours, what it hesitated on


def test_the_answer_keeps_the_titles_of_the_buttons_it_offered():
    offered = BotUttered(
        "Vouliez-vous dire :", {"buttons": [{"title": "Les horaires", "payload": "/ask_hours"}]}, timestamp=WEEK_48
    )
    events = [*fallback("c ouvert ?", "ask_hours", WEEK_48), ActionExecuted("action_two_stage_fallback"), offered]
    [turn] = turns_from_events(as_dicts(events))
    assert turn.answer == "Vouliez-vous dire : [Les horaires]"


def test_topics_are_shown_by_their_french_titles():
    assert topic_title("ask_free") == "Est-ce gratuit ?"
    assert topic_title("ask_free+ask_anonymous") == "Est-ce gratuit ? + Est-ce anonyme ?"
    # Intents without a button have a plain label of staff/review.py.
    assert topic_title("greet") == "Salutation (bonjour…)" and topic_title("out_of_scope") == "Hors sujet"
    assert topic_title("not_an_intent_yet") == "not_an_intent_yet"
    # Every intent a reviewer may see has a title, and none is shown twice in the list of choices.
    untitled = [intent for intent in [*INTENTS, "rate_answer", "nlu_fallback"] if topic_title(intent) == intent]
    assert untitled == []
    listed = [intent for _, choices in choice_groups(INTENTS) for intent, _ in choices]
    assert sorted(listed) == sorted(INTENTS)
    headings = [heading for heading, _ in choice_groups(INTENTS)]
    assert headings[:2] == ["Les sujets du centre", "Les besoins du visiteur"]
    assert ("ask_need", topic_title("ask_need")) in dict(choice_groups(INTENTS))["Les besoins du visiteur"]


def test_a_group_shows_what_the_bot_understood_and_its_context_in_words():
    [workshops] = [group for group in review_groups(conversations()) if "ateliers" in group.text]
    assert workshops.understood == "Les horaires (31\u00a0%)"
    assert workshops.guesses(INTENTS) == ["ask_hours", "ask_free"]
    assert (workshops.previous_text, workshops.previous_answer) == ("c'est gratuit ?", "Oui, c'est gratuit.")
    assert workshops.answer == "Je ne suis pas sûr d'avoir compris." and workshops.language == "fr"


def test_the_guards_session_start_is_not_a_visitors_turn():
    events = [
        *asked("c'est gratuit ?", "ask_free", 0.97, WEEK_48),
        *answered("action_answer_free", WEEK_48 + 0.1),
        *asked("/session_start", "session_start", 1.0, WEEK_48 + 10),
        ActionExecuted("action_session_start", timestamp=WEEK_48 + 10),
        *asked("c'est anonyme ?", "ask_anonymous", 0.95, WEEK_48 + 10.1),
        *answered("action_answer_anonymous", WEEK_48 + 10.2),
    ]
    turns = turns_from_events(as_dicts(events))
    assert [(turn.text, turn.actions) for turn in turns] == [
        ("c'est gratuit ?", ["action_answer_free"]),
        ("c'est anonyme ?", ["action_answer_anonymous"]),
    ]


def test_the_language_of_a_turn_follows_the_slot():
    turns = turns_from_events(as_dicts(visitor_conversations()["visitor-b"]))
    assert [(turn.language, turn.rating, turn.unknown_answer) for turn in turns] == [("en", "helpful", True)]


def test_a_turn_records_the_language_of_its_message_not_the_conversation_s():
    """A French message in an English conversation is reviewed as French, and the reverse."""
    french = {"entity": "language", "value": "fr", "start": 0, "end": 17}
    events = [
        SlotSet("language", "en", timestamp=WEEK_48),
        *asked("is it free?", "ask_free", 0.9, WEEK_48 + 1),
        *answered("action_answer_free", WEEK_48 + 1.1),
        *asked("y a un parking ?", "ask_practical_details", 0.9, WEEK_48 + 2, entities=[french]),
        SlotSet("language", "fr", timestamp=WEEK_48 + 2),
        *answered("action_answer_not_in_sources", WEEK_48 + 2.1),
        *asked("ok", "thank", 0.9, WEEK_48 + 3),
        *answered("utter_you_are_welcome", WEEK_48 + 3.1),
    ]
    assert [turn.language for turn in turns_from_events(as_dicts(events))] == ["en", "fr", "fr"]


def test_failures_are_grouped_most_frequent_first_with_their_reasons():
    groups = review_groups(conversations())

    texts = [group.text for group in groups]
    assert texts[0].lower().startswith("vous faites des ateliers cv le samedi")  # 2 near duplicates, first
    first = groups[0]
    assert first.count == 2 and first.predicted_intent == "ask_hours" and first.reasons == ["not_understood"]
    by_text = {group.text: group for group in groups}
    assert by_text["c'est gratuit ?"].reasons == ["rated_unhelpful"]
    parking = by_text["is there a parking"]
    assert parking.reasons == ["unknown_answer"] and parking.language == "en"
    assert by_text["c ouvert quand"].reasons == ["hesitant"]  # 0.5, and a margin of 0.1
    assert not any(text.startswith("/") for text in texts)  # payloads are not visitors' words


def test_known_examples_and_ignored_groups_are_not_listed_again():
    groups = review_groups(
        conversations(),
        known_texts=["C'est gratuit ?"],
        decided=["c ouvert quand", "vous faites des ateliers cv le samedi"],  # and its near duplicates
        ignored_keys=[fingerprint("is there a parking")],  # an older file's record
    )
    assert groups == []


def test_choices_become_valid_deduplicated_training_data_per_language(tmp_path: Path):
    groups = review_groups(conversations())
    by_text = {group.text: group.key for group in groups}
    decisions = {
        by_text["c'est gratuit ?"]: "ask_free",
        by_text["is there a parking"]: "ask_practical_details",
        by_text["c ouvert quand"]: IGNORE,
    }
    assert apply_decisions(tmp_path, groups, decisions, INTENTS, today=date(2026, 12, 1)) == 2
    assert apply_decisions(tmp_path, groups, decisions, INTENTS, today=date(2026, 12, 2)) == 0  # not twice

    french = load_data(str(tmp_path / "nlu" / "reviewed.yml"))
    english = load_data(str(tmp_path / "nlu" / "en" / "reviewed.yml"))
    assert [(m.get("text"), m.get("intent")) for m in french.intent_examples] == [("c'est gratuit ?", "ask_free")]
    assert [(m.get("text"), m.get("intent")) for m in english.intent_examples] == [
        ("is there a parking", "ask_practical_details")
    ]
    files = reviewed_files(tmp_path)
    assert files["fr"].ignored == [Ignored("2026-12-01", "c ouvert quand")]
    # Readable: the masked text and the day of the choice, in a comment that Rasa does not read.
    assert "# ignoré le 2026-12-01 : c ouvert quand\n" in (tmp_path / "nlu" / "reviewed.yml").read_text(
        encoding="utf-8"
    )
    with pytest.raises(ValueError):
        apply_decisions(tmp_path, groups, {groups[0].key: "not_an_intent"}, INTENTS)


def test_an_older_files_fingerprints_are_honoured_and_kept(tmp_path: Path):
    reviewed = tmp_path / "nlu" / "reviewed.yml"
    reviewed.parent.mkdir(parents=True)
    reviewed.write_text(f'version: "3.1"\nnlu: []\n# ignoré: {fingerprint("c ouvert quand")}\n', encoding="utf-8")
    groups = review_groups(conversations())
    by_text = {group.text: group.key for group in groups}
    apply_decisions(tmp_path, groups, {by_text["is there a parking"]: IGNORE}, INTENTS, today=date(2026, 12, 1))

    french = reviewed_files(tmp_path)["fr"]
    assert french.ignored_keys == [fingerprint("c ouvert quand")] and french.ignored == []
    assert reviewed_files(tmp_path)["en"].ignored == [Ignored("2026-12-01", "is there a parking")]
    assert load_data(str(reviewed)).intent_examples == []


def test_a_message_that_looks_like_an_annotation_stays_plain_text(tmp_path: Path):
    groups = review_groups(
        Conversations(turns_from_events(as_dicts(fallback("le [label](x) c'est quoi", "ask_labels", WEEK_48))))
    )
    apply_decisions(tmp_path, groups, {groups[0].key: "ask_labels"}, INTENTS)
    example = load_data(str(tmp_path / "nlu" / "reviewed.yml")).intent_examples[0]
    assert example.get("intent") == "ask_labels" and not example.get("entities")


def test_weekly_figures_count_conversations_turns_failures_ratings_and_time():
    week_48, week_49 = weekly_figures(conversations())

    assert (week_48.week, week_48.conversations, week_48.turns) == ("2026-S48", 2, 3)  # not the widget's greeting
    assert (week_48.not_understood, week_48.helpful, week_48.not_helpful) == (1, 1, 1)
    assert week_48.helpful_share == 0.5 and week_48.not_understood_share == pytest.approx(1 / 3)
    assert week_48.median_response_ms == pytest.approx(200, abs=5)  # 100, 200 and 300 ms
    assert week_48.topics[NOT_UNDERSTOOD_TOPIC] == 1 and week_48.topics["ask_free"] == 1
    assert (week_49.conversations, week_49.turns, week_49.not_understood) == (1, 2, 1)
    report = report_markdown([week_48, week_49], [])
    assert "| 2026-S48 | 2 | 3 | 33% | 50% (2) | 200 ms |" in report
    assert "| Est-ce gratuit ? | 1 |" in report and "ask_free" not in report  # topics by their titles
    assert "visitor" not in report and "c'est gratuit" not in report  # counts only


def test_the_report_as_a_page_gives_each_share_its_sample_size_escaped():
    weeks = weekly_figures(conversations())
    part = report_html(
        weeks,
        ["Sources à revérifier :", "- seed : « <b>Qui</b> » (`make validate`)"],
        ["- fait « atelier » : terminé le 2026-11-30"],
        chart_src="/rapport.png",
        level=3,
    )

    assert "<td>33\u00a0% de 3 messages</td>" in part and "<td>50\u00a0% de 2 réponses notées</td>" in part
    assert "<td>200\u00a0ms</td>" in part and '<th scope="row">2026-S48</th>' in part
    assert "<td>Est-ce gratuit ?</td><td>1</td>" in part and "ask_" not in part
    assert "<li>seed : « &lt;b&gt;Qui&lt;/b&gt; » (<code>make validate</code>)</li>" in part
    assert 'src="/rapport.png"' in part and "<h3>Sujets des questions</h3>" in part
    assert "<li>fait « atelier » : terminé le 2026-11-30</li>" in part  # the facts past their end date
    assert "visitor" not in part and "c'est gratuit" not in part
    page = report_page([], [])
    assert page.startswith("<!DOCTYPE html>") and "Aucune conversation conservée." in page
    assert 'name="viewport"' in page and "<h2>Sources à revérifier</h2>" in page


def test_the_chart_is_a_png():
    assert chart_png(weekly_figures(conversations()))[:8] == b"\x89PNG\r\n\x1a\n"


async def store_with_conversations(db: Path) -> SQLTrackerStore:
    store = SQLTrackerStore(Domain.empty(), dialect="sqlite", db=str(db))
    for sender, events in visitor_conversations().items():
        await store.save(DialogueStateTracker.from_events(sender, events))
    return store


def endpoints_for(db: Path, folder: Path) -> str:
    endpoints = folder / "endpoints.yml"
    endpoints.write_text(f"tracker_store:\n  type: SQL\n  dialect: sqlite\n  db: {db}\n", encoding="utf-8")
    return str(endpoints)


async def test_the_store_is_read_back_and_a_purge_removes_its_contribution(tmp_path: Path):
    db = tmp_path / "conversations.db"
    store = await store_with_conversations(db)
    endpoints = endpoints_for(db, tmp_path)

    read = read_conversations(endpoints)
    assert [week.turns for week in weekly_figures(read)] == [3, 2]
    assert len(review_groups(read)) == 4

    purge(store, older_than_days=0, now=WEEK_49 - 1)  # everything of week 48 is past the period
    assert [week.week for week in weekly_figures(read_conversations(endpoints))] == ["2026-S49"]


async def test_make_report_writes_the_markdown_the_chart_and_the_page(tmp_path: Path):
    from staff.report import main

    db = tmp_path / "conversations.db"
    await store_with_conversations(db)
    out = tmp_path / "report"
    assert main(["--endpoints", endpoints_for(db, tmp_path), "--out", str(out)]) == 0

    assert "| 2026-S48 | 2 | 3 | 33% |" in (out / "report.md").read_text(encoding="utf-8")
    assert (out / "report.png").read_bytes()[:4] == b"\x89PNG"
    page = (out / "report.html").read_text(encoding="utf-8")
    assert '<img class="chart" src="report.png"' in page and "33\u00a0% de 3 messages" in page
    assert "visitor" not in page and "c'est gratuit" not in page


async def test_the_terminal_review_writes_the_choices(tmp_path: Path):
    db = tmp_path / "conversations.db"
    await store_with_conversations(db)
    data = tmp_path / "data"
    (data / "nlu").mkdir(parents=True)
    (data / "nlu" / "known.yml").write_text(
        'version: "3.1"\nnlu:\n- intent: ask_free\n  examples: |\n    - c\'est gratuit ?\n', encoding="utf-8"
    )
    settings = ReviewSettings(data, PROJECT_ROOT / "domain.yml", endpoints_for(db, tmp_path), 0.6, 0.2)
    numbers = [intent for _, choices in choice_groups(INTENTS) for intent, _ in choices]
    hours = str(numbers.index("ask_hours") + 1)
    # Refused, the list again, a topic by its number; then "hors sujet", and "ignorer".
    answers = iter(["pas_une_intention", "l", hours, "h", "i"])
    said: list[str] = []

    review_in_terminal(settings, ask=lambda prompt: next(answers), say=said.append)

    assert any("pas_une_intention" in line for line in said)  # refused, asked again
    everything = "\n".join(said)
    assert f"{hours}. Les horaires" in everything and "ask_" not in everything
    assert "le bot a compris : Les horaires (31\u00a0%)" in everything
    assert "Juste avant : le visiteur « c'est gratuit ? » ; bot « Oui, c'est gratuit. »" in everything
    assert f"Sujets probables : {hours} = Les horaires" in everything
    examples = load_data(str(data / "nlu" / "reviewed.yml")).intent_examples
    assert sorted((m.get("intent"), m.get("text")) for m in examples) == [
        ("ask_hours", "vous faites des ateliers cv le samedi ?"),
        ("out_of_scope", "c ouvert quand"),
    ]


@pytest.fixture()
def review_page(tmp_path: Path) -> Iterator[tuple[str, Path]]:
    import asyncio

    db = tmp_path / "conversations.db"
    asyncio.run(store_with_conversations(db))
    html_turn = fallback("<script>alert(1)</script> c'est quoi ?", "ask_presentation", WEEK_49 + 50)
    store = SQLTrackerStore(Domain.empty(), dialect="sqlite", db=str(db))
    asyncio.run(store.save(DialogueStateTracker.from_events("visitor-d", html_turn)))
    data = tmp_path / "data"
    (data / "nlu").mkdir(parents=True)
    ReviewPageHandler.secret = "un-secret-de-test"
    endpoints = endpoints_for(db, tmp_path)
    ReviewPageHandler.settings = ReviewSettings(data, PROJECT_ROOT / "domain.yml", endpoints, 0.6, 0.2)
    server = ThreadingHTTPServer(("127.0.0.1", free_port()), ReviewPageHandler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}", data
    server.shutdown()
    server.server_close()


def request(url: str, password: str | None, data: dict[str, str] | None = None) -> tuple[int, str]:
    headers = {}
    if password is not None:
        headers["Authorization"] = "Basic " + base64.b64encode(f"mainteneur:{password}".encode()).decode()
    body = urllib.parse.urlencode(data).encode() if data is not None else None
    try:
        with urllib.request.urlopen(urllib.request.Request(url, body, headers), timeout=60) as response:
            return response.status, response.read().decode()
    except urllib.error.HTTPError as error:
        return error.code, error.read().decode()


def test_the_page_refuses_without_the_secret_and_says_nothing(review_page: tuple[str, Path]):
    url, _ = review_page
    for password in (None, "mauvais", ""):
        status, body = request(url + "/", password)
        assert (status, body) == (401, "")
    assert request(url + "/rapport.png", None)[0] == 401


class VisibleText(html.parser.HTMLParser):
    """The text a reader sees on a page (not the attributes: a form's values are not shown)."""

    def __init__(self) -> None:
        super().__init__()
        self.parts: list[str] = []

    def handle_data(self, data: str) -> None:
        self.parts.append(data)


def visible_text(page: str) -> str:
    parser = VisibleText()
    parser.feed(page)
    return " ".join(" ".join(parser.parts).split())


def test_the_page_lists_failures_escaped_with_their_context_in_plain_words(review_page: tuple[str, Path]):
    url, _ = review_page
    status, page = request(url + "/", "un-secret-de-test")

    assert status == 200
    assert "vous faites des ateliers cv le samedi ?" in page and "non compris" in page
    assert "<script>" not in page and "&lt;script&gt;alert(1)&lt;/script&gt;" in page
    assert "visitor-a" not in page and "2026-11-23" not in page  # no conversation id, no day or time
    shown = visible_text(page)
    assert "ask_" not in shown and "out_of_scope" not in shown and "nlu_fallback" not in shown
    assert "Le bot a compris Les horaires (31 %) ; ensuite : Est-ce gratuit ? (25 %)" in shown
    assert "Juste avant Visiteur : « c'est gratuit ? » Bot : « Oui, c'est gratuit. »" in shown
    assert "Réponse du bot « Je ne suis pas sûr d'avoir compris. »" in shown
    assert "Juste avant Visiteur : ouvre la fenêtre de discussion Bot : « … »" in shown  # the widget's greeting
    assert "Est-ce gratuit ? (97 %) C'est un exemple de" in shown  # no "ensuite" under 5 %
    assert '<span class="badge lang" title="message en anglais">EN</span>' in page  # "is there a parking"
    key = fingerprint("vous faites des ateliers cv le samedi ?")
    assert f'<input type="hidden" name="groupe" value="{key}">' in page
    assert '<button class="topic" name="choix" value="ask_hours">Les horaires</button>' in page
    assert (
        '<optgroup label="Les sujets du centre">' in page
        and '<option value="ask_address">L&#x27;adresse</option>' in page
    )
    assert 'name="viewport"' in page and "<script" not in page


def test_one_click_adds_an_example_or_ignores_readably(review_page: tuple[str, Path]):
    url, data = review_page
    secret, token = "un-secret-de-test", form_token("un-secret-de-test")
    key = fingerprint("vous faites des ateliers cv le samedi ?")

    refused, _ = request(url + "/relecture", secret, {"groupe": key, "choix": "ask_hours", "jeton": "faux"})
    assert refused == 403 and not (data / "nlu" / "reviewed.yml").exists()
    unknown, _ = request(url + "/relecture", secret, {"groupe": key, "choix": "pas_un_sujet", "jeton": token})
    assert unknown == 400 and not (data / "nlu" / "reviewed.yml").exists()
    # "Autre sujet…" without a topic chosen in the list: nothing written, a hint.
    status, page = request(url + "/relecture", secret, {"groupe": key, "choix": "autre", "autre": "", "jeton": token})
    assert status == 200 and "Choisissez d&#x27;abord un sujet" not in page and "Choisissez d'abord un sujet" in page

    status, page = request(url + "/relecture", secret, {"groupe": key, "choix": "ask_hours", "jeton": token})
    assert status == 200 and "Ajouté comme exemple de « Les horaires »" in page  # after the redirect
    assert "vous faites des ateliers cv le samedi" not in page.split('id="rapport"')[0]  # now in the data
    examples = load_data(str(data / "nlu" / "reviewed.yml")).intent_examples
    written = [(m.get("text"), m.get("intent")) for m in examples]
    assert written == [("vous faites des ateliers cv le samedi ?", "ask_hours")]

    # From the whole list, and "ignorer".
    parking, opened = fingerprint("is there a parking"), fingerprint("c ouvert quand")
    form = {"groupe": parking, "choix": "autre", "autre": "ask_practical_details", "jeton": token}
    assert "Ajouté comme exemple de « Infos pratiques" in request(url + "/relecture", secret, form)[1]
    status, page = request(url + "/relecture", secret, {"groupe": opened, "choix": "ignorer", "jeton": token})
    assert status == 200 and "Message ignoré" in page and "c ouvert quand" not in page.split('id="rapport"')[0]
    assert "# ignoré le " in (data / "nlu" / "reviewed.yml").read_text(encoding="utf-8")
    assert [ignored.text for ignored in reviewed_files(data)["fr"].ignored] == ["c ouvert quand"]
    # The same choice again (another tab): the message is no longer to review.
    status, page = request(url + "/relecture", secret, {"groupe": opened, "choix": "ignorer", "jeton": token})
    assert "n&#x27;est plus à relire" in page or "n'est plus à relire" in page


def test_the_page_is_off_without_a_secret(monkeypatch: pytest.MonkeyPatch):
    from staff.review_web import main

    monkeypatch.delenv("REVIEW_SECRET", raising=False)
    assert main([]) == 2


def test_the_report_lists_the_sources_to_check_again_and_survives_a_broken_knowledge_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
):
    from staff.report import stale_source_lines

    [today] = stale_source_lines(today=date(2026, 12, 1))
    assert today.startswith("Aucune source à revérifier")
    two_years_later = "\n".join(stale_source_lines(today=date(2028, 12, 1)))
    assert "- seed : « Qui sommes-nous ? (site de la Cité des Métiers) »" in two_years_later

    broken = tmp_path / "broken.yml"
    broken.write_text("sources: [", encoding="utf-8")
    monkeypatch.setenv("CDM_KNOWLEDGE_FILE", str(broken))
    [line] = stale_source_lines(today=date(2026, 12, 1))
    assert "make validate" in line
