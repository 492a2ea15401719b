"""The knowledge module: the real file's facts, French normalisation, look-ups, and clear errors."""

from __future__ import annotations

import inspect
import re
import subprocess
import sys
from datetime import date, timedelta
from typing import Any

import pytest

from actions import wording, wording_en
from actions.knowledge.cli import main
from actions.knowledge.loading import DEFAULT_KNOWLEDGE_FILE, KnowledgeError, load_knowledge
from actions.knowledge.sources import (
    DEFAULT_SOURCE_MAX_AGE_DAYS,
    SOURCE_MAX_AGE_ENV,
    describe_stale_sources,
    stale_sources,
)
from actions.knowledge.text import normalise
from actions.topic_registry import BUTTONS, Topic
from tests.conftest import DOMAIN, PROJECT_ROOT


@pytest.fixture(scope="module")
def knowledge():
    return load_knowledge()


# --- The real file holds the seed's facts -----------------------------------------------------


def test_centres_are_marseille_and_the_seven_associated_ones(knowledge):
    assert knowledge.main_centre.name == "Marseille"
    assert [centre.name for centre in knowledge.associated_centres] == [
        "Gap", "Istres", "Martigues", "Aubagne", "La Garde", "Sisteron", "Antibes",
    ]  # fmt: skip


def test_labels_have_the_years_of_the_seed(knowledge):
    years = {label.id: label.years for label in knowledge.labels}
    assert years == {
        "cite_des_metiers": [2002, 2005],
        "spo": [2011],
        "egalite_professionnelle": [2012],
        "diversite": [2017],
        "charte_diversite": [2023],
    }
    assert [label.id for label in knowledge.labels][0] == "cite_des_metiers"  # sorted by first year
    assert "AFNOR" in knowledge.label("diversite").issuer


def test_history_network_and_organisation(knowledge):
    assert [event.year for event in knowledge.history] == [1993, 1999, 2005]
    assert "Villette" in knowledge.history[0].text
    assert (knowledge.network.cities, knowledge.network.countries) == (25, 7)
    assert knowledge.network.url == "https://reseaucitesdesmetiers.com"
    assert knowledge.organisation.website == "https://www.citedesmetiers.fr"


@pytest.mark.parametrize("topic", list(Topic))
def test_every_topic_has_sourced_facts(knowledge, topic):
    facts = knowledge.topic(topic)
    assert facts
    for fact in facts:
        assert fact.text.strip()
        assert knowledge.source(fact.source).title


def test_hours_are_not_stated_since_no_source_gives_current_ones(knowledge):
    hours = " ".join(fact.text for fact in knowledge.topic(Topic.HOURS))
    assert not re.search(r"\d+ ?h", hours), "the sources give no current opening hours"
    assert "site" in hours


def _wordings() -> list[tuple[str, str]]:
    responses = [(name, variant["text"]) for name, variants in DOMAIN["responses"].items() for variant in variants]
    templates, phrases = [], []
    for module in (wording, wording_en):
        language = module.__name__.rsplit(".", 1)[-1]
        texts = {name: text for name, text in vars(module).items() if name.isupper() and isinstance(text, str)}
        templates += [(f"{language}.{name}", text) for name, text in texts.items()]
        phrases += [
            (f"{language}.{name}[{key}]", text)
            for name, table in vars(module).items()
            if name.isupper() and isinstance(table, dict)
            for key, text in table.items()
        ]
    titles = [(f"button {button.intent}", button.title(language)) for button in BUTTONS for language in ("fr", "en")]
    return responses + templates + phrases + titles


@pytest.mark.parametrize(("name", "text"), _wordings())
def test_wording_holds_no_facts(name, text):
    """Facts (years, figures, addresses, links) live in the knowledge file, not in responses or templates."""
    assert not re.search(r"\d", text), f"{name} states a figure"
    assert "http" not in text and "www." not in text and "rue " not in text, f"{name} holds a link or an address"


def test_knowledge_file_is_outside_rasa_training_data():
    assert PROJECT_ROOT / "data" not in DEFAULT_KNOWLEDGE_FILE.parents


# --- Normalisation of French text -------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Cité des Métiers", "cite des metiers"),
        ("  ÉGALITÉ   pro !!", "egalite pro"),
        ("La-Garde", "la garde"),
        ("St-Raphaël", "saint raphael"),
        ("Ste Maxime", "sainte maxime"),
        ("cœur", "coeur"),
        ("c gratuit ? 😀", "c gratuit"),
        ("<b>Gap</b>", "b gap b"),
        ("", ""),
    ],
)
def test_normalise(text, expected):
    assert normalise(text) == expected


# --- Look-ups ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("query", "centre_id"),
    [
        ("Gap", "gap"),
        ("gap", "gap"),
        ("GAP", "gap"),
        ("istre", "istres"),
        ("Martigue", "martigues"),
        ("aubagne", "aubagne"),
        ("lagarde", "la_garde"),
        ("la garde", "la_garde"),
        ("La-Garde", "la_garde"),
        ("la gard", "la_garde"),
        ("le centre de la garde", "la_garde"),
        ("sisteronn", "sisteron"),
        ("Antibes", "antibes"),
        ("marsielle", "marseille"),
        ("Marseille", "marseille"),
        ("à Marseille", "marseille"),
    ],
)
def test_find_centre_tolerates_accents_spacing_and_typos(knowledge, query, centre_id):
    assert knowledge.find_centre(query).id == centre_id


@pytest.mark.parametrize("query", ["Lyon", "Toulouse", "Nice", "Gard", "St Raphaël", "Aix-en-Provence", "", "???"])
def test_find_centre_does_not_invent_a_centre(knowledge, query):
    assert knowledge.find_centre(query) is None


@pytest.mark.parametrize(
    ("query", "label_id"),
    [
        ("spo", "spo"),
        ("le label SPO", "spo"),
        ("service public de l'orientation", "spo"),
        ("égalité pro", "egalite_professionnelle"),
        ("egalite professionelle", "egalite_professionnelle"),
        ("la diversité", "diversite"),
        ("diversite", "diversite"),
        ("charte de la diversité", "charte_diversite"),
        ("label cité des métiers", "cite_des_metiers"),
        ("cite_des_metiers", "cite_des_metiers"),
    ],
)
def test_find_label(knowledge, query, label_id):
    assert knowledge.find_label(query).id == label_id


@pytest.mark.parametrize("query", ["label", "égalité des chances", "qualité", ""])
def test_find_label_does_not_invent_a_label(knowledge, query):
    assert knowledge.find_label(query) is None


# --- A broken file gives a clear error --------------------------------------------------------


def _load_error(write_knowledge, data: Any) -> KnowledgeError:
    path = write_knowledge(data)
    with pytest.raises(KnowledgeError) as caught:
        load_knowledge(path)
    assert str(path) in str(caught.value)
    return caught.value


def _line(path_or_text: Any, pattern: str, after: str = "") -> int:
    """The line (from 1) of the first line matching `pattern` after the first line matching `after`."""
    text = path_or_text if isinstance(path_or_text, str) else path_or_text.read_text(encoding="utf-8")
    lines = text.splitlines()
    start = next(index for index, line in enumerate(lines) if re.search(after, line)) if after else 0
    return next(index + 1 for index, line in enumerate(lines) if index >= start and re.search(pattern, line))


def test_wrong_type_names_the_line_the_entry_and_the_field(write_knowledge, knowledge_data):
    knowledge_data["labels"][1]["years"] = ["deux mille onze"]
    error = _load_error(write_knowledge, knowledge_data)
    line = _line(write_knowledge(knowledge_data), r"^  - deux mille onze", after=r"^- id: spo")
    assert error.problems == [
        f'ligne {line}, label "spo" : le champ "years" (années), élément 1 doit être un nombre entier, '
        f"par exemple 2011."
    ]


def test_every_problem_is_reported_at_once(write_knowledge, knowledge_data):
    del knowledge_data["centres"][2]["name"]
    knowledge_data["facts"]["free"]["txt"] = "typo"
    knowledge_data["network"]["cities"] = -1
    problems = _load_error(write_knowledge, knowledge_data).problems
    assert any(
        problem.endswith('centre "istres" : le champ "name" (nom) manque. Ajoutez une ligne `name: ...` à cette '
                         "entrée (voyez les autres entrées du fichier).")
        for problem in problems
    )  # fmt: skip
    assert any(
        problem.endswith(
            'fait "free" : le champ "txt" n\'existe pas ici. Corrigez son orthographe (champs possibles : text, '
            'text_en, source, asked, valid_until) ou supprimez la ligne "txt:".'
        )
        for problem in problems
    )
    assert any(
        problem.endswith('réseau : le champ "cities" (nombre de villes) doit valoir au moins 1.')
        for problem in problems
    )
    assert len(problems) == 3
    assert all(problem.startswith("ligne ") for problem in problems)


def test_undeclared_source_and_fact_are_named_with_their_line(write_knowledge, knowledge_data):
    knowledge_data["facts"]["free"]["source"] = "blog"
    knowledge_data["topics"]["hours"] = ["adapted_opening", "opening_hours"]
    path = write_knowledge(knowledge_data)
    problems = _load_error(write_knowledge, knowledge_data).problems
    assert problems == [
        f'ligne {_line(path, r"^    source: blog", after=r"^  free:")}, fait "free" : la source "blog" n\'est pas '
        "déclarée sous `sources:`. Corrigez son orthographe (sources déclarées : seed, projets, koinai_2005, "
        "latribune_2022, labrseinnovation_2013, madeinmarseille, fcuni_2011, reseau, moncompteformation, france_vae, "
        "france_travail, missions_locales, apec, bge, numero_3114, code_travail, onisep, enic_naric, cap_emploi, "
        "eures, cybermalveillance) ou déclarez-la sous `sources:` (title, url, checked_on).",
        f'ligne {_line(path, r"^  - opening_hours", after=r"^  hours:")}, sujet "hours" : le fait "opening_hours" '
        "n'est pas déclaré sous `facts:`. Corrigez son orthographe ou ajoutez-le sous `facts:` (text, text_en, "
        "source).",
    ]


def test_missing_topic_duplicate_id_and_two_main_centres(write_knowledge, knowledge_data):
    del knowledge_data["topics"]["free"]
    knowledge_data["centres"][1]["id"] = "marseille"
    knowledge_data["centres"][1]["kind"] = "main"
    problems = _load_error(write_knowledge, knowledge_data).problems
    assert any(problem.endswith('le sujet "free" manque sous `topics:`. Le bot en a besoin pour répondre : '
                                "ajoutez-le avec les clés de ses faits.") for problem in problems)  # fmt: skip
    assert any(
        problem.endswith('centre n° 2 : l\'identifiant "marseille" est déjà pris par une autre entrée. Donnez à '
                         "chacune le sien.")
        for problem in problems
    )  # fmt: skip
    assert any('centres : il faut exactement un centre de type "main" (2 trouvé(s))' in problem for problem in problems)


def test_empty_text_and_bad_link_are_refused(write_knowledge, knowledge_data):
    knowledge_data["facts"]["free"]["text"] = "   "
    knowledge_data["organisation"]["website"] = "citedesmetiers"
    problems = _load_error(write_knowledge, knowledge_data).problems
    assert any('fait "free" : le champ "text" (texte français) est vide.' in problem for problem in problems)
    assert any(
        'organisation : le champ "website" (site web) n\'est pas un lien valide. Écrivez un lien complet qui '
        "commence par https://" in problem
        for problem in problems
    )


def test_invalid_yaml_gives_the_line_in_french(tmp_path):
    path = tmp_path / "knowledge.yml"
    path.write_text("schema_version: 1\nsources: [\n", encoding="utf-8")
    with pytest.raises(KnowledgeError, match=r"ligne 3, colonne 1 : le texte n'est pas du YAML valide\."):
        load_knowledge(path)


_APOSTROPHE = (
    "ligne {line}, colonne {column} : le texte n'est pas du YAML valide. Cause probable : une apostrophe (') dans un "
    "texte entre apostrophes. Mettez le texte entre guillemets droits (\"…\") ou doublez l'apostrophe ('')."
)


def test_an_apostrophe_in_a_text_between_apostrophes_is_explained(tmp_path):
    """The most common slip of a French text: `text: 'C'est gratuit'`, which PyYAML calls "expected <block end>,
    but found '<scalar>'"."""
    original = DEFAULT_KNOWLEDGE_FILE.read_text(encoding="utf-8")
    written = '    text: "Présente à Marseille, elle rayonne aussi en région grâce à ses centres associés."'
    assert written in original
    broken = "    text: 'Présente à Marseille, elle rayonne aussi en région grâce à l'ensemble de ses centres.'"
    path = tmp_path / "knowledge.yml"
    path.write_text(original.replace(written, broken, 1), encoding="utf-8")
    with pytest.raises(KnowledgeError) as caught:
        load_knowledge(path)
    line = _line(path, re.escape(broken))
    column = broken.index("ensemble") + 1  # where the text goes on after the apostrophe that closed it
    assert caught.value.problems == [_APOSTROPHE.format(line=line, column=column)]
    assert f"{path}, ligne {line}, colonne {column} : le texte n'est pas du YAML valide." in str(caught.value)
    # A doubled apostrophe, or double quotes, are the fixes the message gives: both load.
    for fixed in (broken.replace("l'ensemble", "l''ensemble"), broken.replace("'", '"', 1)[:-1] + '"'):
        path.write_text(original.replace(written, fixed, 1), encoding="utf-8")
        assert load_knowledge(path).fact("region").text.endswith("l'ensemble de ses centres.")


@pytest.mark.parametrize(
    ("line", "cause"),
    [
        ("  region:\n\ttext: x", "une tabulation"),
        ("  region:\n    text: Horaires : 9h", "un deux-points suivi d'une espace"),
        ('  region:\n    text: "pas fermé\n', "un guillemet ouvert n'est pas refermé"),
    ],
)
def test_other_yaml_slips_get_a_probable_cause(tmp_path, line, cause):
    path = tmp_path / "knowledge.yml"
    path.write_text(f"schema_version: 1\nfacts:\n{line}\n", encoding="utf-8")
    with pytest.raises(KnowledgeError) as caught:
        load_knowledge(path)
    [problem] = caught.value.problems
    assert problem.startswith("ligne ") and f"Cause probable : {cause}" in problem


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"", "le fichier doit contenir les sections"),
        (b"- a\n- b\n", "le fichier doit contenir les sections"),
        (b"schema_version: 1\nname: \xe9t\xe9\n", "pas du texte UTF-8"),
    ],
)
def test_empty_list_or_binary_file_is_refused(tmp_path, content, message):
    path = tmp_path / "knowledge.yml"
    path.write_bytes(content)
    with pytest.raises(KnowledgeError, match=message):
        load_knowledge(path)


def test_missing_file(tmp_path):
    with pytest.raises(KnowledgeError, match="impossible de lire le fichier"):
        load_knowledge(tmp_path / "absent.yml")


def test_command_line_check(write_knowledge, knowledge_data, capsys):
    assert main([str(DEFAULT_KNOWLEDGE_FILE)]) == 0
    assert "est valide : 8 centres, 5 labels" in capsys.readouterr().out
    knowledge_data["labels"][0]["source"] = "nowhere"
    assert main([str(write_knowledge(knowledge_data))]) == 1
    out = capsys.readouterr().out
    assert 'label "cite_des_metiers" : la source "nowhere" n\'est pas déclarée' in out
    assert "make validate" in out


def test_command_line_on_a_broken_copy_prints_french_and_no_traceback(tmp_path):
    """`make validate`'s first step, as the staff run it."""
    original = DEFAULT_KNOWLEDGE_FILE.read_text(encoding="utf-8")
    path = tmp_path / "knowledge.yml"
    path.write_text(original.replace("    text_en: ", "    txt_en: ", 1), encoding="utf-8")
    completed = subprocess.run(
        [sys.executable, "-m", "actions.knowledge", str(path)],
        cwd=PROJECT_ROOT, capture_output=True, text=True, timeout=120, check=False,
    )  # fmt: skip
    assert completed.returncode == 1
    assert "Traceback" not in completed.stdout + completed.stderr
    assert completed.stdout.startswith("Le fichier de connaissances n'est pas valide (2 erreurs) :")
    assert '"text_en" (texte anglais) manque' in completed.stdout
    assert 'le champ "txt_en" n\'existe pas ici' in completed.stdout


# --- Names in free text -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "centre_ids"),
    [
        ("Vous êtes à Gap ou bien à la-garde, ou Istres ?", ["gap", "la_garde", "istres"]),
        ("un centre à MARTIGUES ?", ["martigues"]),
        ("vous êtes à Marseille ?", ["marseille"]),
        ("quels sont les centres de la cité des métiers de marseille", []),
        ("la Cité des Métiers de Marseille et de Provence-Alpes-Côte d'Azur est à Gap ?", ["gap"]),
        ("je garde mon emploi", []),
        ("", []),
    ],
)
def test_centres_named_in_a_message(knowledge, text, centre_ids):
    assert [centre.id for centre in knowledge.centres_in(text)] == centre_ids


def test_labels_named_in_a_message(knowledge):
    assert [label.id for label in knowledge.labels_in("et le label SPO, et la charte ?")] == ["spo", "charte_diversite"]
    assert knowledge.labels_in("quels labels avez-vous ?") == []
    # The organisation's name alone names the organisation, not its label Cité des Métiers.
    assert knowledge.labels_in("quels labels la cité des métiers a obtenu ?") == []
    assert [label.id for label in knowledge.labels_in("le label cité des métiers, c'était quand ?")] == [
        "cite_des_metiers"
    ]


@pytest.mark.parametrize("kept", [0.25, 0.5, 0.75, 0.95])
def test_half_a_file_is_refused_never_served(tmp_path, kept):
    """A file cut short (an interrupted copy or edit) is refused as a whole: no partial knowledge."""
    content = DEFAULT_KNOWLEDGE_FILE.read_bytes()
    cut = content[: int(len(content) * kept)]
    cut = cut[: cut.rfind(b"\n") + 1]  # at a line's end, where a cut is hardest to notice
    path = tmp_path / "knowledge.yml"
    path.write_bytes(cut)
    with pytest.raises(KnowledgeError):
        load_knowledge(path)


# --- Visitors' needs, subjects without a source, places of the network ---------------------------


@pytest.mark.parametrize(
    ("text", "need_ids"),
    [
        ("Je cherche une formation d'aide-soignante", ["training"]),
        ("comment faire un CV", ["job_search"]),
        ("c'est quoi une VAE ?", ["vae"]),
        ("jveux faire une reconvertion", ["career_change"]),  # a typo on a long word
        ("je veux utiliser mon compte personnel de formation", ["cpf"]),  # not also "formation"
        ("mon fils est en 3e il sait pas quoi faire", ["parent", "orientation"]),
        ("je suis au chomage et je voudrais faire une formation", ["job_search", "training"]),
        ("jeune diplômé en master", ["manager"]),
        # Recognition of a foreign diploma is the newcomer's need, not a training ("diploma" alone).
        ("Do you help foreigners get their diploma recognised?", ["newcomer"]),
        ("je voudrais faire reconnaître mon diplôme", ["newcomer"]),
        ("bonjour", []),
        ("je forme une équipe", []),  # short words are never "corrected" into a need
    ],
)
def test_needs_named_in_a_message(knowledge, text, need_ids):
    assert [need.id for need in knowledge.needs_in(text)] == need_ids


def test_every_need_gives_sourced_help(knowledge):
    assert [fact.source for fact in knowledge.need_help][:3] == ["seed", "seed", "seed"]
    for need in knowledge.needs:
        for fact in knowledge.facts([*need.facts, *need.services]):
            assert knowledge.source(fact.source).title


@pytest.mark.parametrize(
    ("text", "subject_ids"),
    [
        ("Est-ce qu'il y a un parking ?", ["parking"]),
        ("Y a-t-il des ateliers ou des événements ce mois-ci ?", ["events"]),
        ("c accessible en fauteuil roulant ?", ["accessibility"]),
        ("quel bus pour venir", ["transport"]),
        ("vous avez des offres d'emploi ?", ["job_offers"]),
        ("combien de temps dure un entretien ?", ["duration"]),
        ("il faut apporter quoi ?", ["what_to_bring"]),
        ("y a des conseillers qui parlent anglais ?", ["languages"]),
        ("vous recrutez ?", ["jobs_at_centre"]),
        ("c'est gratuit ?", []),
    ],
)
def test_subjects_without_a_source_named_in_a_message(knowledge, text, subject_ids):
    assert [subject.id for subject in knowledge.unknowns_in(text)] == subject_ids


def test_places_of_the_network_are_not_centres(knowledge):
    assert knowledge.find_centre("Paris") is None
    assert knowledge.find_network_place("paris").name == "Paris"
    assert knowledge.find_network_place("la Villette").name == "Paris"
    assert knowledge.find_network_place("Lyon") is None


def test_only_marseille_has_an_address_and_an_opening_date(knowledge):
    assert [centre.id for centre in knowledge.centres if centre.address or centre.opened] == ["marseille"]


def test_broken_needs_and_unknowns_are_named(write_knowledge, knowledge_data):
    knowledge_data["needs"]["items"][0]["services"] = ["service_parcoursup"]
    knowledge_data["needs"]["items"][1]["id"] = knowledge_data["needs"]["items"][0]["id"]
    knowledge_data["unknowns"][0]["facts"] = ["events_calendar"]
    knowledge_data["centres"][1]["address"] = "address_gap"
    problems = _load_error(write_knowledge, knowledge_data).problems
    assert any(
        problem.endswith('besoin "orientation", services : le fait "service_parcoursup" n\'est pas déclaré sous '
                         "`facts:`. Corrigez son orthographe ou ajoutez-le sous `facts:` (text, text_en, source).")
        for problem in problems
    )  # fmt: skip
    assert any('besoin n° 2 : l\'identifiant "orientation" est déjà pris' in problem for problem in problems)
    assert any('sujet sans source "events" : le fait "events_calendar"' in problem for problem in problems)
    assert any('centre "gap" : le fait "address_gap"' in problem for problem in problems)


def test_a_need_without_words_to_find_it_is_refused(write_knowledge, knowledge_data):
    knowledge_data["needs"]["items"][2]["aliases"] = []
    [problem] = _load_error(write_knowledge, knowledge_data).problems
    assert problem.endswith('besoin "training" : le champ "aliases" (autres noms) est une liste vide. Mettez-y au '
                            "moins un élément.")  # fmt: skip


# --- When each source was last checked ----------------------------------------------------------

_CHECKED_ON_HINT = (
    "Écrivez le jour où la source a été relue et ses faits vérifiés (aujourd'hui ou avant), au format AAAA-MM-JJ, "
    "par exemple 2026-11-25."
)


def test_every_source_says_when_it_was_checked(knowledge):
    for source in knowledge.sources.values():
        assert date(2026, 11, 24) <= source.checked_on <= date.today()


def test_a_source_without_checked_on_is_named(write_knowledge, knowledge_data):
    del knowledge_data["sources"]["projets"]["checked_on"]
    [problem] = _load_error(write_knowledge, knowledge_data).problems
    assert problem.endswith(
        'source "projets" : le champ "checked_on" (date de vérification) manque. Ajoutez une ligne '
        "`checked_on: 2026-11-25` : le jour où la source a été relue."
    )


@pytest.mark.parametrize(
    ("written", "shown"),
    [
        ("2026-02-30", "« 2026-02-30 » n'est pas une date valide"),  # no such day
        ("2026-13-01", "« 2026-13-01 » n'est pas une date valide"),
        ("'2026-02-30'", "« 2026-02-30 » n'est pas une date valide"),
        ("2026-1-5", "« 2026-1-5 » n'est pas une date valide"),
        ("30/11/2026", "« 30/11/2026 » n'est pas une date valide"),
        ("2026-11-24 10:00:00", "« 2026-11-24 10:00:00 » n'est pas une date valide"),  # a time is not a day
        ("20261124", "« 20261124 » n'est pas une date valide"),
        ("hier", "« hier » n'est pas une date valide"),
        ("", "la valeur est vide"),
    ],
)
def test_a_checked_on_that_is_not_a_date_is_named(tmp_path, written, shown):
    """Written by hand in the file: YAML would read 2026-02-30 as a date and fail without saying where."""
    text = DEFAULT_KNOWLEDGE_FILE.read_text(encoding="utf-8")
    assert "\n    checked_on: 2026-11-25  # read again" in text
    path = tmp_path / "knowledge.yml"
    path.write_text(text.replace("checked_on: 2026-11-25  # read again", f"checked_on: {written}  #", 1), "utf-8")
    with pytest.raises(KnowledgeError) as caught:
        load_knowledge(path)
    line = _line(path, r"^    checked_on: ", after=r"^  projets:")
    assert caught.value.problems == [
        f'ligne {line}, source "projets" : le champ "checked_on" (date de vérification) : {shown} (AAAA-MM-JJ). '
        f"{_CHECKED_ON_HINT}"
    ]


def test_a_checked_on_in_the_future_is_named(write_knowledge, knowledge_data):
    today = date.today()
    knowledge_data["sources"]["apec"]["checked_on"] = today  # today is fine
    knowledge_data["sources"]["bge"]["checked_on"] = today + timedelta(days=1)
    [problem] = _load_error(write_knowledge, knowledge_data).problems
    assert problem.endswith(
        f'source "bge" : le champ "checked_on" (date de vérification) : {today + timedelta(days=1)} est dans le '
        f"futur (nous sommes le {today}). {_CHECKED_ON_HINT}"
    )


def _checked(knowledge_data, **days: str):
    """The knowledge file with every source checked on 2026-05-01, but those given."""
    for source_id, source in knowledge_data["sources"].items():
        source["checked_on"] = days.get(source_id, "2026-05-01")
    return knowledge_data


def test_stale_sources_are_listed_oldest_first_with_what_rests_on_them(write_knowledge, knowledge_data):
    checked = _checked(
        knowledge_data,
        seed="2025-05-31",  # 366 days before today: stale
        projets="2025-03-01",
        koinai_2005="2024-12-01",  # no fact rests on it
        fcuni_2011="2025-01-10",
        reseau="2025-06-01",  # 365 days: not yet
    )
    knowledge = load_knowledge(write_knowledge(checked))
    stale = stale_sources(knowledge, today=date(2026, 6, 1))
    assert [(entry.id, entry.source.checked_on, entry.age_days) for entry in stale] == [
        ("koinai_2005", date(2024, 12, 1), 547),
        ("fcuni_2011", date(2025, 1, 10), 507),
        ("projets", date(2025, 3, 1), 457),
        ("seed", date(2025, 5, 31), 366),
    ]
    koinai, fcuni, projets, seed = stale
    assert (koinai.facts, koinai.entries) == ((), ())
    assert (fcuni.facts, fcuni.entries) == (("dossiers_2011", "partners_2011"), ())
    assert projets.facts == ("opened_2005", "publics_pupils", "publics_workers", "publics_founders", "publics_retired")
    assert projets.entries == ("history > 2005",)
    assert seed.facts == tuple(key for key, fact in checked["facts"].items() if fact["source"] == "seed")
    assert {"space", "free", "label_spo", "need_role"} <= set(seed.facts)
    assert "network_trademark" not in seed.facts  # the network's own site
    assert seed.entries == (
        "organisation", "history > 1993", "history > 1999",
        "centres > marseille", "centres > gap", "centres > istres", "centres > martigues", "centres > aubagne",
        "centres > la_garde", "centres > sisteron", "centres > antibes",
        "labels > cite_des_metiers", "labels > spo", "labels > egalite_professionnelle", "labels > diversite",
        "labels > charte_diversite", "network",
    )  # fmt: skip
    assert [entry.id for entry in stale_sources(knowledge, date(2026, 6, 1), max_age_days=400)] == [
        "koinai_2005", "fcuni_2011", "projets",
    ]  # fmt: skip
    assert len(stale_sources(knowledge, date(2026, 6, 1), max_age_days=0)) == len(knowledge.sources)
    # With no age allowed, every source not checked today is stale.
    assert [entry.id for entry in stale_sources(knowledge, date(2026, 5, 1), max_age_days=0)] == [
        "koinai_2005", "fcuni_2011", "projets", "seed", "reseau",
    ]  # fmt: skip


def test_sources_are_checked_again_every_twelve_months_by_default(write_knowledge, knowledge_data):
    assert DEFAULT_SOURCE_MAX_AGE_DAYS == 365
    assert inspect.signature(stale_sources).parameters["max_age_days"].default == DEFAULT_SOURCE_MAX_AGE_DAYS
    knowledge = load_knowledge(write_knowledge(_checked(knowledge_data, apec="2025-12-01")))
    assert stale_sources(knowledge, today=date(2026, 12, 1)) == []
    assert [entry.id for entry in stale_sources(knowledge, today=date(2026, 12, 2))] == ["apec"]
    with pytest.raises(ValueError, match="max_age_days"):
        stale_sources(knowledge, date(2026, 12, 2), max_age_days=-1)


def test_command_line_lists_stale_sources_in_french(write_knowledge, knowledge_data, capsys, monkeypatch):
    path = write_knowledge(_checked(knowledge_data, fcuni_2011="2020-01-10", koinai_2005="2019-06-01"))
    monkeypatch.delenv(SOURCE_MAX_AGE_ENV, raising=False)
    assert main(["--stale", str(path)]) == 0
    out = capsys.readouterr().out
    assert out.startswith("2 sources non vérifiées depuis plus de 365 jours (au ")
    assert out.index("- koinai_2005 : « koinai.net") < out.index("- fcuni_2011 : « fcuni.canalblog.com")
    assert "  vérifiée le 2020-01-10, il y a " in out
    assert "  informations : dossiers_2011, partners_2011\n" in out
    assert "  informations : aucune\n" in out
    assert "checked_on" in out and "make validate" in out

    monkeypatch.setenv(SOURCE_MAX_AGE_ENV, "100000")
    assert main(["--stale", str(path)]) == 0
    assert capsys.readouterr().out.startswith(
        "Aucune source à revérifier : toutes ont été vérifiées il y a 100000 jours"
    )

    monkeypatch.setenv(SOURCE_MAX_AGE_ENV, "douze mois")
    with pytest.raises(SystemExit) as exited:
        main(["--stale", str(path)])
    assert exited.value.code == 2
    assert "SOURCE_MAX_AGE_DAYS must be a whole number of days" in capsys.readouterr().err


def test_stale_sources_described_with_the_other_entries_on_them(write_knowledge, knowledge_data):
    knowledge = load_knowledge(write_knowledge(_checked(knowledge_data, projets="2025-03-01")))
    text = describe_stale_sources(stale_sources(knowledge, date(2026, 6, 1)), date(2026, 6, 1), 365)
    assert text.splitlines()[:6] == [
        "1 source non vérifiée depuis plus de 365 jours (au 2026-06-01) :",
        "",
        "- projets : « Nos projets (site de la Cité des Métiers) », https://www.citedesmetiers.fr/projets",
        "  vérifiée le 2025-03-01, il y a 457 jours",
        "  informations : opened_2005, publics_pupils, publics_workers, publics_founders, publics_retired",
        "  autres entrées : history > 2005",
    ]
