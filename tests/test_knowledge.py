"""The knowledge module: the real file's facts, French normalisation, look-ups, and clear errors."""

from __future__ import annotations

import re
from typing import Any

import pytest

from actions import wording, wording_en
from actions.knowledge import DEFAULT_KNOWLEDGE_FILE, KnowledgeError, Topic, load_knowledge, main, normalise
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
    return responses + templates + phrases


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


def test_wrong_type_names_the_entry_and_the_field(write_knowledge, knowledge_data):
    knowledge_data["labels"][1]["years"] = ["deux mille onze"]
    error = _load_error(write_knowledge, knowledge_data)
    assert error.problems == [
        "labels[1] (id: spo) > years[0]: value is not a valid integer; write a whole number, e.g. 2011"
    ]


def test_every_problem_is_reported_at_once(write_knowledge, knowledge_data):
    del knowledge_data["centres"][2]["name"]
    knowledge_data["facts"]["free"]["txt"] = "typo"
    knowledge_data["network"]["cities"] = -1
    problems = _load_error(write_knowledge, knowledge_data).problems
    assert "centres[2] (id: istres) > name: field required; add this field" in problems
    assert "facts > free > txt: extra fields not permitted; fix the field's spelling or remove it" in problems
    assert any(problem.startswith("network > cities:") and "write a larger number" in problem for problem in problems)
    assert len(problems) == 3


def test_undeclared_source_and_fact_are_named(write_knowledge, knowledge_data):
    knowledge_data["facts"]["free"]["source"] = "blog"
    knowledge_data["topics"]["hours"] = ["adapted_opening", "opening_hours"]
    problems = _load_error(write_knowledge, knowledge_data).problems
    assert problems == [
        "facts > free: source 'blog' is not declared under 'sources'; declare it there (title, url) "
        "or use one of: seed, projets, koinai_2005, latribune_2022, labrseinnovation_2013, madeinmarseille, "
        "fcuni_2011, reseau, moncompteformation, france_vae, france_travail, missions_locales, apec, bge",
        "topics > hours: fact 'opening_hours' is not declared under 'facts'; add it there (text, source) "
        "or fix the key's spelling",
    ]


def test_missing_topic_duplicate_id_and_two_main_centres(write_knowledge, knowledge_data):
    del knowledge_data["topics"]["free"]
    knowledge_data["centres"][1]["id"] = "marseille"
    knowledge_data["centres"][1]["kind"] = "main"
    problems = _load_error(write_knowledge, knowledge_data).problems
    assert "topics: topic 'free' is missing; the bot needs it to answer: add it with its facts' keys" in problems
    assert "centres[1] (id: marseille): id 'marseille' is used twice; give each entry its own id" in problems
    assert any(
        problem.startswith("centres: exactly one centre must be of kind 'main', found 2;") for problem in problems
    )


def test_empty_text_and_bad_link_are_refused(write_knowledge, knowledge_data):
    knowledge_data["facts"]["free"]["text"] = "   "
    knowledge_data["organisation"]["website"] = "citedesmetiers"
    problems = _load_error(write_knowledge, knowledge_data).problems
    assert any(problem.startswith("facts > free > text:") and "must not be empty" in problem for problem in problems)
    assert any(
        problem.startswith("organisation > website:") and "starting with https://" in problem for problem in problems
    )


def test_invalid_yaml_gives_the_line(tmp_path):
    path = tmp_path / "knowledge.yml"
    path.write_text("schema_version: 1\nsources: [\n", encoding="utf-8")
    with pytest.raises(KnowledgeError, match=r"not valid YAML: line 3"):
        load_knowledge(path)


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"", "must be a YAML mapping"),
        (b"- a\n- b\n", "must be a YAML mapping"),
        (b"schema_version: 1\nname: \xe9t\xe9\n", "not UTF-8"),
    ],
)
def test_empty_list_or_binary_file_is_refused(tmp_path, content, message):
    path = tmp_path / "knowledge.yml"
    path.write_bytes(content)
    with pytest.raises(KnowledgeError, match=message):
        load_knowledge(path)


def test_missing_file(tmp_path):
    with pytest.raises(KnowledgeError, match="cannot read the file"):
        load_knowledge(tmp_path / "absent.yml")


def test_command_line_check(write_knowledge, knowledge_data, capsys):
    assert main([str(DEFAULT_KNOWLEDGE_FILE)]) == 0
    assert "is valid: 8 centres, 5 labels" in capsys.readouterr().out
    knowledge_data["labels"][0]["source"] = "nowhere"
    assert main([str(write_knowledge(knowledge_data))]) == 1
    out = capsys.readouterr().out
    assert "labels[0] (id: cite_des_metiers): source 'nowhere' is not declared" in out
    assert "make validate" in out


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
    assert (
        "needs > items[0] (id: orientation) > services: fact 'service_parcoursup' is not declared under 'facts'; "
        "add it there (text, source) or fix the key's spelling" in problems
    )
    assert "needs > items[1] (id: orientation): id 'orientation' is used twice; give each entry its own id" in problems
    assert any(problem.startswith("unknowns[0] (id: events): fact 'events_calendar'") for problem in problems)
    assert any(problem.startswith("centres[1] (id: gap): fact 'address_gap'") for problem in problems)


def test_a_need_without_words_to_find_it_is_refused(write_knowledge, knowledge_data):
    knowledge_data["needs"]["items"][2]["aliases"] = []
    problems = _load_error(write_knowledge, knowledge_data).problems
    assert problems == [
        "needs > items[2] (id: training) > aliases: ensure this value has at least 1 items; list at least one item"
    ]
