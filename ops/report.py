"""The anonymous weekly report of the assistant's use (`make report`): counts only.

Per ISO week, over what the tracker store still holds (the retention window, `make purge`):
conversations, visitors' turns, questions per topic, the share not understood, the share of rated
answers rated helpful, and the median response time; the sources of the knowledge file not checked
for more than SOURCE_MAX_AGE_DAYS, and its facts past their end date (`valid_until`), which the bot no longer
says. Nothing in it identifies a visitor: no text, no conversation id, no
time finer than the week. Written to REPORT_DIR (ops/settings.py): report.md and report.png,
a chart of the weeks for those who would rather look than read.
"""

from __future__ import annotations

import argparse
import io
import statistics
import sys
import warnings
from collections import Counter
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from actions.names import HELPFUL, NOT_HELPFUL
from ops import settings
from ops.conversations import Conversations, Turn, read_conversations

PROJECT_ROOT = Path(__file__).resolve().parent.parent
# The topic of a turn the bot did not understand.
NOT_UNDERSTOOD_TOPIC = "non compris"


@dataclass
class WeekFigures:
    week: str
    conversations: int
    turns: int
    not_understood: int
    helpful: int
    not_helpful: int
    median_response_ms: float | None
    topics: Counter[str] = field(default_factory=Counter)

    @property
    def not_understood_share(self) -> float | None:
        return self.not_understood / self.turns if self.turns else None

    @property
    def helpful_share(self) -> float | None:
        rated = self.helpful + self.not_helpful
        return self.helpful / rated if rated else None


def _week(turn: Turn) -> str:
    year, week, _ = turn.day.isocalendar()
    return f"{year}-S{week:02d}"


def weekly_figures(conversations: Conversations) -> list[WeekFigures]:
    """The figures of each week that has turns, oldest first.

    A turn is a message the visitor typed or a button they clicked; the greeting the widget sends when
    it opens and the ratings are not turns (ratings are counted apart).
    """
    by_week: dict[str, list[Turn]] = {}
    for turn in conversations.turns:
        by_week.setdefault(_week(turn), []).append(turn)
    weeks = []
    for week, turns in sorted(by_week.items()):
        asked = [turn for turn in turns if not turn.is_widget_opening]
        times = [turn.response_seconds * 1000 for turn in asked if turn.response_seconds is not None]
        weeks.append(
            WeekFigures(
                week=week,
                conversations=len({turn.conversation for turn in turns}),
                turns=len(asked),
                not_understood=sum(turn.not_understood for turn in asked),
                helpful=sum(turn.rating == HELPFUL for turn in turns),
                not_helpful=sum(turn.rating == NOT_HELPFUL for turn in turns),
                median_response_ms=statistics.median(times) if times else None,
                topics=Counter(NOT_UNDERSTOOD_TOPIC if turn.not_understood else turn.intent for turn in asked),
            )
        )
    return weeks


def _share(value: float | None) -> str:
    return "—" if value is None else f"{value:.0%}"


def report_markdown(weeks: list[WeekFigures], stale_sources: list[str], ended_facts: list[str] | None = None) -> str:
    lines = [
        "# Rapport d'utilisation de l'assistant",
        "",
        "Comptes seulement, par semaine, sur les conversations encore conservées (durée de conservation :",
        "RETENTION_DAYS). Aucun texte, aucun identifiant de conversation.",
        "",
    ]
    if not weeks:
        lines.append("Aucune conversation conservée.")
    else:
        lines += [
            "| semaine | conversations | messages | non compris | réponses utiles (notées) | temps de réponse médian |",
            "| --- | --- | --- | --- | --- | --- |",
        ]
        for week in weeks:
            rated = week.helpful + week.not_helpful
            time = "—" if week.median_response_ms is None else f"{week.median_response_ms:.0f} ms"
            lines.append(
                f"| {week.week} | {week.conversations} | {week.turns} | {_share(week.not_understood_share)} "
                f"| {_share(week.helpful_share)} ({rated}) | {time} |"
            )
        for week in weeks:
            lines += ["", f"## Sujets des questions, semaine {week.week}", "", "| sujet | messages |", "| --- | --- |"]
            lines += [f"| {topic} | {count} |" for topic, count in week.topics.most_common()]
    lines += ["", "## Sources à revérifier", ""]
    lines += stale_sources or ["Toutes les sources ont été vérifiées récemment."]
    if ended_facts is not None:
        lines += ["", "## Informations terminées (`valid_until`)", ""]
        lines += ended_facts or ["Aucune information n'a passé sa date de fin."]
    return "\n".join(lines) + "\n"


def chart_png(weeks: list[WeekFigures]) -> bytes:
    """Messages per week (bars) and the shares not understood and rated helpful (lines)."""
    with warnings.catch_warnings():  # matplotlib's dependencies warn about their own deprecations
        warnings.simplefilter("ignore")
        import matplotlib

        matplotlib.use("Agg")  # no display: a file only
        import matplotlib.pyplot as plt

    figure, messages_axis = plt.subplots(figsize=(8, 4))
    labels = [week.week for week in weeks]
    messages_axis.bar(labels, [week.turns for week in weeks], color="#c9d6e8", label="messages")
    messages_axis.set_ylabel("messages")
    shares_axis = messages_axis.twinx()
    for values, label, colour in (
        ([week.not_understood_share for week in weeks], "non compris", "#c0392b"),
        ([week.helpful_share for week in weeks], "réponses jugées utiles", "#27ae60"),
    ):
        shares_axis.plot(labels, [float("nan") if value is None else value * 100 for value in values], "o-",
                         color=colour, label=label)  # fmt: skip
    shares_axis.set_ylim(0, 100)
    shares_axis.set_ylabel("%")
    messages_axis.set_title("Assistant de la Cité des Métiers : usage par semaine")
    figure.tight_layout()
    # Below the chart, where it hides no bar and no title.
    figure.subplots_adjust(bottom=0.25)
    figure.legend(loc="lower center", ncol=3, frameon=False)
    image = io.BytesIO()
    figure.savefig(image, format="png", dpi=100)
    plt.close(figure)
    return image.getvalue()


def stale_source_lines(today: date | None = None) -> list[str]:
    """The knowledge file's sources not checked for SOURCE_MAX_AGE_DAYS days (365), with what rests on them."""
    from actions.knowledge.loading import KnowledgeError, load_knowledge
    from actions.knowledge.sources import (
        DEFAULT_SOURCE_MAX_AGE_DAYS,
        describe_stale_sources,
        source_max_age_from_environment,
        stale_sources,
    )
    from actions.knowledge_store import knowledge_file

    today = today or date.today()
    try:
        max_age = source_max_age_from_environment()
    except ValueError:  # `python -m actions.knowledge --stale` says what is wrong with it
        max_age = DEFAULT_SOURCE_MAX_AGE_DAYS
    try:
        # Read afresh, not the action server's cached copy: the review page runs for days, the file is edited.
        knowledge = load_knowledge(knowledge_file())
    except KnowledgeError as error:  # the report still gives its counts
        return [f"Le fichier de connaissances n'a pas pu être lu ({error}) : lancer `make validate`."]
    return describe_stale_sources(stale_sources(knowledge, today, max_age), today, max_age).splitlines()


def ended_fact_lines(today: date | None = None) -> list[str]:
    """The facts past their end date (`valid_until`), which the bot no longer says, with what to do."""
    from actions.knowledge.loading import KnowledgeError, load_knowledge
    from actions.knowledge.sources import describe_ending_facts, ending_facts
    from actions.knowledge_store import knowledge_file

    today = today or date.today()
    try:
        knowledge = load_knowledge(knowledge_file())  # afresh, as for the sources
    except KnowledgeError:  # the sources' section already says so
        return ["Le fichier de connaissances n'a pas pu être lu : lancer `make validate`."]
    return describe_ending_facts(ending_facts(knowledge, today, within_days=None), today)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    try:
        read = settings.load()
    except settings.SettingsError as error:
        parser.error(str(error))
    parser.add_argument("--endpoints", default=read.rasa_endpoints)
    parser.add_argument("--out", type=Path, default=read.report_dir)
    args = parser.parse_args(argv)
    weeks = weekly_figures(read_conversations(args.endpoints))
    markdown = report_markdown(weeks, stale_source_lines(), ended_fact_lines())
    args.out.mkdir(parents=True, exist_ok=True)
    (args.out / "report.md").write_text(markdown, encoding="utf-8")
    (args.out / "report.png").write_bytes(chart_png(weeks))
    print(markdown)
    print(f"Écrit : {args.out / 'report.md'}, {args.out / 'report.png'}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
