"""Masking of visitors' personal data and cleaning of their text (rasa_extensions/privacy.py), with fuzzing."""

from __future__ import annotations

import re

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from rasa_extensions.privacy import PLACEHOLDERS, clean_text, mask_personal_data


@pytest.mark.parametrize(
    ("text", "kind", "secret"),
    [
        ("écrivez-moi à jean.dupont@example.fr svp", "email", "jean.dupont@example.fr"),
        ("mon mail : Marie_Claire+cdm@sous.domaine.org.", "email", "Marie_Claire+cdm@sous.domaine.org"),
        ("rappelez moi au 06 12 34 56 78", "phone", "06 12 34 56 78"),
        ("tel 0612345678", "phone", "0612345678"),
        ("mon portable +33 6 12 34 56 78 merci", "phone", "+33 6 12 34 56 78"),
        ("joignable au 04.91.00.00.00", "phone", "04.91.00.00.00"),
        ("+33 (0)6 12 34 56 78", "phone", "+33 (0)6 12 34 56 78"),
        ("mon numéro marocain +212 6 61 23 45 67", "phone", "+212 6 61 23 45 67"),
        ("ma sécu 1 85 05 78 006 084 36", "nir", "1 85 05 78 006 084 36"),
        ("n° ss 285052A00608436", "nir", "285052A00608436"),
        ("IBAN FR76 3000 6000 0112 3456 7890 189 pour le remboursement", "iban", "FR76 3000 6000 0112 3456 7890 189"),
        ("iban fr7630006000011234567890189", "iban", "fr7630006000011234567890189"),
        ("j'habite au 12 bis, rue de la République, 13001 Marseille", "address", "12 bis, rue de la République"),
        ("je vis 3 avenue du Prado", "address", "3 avenue du Prado"),
        ("au 45 bd Baille 13005 Marseille", "address", "45 bd Baille"),
    ],
)
def test_each_kind_of_personal_data_is_masked(text, kind, secret):
    masked = mask_personal_data(text)
    assert secret not in masked.text
    assert PLACEHOLDERS[kind] in masked.text
    assert kind in masked.kinds


def test_the_rest_of_the_message_is_kept():
    masked = mask_personal_data("Mon mail est jean.dupont@example.fr et mon tel 06 12 34 56 78, c'est gratuit ?")
    assert masked.text == "Mon mail est [e-mail masqué] et mon tel [téléphone masqué], c'est gratuit ?"
    assert masked.kinds == ("email", "phone")


def test_address_masking_takes_the_postal_code_and_town_along():
    masked = mask_personal_data("J'habite 12 rue Paradis, 13006 Marseille. Vous êtes ouverts ?")
    assert masked.text == "J'habite [adresse masquée]. Vous êtes ouverts ?"


@pytest.mark.parametrize(
    "text",
    [
        "C'est gratuit ?",
        "c gratuit ?",
        "Avez-vous un centre à Gap ?",
        "les 25 cités dans 7 pays",
        "labels de 2002, 2005, 2011 et 2017",
        "j'ai 25 ans et 3 enfants, je suis 2 cours de français",
        "rdv le 12/03/2024 à 14h30 ?",
        "code postal 13001",
        "la Cité des Métiers est au 4-10 de quelle rue ?",
        "😀 <script>alert(1)</script>",
    ],
)
def test_questions_without_personal_data_are_left_alone(text):
    assert mask_personal_data(text).text == text
    assert mask_personal_data(text).kinds == ()


def test_clean_text_removes_what_stores_refuse():
    assert clean_text("a\x00b\udc80c\nd\te\r\n") == "ab?c d e"
    assert clean_text("Cite\u0301") == "Cité"  # NFC: one code point, as the NLU's training data has it
    assert clean_text("  \u200b 😀  ") == "\u200b 😀"


# --- Fuzzing: any text goes through without an error, and nothing of the kinds survives --------

_EMAIL_LEFT = re.compile(r"[\w.+-]+@[\w-]+\.[\w-]+")
_PHONE_LEFT = re.compile(r"0[1-9](?:[ .-]?\d{2}){4}")

_personal_bits = st.sampled_from(
    ["jean.dupont@example.fr", "06 12 34 56 78", "0491000000", "1 85 05 78 006 084 36",
     "FR76 3000 6000 0112 3456 7890 189", "12 rue de la Paix", "c'est gratuit ?", " ", "\n", "é", "😀", "<b>"]
)  # fmt: skip


@settings(max_examples=300, deadline=None)
@given(st.text())
def test_any_text_is_cleaned_and_masked_without_error(text):
    cleaned = clean_text(text)
    cleaned.encode("utf-8")  # storable: no lone surrogate
    assert "\x00" not in cleaned
    masked = mask_personal_data(cleaned)
    assert mask_personal_data(masked.text).text == masked.text  # placeholders are never masked again


@settings(max_examples=300, deadline=None)
@given(st.lists(st.one_of(_personal_bits, st.text(max_size=5)), max_size=12))
def test_no_email_or_french_phone_survives_masking(parts):
    masked = mask_personal_data(clean_text(" ".join(parts))).text
    assert not _EMAIL_LEFT.search(masked), masked
    assert not _PHONE_LEFT.search(masked), masked
