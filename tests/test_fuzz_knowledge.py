"""Fuzzing the knowledge module's text path: whatever a visitor types, normalisation and look-ups answer
without an error, and a look-up only ever names a real centre or label."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from actions.knowledge.text import normalise
from actions.knowledge_store import get_knowledge

KNOWLEDGE = get_knowledge()
CENTRE_IDS = {centre.id for centre in KNOWLEDGE.centres}
LABEL_IDS = {label.id for label in KNOWLEDGE.labels}

# Visitors' text: any Unicode, and near-misses of real names (accents, case, typos, spacing).
_names = [centre.name for centre in KNOWLEDGE.centres] + [label.name for label in KNOWLEDGE.labels]
_visitor_text = st.one_of(
    st.text(),
    st.builds(
        lambda name, prefix, suffix, upper: f"{prefix}{name.upper() if upper else name}{suffix}",
        st.sampled_from(_names),
        st.sampled_from(["", "et à ", "le label ", "St ", "😀"]),
        st.sampled_from(["", " ?", "!!", "x", " <b>"]),
        st.booleans(),
    ),
)


@settings(max_examples=400, deadline=None)
@given(_visitor_text)
def test_normalise_is_total_and_idempotent(text):
    folded = normalise(text)
    assert normalise(folded) == folded
    assert folded == folded.strip() and "  " not in folded
    assert all(char.isascii() and (char.isalnum() or char == " ") for char in folded)


@settings(max_examples=400, deadline=None)
@given(_visitor_text)
def test_look_ups_answer_with_real_entries_or_nothing(text):
    centre = KNOWLEDGE.find_centre(text)
    label = KNOWLEDGE.find_label(text)
    assert centre is None or centre.id in CENTRE_IDS
    assert label is None or label.id in LABEL_IDS
    assert {centre.id for centre in KNOWLEDGE.centres_in(text)} <= CENTRE_IDS
    assert {label.id for label in KNOWLEDGE.labels_in(text)} <= LABEL_IDS
