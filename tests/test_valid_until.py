"""A fact's end date (`valid_until`): past it, the bot no longer says it, every look-up at once, from the day after
(even in a process that runs for weeks); `make validate` warns of it and the weekly report lists it."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from actions import wording
from actions.fact_search import FactSearch, entries_of
from actions.knowledge.cli import main
from actions.knowledge.loading import KnowledgeError, load_knowledge
from actions.knowledge.sources import describe_ending_facts, ending_facts
from actions.topic_registry import Topic
from tests.conftest import make_tracker, run_answer
from tests.test_actions import topic_actions

TODAY = date.today()
YESTERDAY = TODAY - timedelta(days=1)


def _topic_action(topic: Topic):
    return next(action() for action in topic_actions() if action().topic == topic)


def test_a_fact_is_said_until_its_last_day_then_never(write_knowledge, knowledge_data):
    knowledge_data["facts"]["anonymous"]["valid_until"] = "2026-12-31"
    knowledge_data["needs"]["help"].append("anonymous")
    clock = [date(2026, 12, 31)]
    knowledge = load_knowledge(write_knowledge(knowledge_data), today=lambda: clock[0])
    assert knowledge.fact("anonymous").valid_until == date(2026, 12, 31)
    assert "anonymous" in knowledge.topic_fact_ids(Topic.ANONYMOUS)  # its last day: still said

    clock[0] = date(2027, 1, 1)  # the same process, the day after: no reload
    assert knowledge.ended_facts() == {"anonymous"}
    assert knowledge.topic_fact_ids(Topic.ANONYMOUS) == ["no_registration"]
    assert [fact.text for fact in knowledge.topic(Topic.ANONYMOUS)] == [knowledge.fact("no_registration").text]
    assert "anonymous" not in knowledge.all_facts()
    assert knowledge.fact("no_registration") in knowledge.facts(["anonymous", "no_registration"])
    assert len(knowledge.facts(["anonymous", "no_registration"])) == 1
    assert knowledge.need_help[-1].text != knowledge_data["facts"]["anonymous"]["text"]
    with pytest.raises(KeyError):
        knowledge.fact("anonymous")
    assert "anonymous" in knowledge.every_fact()  # still in the file, for the maintainers' lists


def test_references_to_an_ended_fact_are_dropped_everywhere(write_knowledge, knowledge_data):
    centre = knowledge_data["centres"][0]
    ended = [centre["address"], centre["opened"], knowledge_data["organisation"]["details"]["website"]]
    for key in ended:
        knowledge_data["facts"][key]["valid_until"] = YESTERDAY.isoformat()
    knowledge = load_knowledge(write_knowledge(knowledge_data))
    assert knowledge.main_centre.address is None and knowledge.main_centre.opened is None
    assert "website" not in knowledge.organisation.details
    assert knowledge.find_centre("marseille") == knowledge.main_centre  # the entries, as of today, everywhere
    assert set(ended) <= knowledge.ended_facts()


def test_a_wrong_end_date_is_named_in_french(write_knowledge, knowledge_data):
    knowledge_data["facts"]["free"]["valid_until"] = "31/12/2026"
    with pytest.raises(KnowledgeError) as caught:
        load_knowledge(write_knowledge(knowledge_data))
    [problem] = caught.value.problems
    assert problem.startswith("ligne ")
    assert problem.endswith(
        'fait "free" : le champ "valid_until" (date de fin de validité) : « 31/12/2026 » n\'est pas une date valide '
        "(AAAA-MM-JJ). Écrivez le dernier jour où le fait est vrai, au format AAAA-MM-JJ, par exemple 2026-11-25."
    )


def test_the_fact_search_never_answers_with_an_ended_fact(write_knowledge, knowledge_data):
    clock = [date(2026, 12, 1)]
    knowledge_data["facts"]["free"]["valid_until"] = "2026-12-01"
    knowledge = load_knowledge(write_knowledge(knowledge_data), today=lambda: clock[0])
    search = FactSearch(entries_of(knowledge), ended=knowledge.ended_facts)
    assert "free" in [found.entry.id for found in search.ranked("c'est gratuit ?")]
    clock[0] = date(2026, 12, 2)
    assert "free" not in [found.entry.id for found in search.ranked("c'est gratuit ?")]
    best = search.best("c'est gratuit ?")
    assert best is None or best.entry.id != "free"


async def test_an_action_stops_saying_an_ended_fact(write_knowledge, knowledge_data, use_knowledge_file):
    facts = knowledge_data["facts"]
    facts["anonymous"]["valid_until"] = YESTERDAY.isoformat()
    facts["no_registration"]["valid_until"] = TODAY.isoformat()  # its last day: still said
    use_knowledge_file(write_knowledge(knowledge_data))
    reply = await run_answer(_topic_action(Topic.ANONYMOUS), make_tracker("c'est anonyme ?", "ask_anonymous"))
    assert facts["no_registration"]["text"] in reply
    assert facts["anonymous"]["text"] not in reply


async def test_a_topic_whose_facts_have_all_ended_says_the_sources_do_not_say(
    write_knowledge, knowledge_data, use_knowledge_file
):
    knowledge_data["facts"]["free"]["valid_until"] = YESTERDAY.isoformat()
    use_knowledge_file(write_knowledge(knowledge_data))
    reply = await run_answer(_topic_action(Topic.FREE), make_tracker("c'est gratuit ?", "ask_free"))
    assert knowledge_data["facts"]["free"]["text"] not in reply
    assert reply.startswith(wording.NOT_IN_SOURCES_UNNAMED.split(",")[0])


def test_validate_warns_of_ended_and_soon_ended_facts_in_french(write_knowledge, knowledge_data, capsys):
    knowledge_data["facts"]["free"]["valid_until"] = YESTERDAY.isoformat()
    knowledge_data["facts"]["anonymous"]["valid_until"] = (TODAY + timedelta(days=30)).isoformat()
    knowledge_data["facts"]["space"]["valid_until"] = (TODAY + timedelta(days=31)).isoformat()  # not yet
    assert main([str(write_knowledge(knowledge_data))]) == 0  # a warning, not an error
    out = capsys.readouterr().out
    assert "Attention : 2 information(s) terminée(s) ou qui se terminent dans les 30 jours" in out
    assert "- free : « Oui, c'est gratuit" in out and f"terminée le {YESTERDAY} : le bot ne la dit plus" in out
    assert f"se termine le {TODAY + timedelta(days=30)} (dans 30 jours)" in out
    assert "- space :" not in out


def test_the_weekly_report_lists_the_ended_facts(write_knowledge, knowledge_data, use_knowledge_file):
    from staff.report import ended_fact_lines, report_markdown

    knowledge_data["facts"]["free"]["valid_until"] = "2026-06-30"
    knowledge_data["facts"]["anonymous"]["valid_until"] = "2026-07-15"  # not ended on 2026-07-01
    use_knowledge_file(write_knowledge(knowledge_data))
    lines = ended_fact_lines(today=date(2026, 7, 1))
    assert lines[0].startswith("- free : « Oui, c'est gratuit")
    assert lines[0].endswith("terminée le 2026-06-30 : le bot ne la dit plus")
    assert len(lines) == 2 and "valid_until" in lines[1]
    report = report_markdown([], [], lines)
    assert report.index("## Sources à revérifier") < report.index("## Informations terminées (`valid_until`)")
    assert "- free : « Oui" in report
    assert "Aucune information n'a passé sa date de fin." in report_markdown([], [], [])


def test_no_ending_fact_gives_no_line(knowledge_data, write_knowledge):
    knowledge = load_knowledge(write_knowledge(knowledge_data))
    assert ending_facts(knowledge, TODAY) == []
    assert describe_ending_facts([], TODAY) == []
