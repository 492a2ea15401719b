"""What the bot would answer with a draft knowledge file: `python -m actions.preview --knowledge DRAFT.yml --fact ID`.

The facts page (staff/facts_web.py) runs it as a subprocess, so that the staff's tools import no action: it runs
the real actions (a topic's, a centre's, a need's) on a tracker without servers, with CDM_KNOWLEDGE_FILE
pointing at the draft, and prints each language's answer. The question asked is the one the fact answers:
its topic, the centre's detail it gives, or the need it serves; a fact in none of them is said as the bot
says a fact.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import sys
from pathlib import Path
from typing import Any

from rasa_sdk import Tracker
from rasa_sdk.executor import CollectingDispatcher

from actions.knowledge_store import KNOWLEDGE_FILE_ENV


def _tracker(text: str, intent: str, language: str, focus: str | None) -> Tracker:
    message = {"text": text, "intent": {"name": intent, "confidence": 1.0}, "entities": [], "intent_ranking": []}
    return Tracker(
        sender_id="apercu",
        slots={"focus": focus, "language": language},
        latest_message=message,
        events=[],
        paused=False,
        followup_action=None,
        active_loop={},
        latest_action_name="action_listen",
    )


def _question(fact_id: str) -> tuple[Any, str, str, str | None, str]:
    """The action that says the fact, the question's text and intent, the thing in focus, and the question
    as the staff read it."""
    from actions.knowledge_store import get_knowledge
    from actions.needs import ActionAnswerNeed
    from actions.topic_registry import Topic
    from actions.topics import topic_action

    knowledge = get_knowledge()
    for centre in knowledge.centres:
        for detail, said in centre.details.items():
            topic = next((one for one in Topic if one.value == detail), None)
            if said == fact_id and topic is not None:
                title = f"{topic.entry.fr} ({centre.name})"
                return topic_action(topic), centre.name, topic.entry.intent, f"centre:{centre.id}", title
    # The most specific topic that says it: "Les horaires" rather than "Les conditions d'accueil".
    topics = sorted((topic for topic in Topic if fact_id in knowledge.topic_fact_ids(topic)), key=_size)
    if topics:
        entry = topics[0].entry
        return topic_action(topics[0]), entry.fr, entry.intent, None, entry.fr
    for need in knowledge.needs:
        if fact_id in (*need.facts, *need.services):
            return ActionAnswerNeed(), need.aliases[0], "ask_need", None, f"{need.aliases[0]} (besoin : {need.title})"
    return None, "", "", None, "(le fait seul : aucun sujet, centre ou besoin ne le cite)"


def _size(topic: Any) -> int:
    from actions.knowledge_store import get_knowledge

    return len(get_knowledge().topic_fact_ids(topic))


async def _answers(fact_id: str, language: str) -> str:
    from actions.knowledge_store import get_knowledge

    knowledge = get_knowledge()
    fact = knowledge.every_fact()[fact_id]
    if fact_id not in knowledge.all_facts():
        return "Ce fait a passé sa date de fin : le bot ne le dit plus."
    action, text, intent, focus, _ = _question(fact_id)
    if action is None:
        return fact.text_in("en" if language == "en" else "fr")
    dispatcher = CollectingDispatcher()
    events = await action.run(dispatcher, _tracker(text, intent, language, focus), {})
    texts = [str(message.get("text") or "") for message in dispatcher.messages]
    more = [event["value"] for event in events if event.get("event") == "slot" and event.get("name") == "more"]
    if more and more[-1]:
        texts += [str(part) for part in more[-1]]
    return "\n\n".join(text for text in texts if text)


def question_of(fact_id: str) -> str:
    """The question the preview asks, as the staff read it: a topic's title, a centre's name, a need's words."""
    return _question(fact_id)[4]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--knowledge", type=Path, required=True, help="the draft knowledge file")
    parser.add_argument("--fact", required=True, help="the id of the fact to preview")
    args = parser.parse_args(argv)
    os.environ.update({KNOWLEDGE_FILE_ENV: str(args.knowledge)})
    from actions.knowledge.loading import KnowledgeError

    try:
        print(f"Question : « {question_of(args.fact)} »")
        for language, heading in (("fr", "En français"), ("en", "In English")):
            print(f"== {heading}")
            print(asyncio.run(_answers(args.fact, language)))
    except KnowledgeError as error:
        print(error.summary(), file=sys.stderr)
        return 1
    except KeyError:
        print(f"Le fait « {args.fact} » n'est pas dans le fichier.", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
