"""What a follow-up points at (`actions.mentions`, pure Python), and how the follow-up action resolves it."""

from __future__ import annotations

import pytest

from actions.followups import ActionAnswerMention
from actions.mentions import LAST, Mention, parse_mention
from tests.conftest import make_tracker, run_action


@pytest.mark.parametrize(
    ("text", "mention"),
    [
        ("et celui de 2012 ?", Mention(year=2012)),
        ("celui de 99 ?", Mention(year=1999)),
        ("et en 17 ?", Mention(year=2017)),
        ("Et le plus récent ?", Mention(position=LAST)),
        ("et le dernier", Mention(position=LAST)),
        ("le plus ancien ?", Mention(position=1)),
        ("et le 1er ?", Mention(position=1)),
        ("la deuxième ?", Mention(position=2)),
        ("et le 3eme", Mention(position=3)),
        ("et le suivant ?", Mention(offset=1)),
        ("et celui d'avant ?", Mention(offset=-1)),
        ("et celui-là ?", Mention(this=True)),
        ("et les autres ?", Mention(every=True)),
        ("et l'autre ?", Mention(other=True)),
        ("merci", None),
        ("c'est gratuit ?", None),
    ],
)
def test_parse_mention(text, mention):
    assert parse_mention(text) == mention


@pytest.mark.parametrize(
    ("mention", "current", "picked"),
    [
        (Mention(position=1), None, "a"),
        (Mention(position=LAST), None, "c"),
        (Mention(position=4), None, None),
        (Mention(offset=1), "b", "c"),
        (Mention(offset=1), "c", None),
        (Mention(offset=-1), "a", None),
        (Mention(this=True), "b", "b"),
        (Mention(this=True), None, None),
        (Mention(offset=1), "z", None),
    ],
)
def test_pick_from_the_list_in_focus(mention, current, picked):
    assert mention.pick(["a", "b", "c"], current) == picked


@pytest.mark.parametrize(
    ("text", "focus", "expected"),
    [
        ("et le suivant ?", "label:spo", "Label Égalité professionnelle (2012)"),
        ("et celui d'avant ?", "label:spo", "Label Cité des Métiers (2002 et 2005)"),
        ("et celui-là ?", "centre:gap", "Oui, Gap fait partie des 7 centres associés"),
        (
            "et les autres ?",
            "label:diversite",
            "La Cité des Métiers de Marseille et de Provence-Alpes-Côte d'Azur a obtenu",
        ),
        (
            "et les autres ?",
            "centre:gap",
            "La Cité des Métiers de Marseille et de Provence-Alpes-Côte d'Azur est présente",
        ),
        ("et en 1999 ?", None, "- 1999 : Des acteurs de l'insertion"),
    ],
)
async def test_the_follow_up_action_resolves_the_mention(text, focus, expected):
    replies = await run_action(ActionAnswerMention(), make_tracker(text, "inform", focus=focus))
    assert replies[0].startswith(expected)
