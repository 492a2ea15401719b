"""Answers read at a glance: no first bubble over 60 words, the rest on "En savoir plus"."""

from __future__ import annotations

import pytest

from actions.about import ActionAnswerHistory
from actions.glance import FIRST_BUBBLE_MAX_WORDS, MORE_SLOT, cut, visible_words
from actions.knowledge_store import get_knowledge
from actions.more import ActionAnswerMore
from actions.needs import ActionAnswerNeed
from actions.referrals import ActionAnswerDistress
from actions.replies import cites_sources
from actions.topic_registry import Topic
from actions.topics import topic_action
from tests.conftest import make_tracker, run_action_with_events

SOURCES = "Source : [citedesmetiers.fr/qui-sommes-nous](https://www.citedesmetiers.fr/qui-sommes-nous)"


def sentence(words: int) -> str:
    return " ".join(["mot"] * (words - 1)) + " fin."


def parts(text: str, question: str = "") -> tuple[str, str]:
    cut_text = cut(text, question=question)
    assert cut_text is not None
    return cut_text


def more_of(events: list[dict]) -> list[str] | None:
    values = [event["value"] for event in events if event.get("name") == MORE_SLOT]
    return values[-1] if values else None


def test_words_are_counted_as_read():
    assert visible_words(SOURCES) == 2  # "Source"; ":" is not a word; the link by its title
    assert visible_words("- un\n- deux, trois ?") == 3


def test_a_short_message_is_not_cut():
    assert cut(f"{sentence(20)}\n\n{SOURCES}") is None


def test_a_long_message_is_cut_after_its_last_whole_line_that_fits_and_both_parts_keep_the_sources():
    text = "\n".join([sentence(25), sentence(25), sentence(25)]) + f"\n\n{SOURCES}"
    lead, rest = parts(text)
    assert lead == f"{sentence(25)}\n{sentence(25)}\n\n{SOURCES}"
    assert rest == f"{sentence(25)}\n\n{SOURCES}"
    assert visible_words(lead) <= FIRST_BUBBLE_MAX_WORDS


def test_one_long_line_is_cut_between_sentences():
    line = " ".join([sentence(20), "Deux " + sentence(20), "Trois " + sentence(20)])
    lead, rest = parts(line)
    assert lead.endswith("fin.") and visible_words(lead) <= FIRST_BUBBLE_MAX_WORDS
    assert rest.startswith("Trois")


def test_a_list_heading_goes_with_its_items():
    text = "\n".join([sentence(30), "Vous pouvez aussi :", "- " + sentence(30), "- " + sentence(20)])
    lead, rest = parts(text)
    assert lead == sentence(30)
    assert rest.startswith("Vous pouvez aussi :\n- ")


def test_a_heading_alone_is_no_lead_the_first_item_s_first_sentences_follow_it():
    text = "\n".join(["En quelques dates :", "- 1993 : " + sentence(30) + " Puis " + sentence(30), "- " + sentence(5)])
    lead, rest = parts(text)
    assert lead == "En quelques dates :\n- 1993 : " + sentence(30)
    assert rest.startswith("Puis ")


def test_a_line_too_long_for_its_heading_comes_first_and_the_heading_heads_the_rest():
    text = "Label Diversité (2017), délivré par AFNOR :\n" + sentence(56) + "\n" + sentence(10)
    lead, rest = parts(text)
    assert lead == sentence(56)
    assert rest == "Label Diversité (2017), délivré par AFNOR :\n" + sentence(10)


def test_a_heading_before_a_sentence_too_long_for_the_bubble_is_said_alone():
    text = "Label Diversité (2017), délivré par AFNOR :\n" + sentence(65) + "\n" + sentence(10)
    lead, rest = parts(text)
    assert lead == "Label Diversité (2017), délivré par AFNOR."
    assert rest == sentence(65) + "\n" + sentence(10)


def test_the_line_that_says_what_was_asked_comes_in_the_lead():
    lines = [
        "En quelques dates :",
        "- 1993 : " + sentence(30),
        "- 1999 : " + sentence(30),
        "- 2005 : ouverture à Marseille.",
    ]
    lead, rest = parts("\n".join(lines), question="et en 2005 il s'est passé quoi ?")
    assert lead.startswith("En quelques dates :\n- 2005 : ouverture à Marseille.\n- 1993")
    assert "- 1999" in rest and "2005" not in rest
    # Without the question, or with one that the lead already answers, the order stays as written.
    assert parts("\n".join(lines))[0].startswith("En quelques dates :\n- 1993")
    assert parts("\n".join(lines), question="et en 1993 ?")[0].startswith("En quelques dates :\n- 1993")


def test_a_single_sentence_too_long_to_cut_is_left_whole():
    assert cut(sentence(80)) is None


async def test_a_long_topic_answer_comes_in_parts_and_the_rest_on_en_savoir_plus():
    messages, events = await run_action_with_events(
        topic_action(Topic.CONDITIONS), make_tracker("quelles sont vos conditions d'accueil ?", "ask_conditions")
    )
    [lead] = messages
    assert visible_words(lead["text"]) <= FIRST_BUBBLE_MAX_WORDS
    assert cites_sources(lead["text"])
    assert lead["buttons"] == [{"title": "En savoir plus", "payload": "/ask_more"}]
    rest = more_of(events)
    assert rest and all(cites_sources(part) for part in rest)
    # Together, the parts say every fact of the topic.
    said = lead["text"] + "\n".join(rest)
    for fact in get_knowledge().topic(Topic.CONDITIONS):
        assert fact.text in said


async def test_en_savoir_plus_says_the_rest_with_the_rating_buttons_and_then_nothing_more():
    _, events = await run_action_with_events(ActionAnswerHistory(), make_tracker("votre histoire ?", "ask_history"))
    rest = more_of(events)
    assert rest
    tracker = make_tracker("en savoir plus", "ask_more")
    tracker.slots[MORE_SLOT] = rest
    messages, events = await run_action_with_events(ActionAnswerMore(), tracker)
    said = "\n".join(message["text"] for message in messages)
    assert rest[0].split("\n")[0] in said
    assert visible_words(messages[0]["text"]) <= FIRST_BUBBLE_MAX_WORDS
    tracker = make_tracker("en savoir plus", "ask_more")
    texts, _ = await run_action_with_events(ActionAnswerMore(), tracker)
    assert "rien de plus" in texts[0]["text"]


async def test_a_short_answer_forgets_an_older_rest():
    tracker = make_tracker("c'est gratuit ?", "ask_free")
    tracker.slots[MORE_SLOT] = ["une ancienne suite"]
    messages, events = await run_action_with_events(topic_action(Topic.FREE), tracker)
    assert not messages[0].get("buttons") or messages[0]["buttons"][0]["payload"] != "/ask_more"
    assert {"event": "slot", "name": MORE_SLOT, "value": None} in [
        {key: event.get(key) for key in ("event", "name", "value")} for event in events
    ]


@pytest.mark.parametrize(
    ("text", "language"),
    [
        ("bjr je suis au chomage et je voudrais faire une VAE", "fr"),
        ("je cherche du travail", "fr"),
        ("je suis handicapé et je cherche un emploi", "fr"),
        ("vous pouvez m'aider ?", "fr"),
        ("I am unemployed and want to retrain", "en"),
    ],
)
async def test_a_need_is_answered_in_at_most_90_words_the_lead_at_most_60(text: str, language: str):
    messages, events = await run_action_with_events(
        ActionAnswerNeed(), make_tracker(text, "ask_need", language=language)
    )
    words = [visible_words(message["text"]) for message in messages]
    assert words[0] <= FIRST_BUBBLE_MAX_WORDS
    assert sum(words) <= 90, messages
    assert messages[-1]["buttons"][0]["payload"] == "/ask_more"
    assert more_of(events)
    # No dated fact in a need's answer: "En 2011, …" is history, not what a visitor finds today.
    assert not any("2011" in message["text"] for message in messages)
    assert not any("2011" in part for part in more_of(events) or [])


@pytest.mark.parametrize("language", ["fr", "en"])
async def test_distress_gets_everything_at_once_in_short_bubbles(language: str):
    messages, events = await run_action_with_events(
        ActionAnswerDistress(), make_tracker("je n'en peux plus", "distress", language=language)
    )
    assert len(messages) == 2
    assert "3114" in messages[0]["text"]
    assert all(visible_words(message["text"]) <= FIRST_BUBBLE_MAX_WORDS for message in messages)
    assert not any(message.get("buttons") for message in messages)
    assert not more_of(events)


async def test_the_fact_the_search_finds_for_the_question_comes_first_in_a_cut_answer():
    # No word of the question is in the timeline's 2005 line ("ouvre au public en mars 2005"); the search finds the
    # fact ("a ouvert ses portes au public en mars 2005") all the same, and the lead holds the line that says it.
    messages, _ = await run_action_with_events(
        ActionAnswerHistory(), make_tracker("date ouverture cité des métiers marseille", "ask_history")
    )
    assert "ouvre au public en mars 2005" in messages[0]["text"]
    assert visible_words(messages[0]["text"]) <= FIRST_BUBBLE_MAX_WORDS


def test_an_asked_line_too_long_for_a_bubble_leaves_the_order_as_written():
    lines = ["Intro " + sentence(30), "Suite " + sentence(10), "Missions du label : " + sentence(62)]
    lead, rest = parts("\n".join(lines), question="quelles missions pour le label ?")
    assert lead == "\n".join(lines[:2])
    assert rest == lines[2]
