"""The topics, declared once: each question the bot answers with a section of the knowledge file's `topics:`.

A topic is one member of `Topic` below, holding its whole entry: its id (the key of its section of `topics:`),
the intent that asks it, its button title in French and in English, and how its action answers. Everything
else follows from it: the knowledge file must have a section per topic (actions/knowledge/schema.py), each topic has
its action `action_answer_<id>` (actions/topics.py), and the titles are offered as buttons when the NLU is
unsure (`BUTTON_TITLES`, actions/fallback.py). Adding a topic: docs/maintainers.md, section 4.

`Topic` stays an Enum written out member by member, rather than one built from a list, so that mypy knows
each member (`Topic.ADVISERS`) and pydantic checks the knowledge file's keys against it.

Pure Python, with no dependency on Rasa, so that the knowledge module and the tools can use it.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import Enum, unique
from typing import Literal

# How a topic's action answers:
# - "facts": the topic's facts, whatever the question ("c'est gratuit ?"). The presentation answers so too:
#   "la cité des métiers de marseille, c'est quoi ?" must never get a fact about Marseille alone;
# - "broad": a topic the NLU also finds for a question about one fact beyond it ("c'est aussi pour les
#   retraités ?" for "pour qui ?"): the question is checked against the fact search first (actions/pinpoint.py);
# - "centre": a topic that differs by centre (where, when open, how to reach it), about the centre asked or in
#   focus, never another centre's facts in its place.
Answer = Literal["facts", "broad", "centre"]


@dataclass(frozen=True, kw_only=True)
class Button:
    """A question the bot offers as a button when unsure what was asked: its intent and its title."""

    intent: str
    fr: str
    en: str

    def title(self, language: str) -> str:
        return self.en if language == "en" else self.fr


@dataclass(frozen=True, kw_only=True)
class TopicEntry(Button):
    """A topic: a button, and its section of the knowledge file's `topics:`, said by `action_answer_<id>`."""

    id: str
    answer: Answer = "facts"


@unique  # two members with the same id would silently be one
class Topic(str, Enum):
    """The questions answered by a list of facts; each has an action `action_answer_<topic>`."""

    _value_: str
    entry: TopicEntry

    def __new__(cls, entry: TopicEntry) -> Topic:
        # The member is its id, as before: `Topic("free")`, a key of the knowledge file, `topic.value == "free"`.
        member = str.__new__(cls, entry.id)
        member._value_ = entry.id
        member.entry = entry
        return member

    PRESENTATION = TopicEntry(
        id="presentation",
        intent="ask_presentation",
        fr="Présentation de la Cité des Métiers",
        en="About the Cité des Métiers",
    )
    CONDITIONS = TopicEntry(
        id="conditions", intent="ask_conditions", fr="Les conditions d'accueil", en="How visits work", answer="broad"
    )
    FREE = TopicEntry(id="free", intent="ask_free", fr="Est-ce gratuit ?", en="Is it free?")
    ANONYMOUS = TopicEntry(id="anonymous", intent="ask_anonymous", fr="Est-ce anonyme ?", en="Is it anonymous?")
    APPOINTMENT = TopicEntry(
        id="appointment", intent="ask_appointment", fr="Faut-il un rendez-vous ?", en="Do I need an appointment?"
    )
    AUDIENCE = TopicEntry(
        id="audience", intent="ask_audience", fr="Qui peut venir ?", en="Who can come?", answer="broad"
    )
    HOURS = TopicEntry(id="hours", intent="ask_hours", fr="Les horaires", en="Opening hours", answer="centre")
    ADDRESS = TopicEntry(id="address", intent="ask_address", fr="L'adresse", en="Address", answer="centre")
    CONTACT = TopicEntry(
        id="contact", intent="ask_contact", fr="Téléphone et e-mail", en="Phone and email", answer="centre"
    )
    SERVICES = TopicEntry(id="services", intent="ask_services", fr="Les services", en="Services", answer="broad")
    # Asked as "can I meet a person?": the advisers are the answer.
    ADVISERS = TopicEntry(
        id="advisers", intent="ask_human", fr="Rencontrer un conseiller", en="Meet an adviser", answer="broad"
    )
    PRINCIPLES = TopicEntry(id="principles", intent="ask_principles", fr="Les valeurs", en="Its values")
    ORG_CHART = TopicEntry(id="org_chart", intent="ask_org_chart", fr="Les organigrammes", en="Organisation charts")

    @property
    def action(self) -> str:
        return f"action_answer_{self.entry.id}"


# The other questions offered as buttons: answered by actions of their own (or a response), not by a topic.
OTHER_BUTTONS = (
    Button(intent="ask_history", fr="Son histoire", en="Its history"),
    Button(intent="ask_centres", fr="Les centres", en="Centres"),
    Button(intent="ask_labels", fr="Les labels", en="Labels"),
    Button(intent="ask_network", fr="Le réseau international", en="The international network"),
    Button(
        intent="ask_need",
        fr="Être aidé dans mon projet (formation, emploi, orientation…)",
        en="Help with my plans (training, job, career guidance…)",
    ),
    Button(
        intent="ask_practical_details",
        fr="Infos pratiques (ateliers, accès, parking…)",
        en="Practical info (workshops, access, parking…)",
    ),
    Button(intent="ask_capabilities", fr="Ce que vous savez faire", en="What you can do"),
)

BUTTONS: tuple[Button, ...] = (*(topic.entry for topic in Topic), *OTHER_BUTTONS)


def button_titles(language: str) -> dict[str, str]:
    """Each button's title by its intent; an intent without one is never offered."""
    return {button.intent: button.title(language) for button in BUTTONS}


BUTTON_TITLES = {language: button_titles(language) for language in ("fr", "en")}
