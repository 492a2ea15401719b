"""The anonymous weekly report of the assistant's use (`make report`): counts only.

Per ISO week, over what the tracker store still holds (the retention window, `make purge`):
conversations, visitors' turns, questions per topic, the share not understood, the share of rated
answers rated helpful, and the median response time; the sources of the knowledge file not checked
for more than SOURCE_MAX_AGE_DAYS, and its facts past their end date (`valid_until`), which the bot no longer
says. Nothing in it identifies a visitor: no text, no conversation id, no time finer than the week. Written to
REPORT_DIR (ops/settings.py): report.md, report.png (a chart of the weeks for those who would rather look than
read) and report.html, the same as a page (the review page shows it too). The topics are named by their French
titles (staff/review.py); the chart keeps the counts and the shares on separate axes, and each share says what it
is a share of ("33 % de 3 messages").
"""

from __future__ import annotations

import argparse
import html
import io
import re
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
from staff.review import percent, topic_title

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


def _topic(topic: str) -> str:
    return topic if topic == NOT_UNDERSTOOD_TOPIC else topic_title(topic)


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
            lines += [f"| {_topic(topic)} | {count} |" for topic, count in week.topics.most_common()]
    lines += ["", "## Sources à revérifier", ""]
    lines += stale_sources or ["Toutes les sources ont été vérifiées récemment."]
    if ended_facts is not None:
        lines += ["", "## Informations terminées (`valid_until`)", ""]
        lines += ended_facts or ["Aucune information n'a passé sa date de fin."]
    return "\n".join(lines) + "\n"


def share_of(part: int, whole: int, unit: str) -> str:
    """A share with its sample size, in words: "33 % de 3 messages"; "—" for a share of nothing."""
    return f"{percent(part / whole)} de {whole} {unit}" if whole else f"— (0 {unit})"


def _markdown_lines_html(lines: list[str]) -> str:
    """Lines of the report's Markdown ("- item", paragraphs, `code`) as HTML, escaped."""

    def inline(line: str) -> str:
        return re.sub(r"`([^`]+)`", r"<code>\1</code>", html.escape(line))

    parts: list[str] = []
    items: list[str] = []
    for line in [*lines, ""]:
        if line.startswith(("- ", "  ")) and (items or line.startswith("- ")):
            if line.startswith("- "):
                items.append(inline(line[2:]))
            else:
                items[-1] += " " + inline(line.strip())
            continue
        if items:
            parts.append("<ul>" + "".join(f"<li>{item}</li>" for item in items) + "</ul>")
            items = []
        if line.strip():
            parts.append(f"<p>{inline(line.strip())}</p>")
    return "\n".join(parts)


def report_html(
    weeks: list[WeekFigures],
    stale_sources: list[str],
    ended_facts: list[str] | None = None,
    chart_src: str = "report.png",
    level: int = 2,
) -> str:
    """The report as a part of a page (headings from <h`level`>): tables with French headings, the chart."""
    heading = f"h{level}"
    parts = [
        '<p class="note">Comptes seulement, par semaine, sur les conversations encore conservées. Aucun texte de '
        "visiteur, aucun identifiant de conversation.</p>"
    ]
    if not weeks:
        parts.append("<p>Aucune conversation conservée.</p>")
    else:
        rows = []
        for week in weeks:
            time = "—" if week.median_response_ms is None else f"{week.median_response_ms:.0f}\u00a0ms"
            rated = week.helpful + week.not_helpful
            rows.append(
                f'<tr><th scope="row">{html.escape(week.week)}</th><td>{week.conversations}</td><td>{week.turns}</td>'
                f"<td>{share_of(week.not_understood, week.turns, 'messages')}</td>"
                f"<td>{share_of(week.helpful, rated, 'réponses notées')}</td><td>{time}</td></tr>"
            )
        parts.append(
            '<div class="scroll"><table><caption>Par semaine</caption><thead><tr><th scope="col">Semaine</th>'
            '<th scope="col">Conversations</th><th scope="col">Messages des visiteurs</th>'
            '<th scope="col">Non compris</th><th scope="col">Réponses jugées utiles (👍 parmi les réponses notées)</th>'
            '<th scope="col">Temps de réponse médian</th></tr></thead><tbody>'
            + "".join(rows)
            + "</tbody></table></div>"
        )
        # On a phone the chart is small: a tap opens it at full size.
        parts.append(
            f'<p><a href="{html.escape(chart_src)}"><img class="chart" src="{html.escape(chart_src)}" width="800" '
            'height="900" alt="En haut, les conversations et les messages de chaque semaine ; en dessous, la part des '
            "messages non compris, puis la part des réponses notées jugées utiles, chacune avec le nombre sur lequel "
            'elle est calculée."></a><br><span class="note">Le graphique en grand : toucher ou cliquer '
            "l'image.</span></p>"
        )
        parts.append(f"<{heading}>Sujets des questions</{heading}>")
        for number, week in enumerate(reversed(weeks)):
            topics = "".join(
                f"<tr><td>{html.escape(_topic(topic))}</td><td>{count}</td></tr>"
                for topic, count in week.topics.most_common()
            )
            parts.append(
                f"<details{' open' if number == 0 else ''}><summary>Semaine {html.escape(week.week)} "
                f'({week.turns} messages)</summary><div class="scroll"><table><thead><tr><th scope="col">Sujet'
                f'</th><th scope="col">Messages</th></tr></thead><tbody>{topics}</tbody></table></div></details>'
            )
    parts.append(f"<{heading}>Sources à revérifier</{heading}>")
    parts.append(_markdown_lines_html(stale_sources or ["Toutes les sources ont été vérifiées récemment."]))
    if ended_facts is not None:
        parts.append(f"<{heading}>Informations terminées (<code>valid_until</code>)</{heading}>")
        parts.append(_markdown_lines_html(ended_facts or ["Aucune information n'a passé sa date de fin."]))
    return "\n".join(parts) + "\n"


def report_page(weeks: list[WeekFigures], stale_sources: list[str], ended_facts: list[str] | None = None) -> str:
    """The report as a page of its own (report.html), beside its chart report.png."""
    return f"""<!DOCTYPE html>
<html lang="fr"><head><meta charset="utf-8"><title>Rapport d'utilisation de l'assistant</title>
<meta name="viewport" content="width=device-width, initial-scale=1"><style>{REPORT_STYLE}</style></head>
<body><main>
<h1>Rapport d'utilisation de l'assistant</h1>
{report_html(weeks, stale_sources, ended_facts)}</main></body></html>
"""


# The report's look, on a phone as on a computer (the review page uses it too).
REPORT_STYLE = """
body { font-family: system-ui, sans-serif; margin: 1rem auto; max-width: 70rem; padding: 0 1rem; color: #1c1c1c;
  line-height: 1.45; }
table { border-collapse: collapse; width: 100%; margin: .5rem 0 1rem; }
caption { text-align: left; font-weight: bold; padding: .3rem 0; }
th, td { border-bottom: 1px solid #ccc; padding: .4rem; text-align: left; vertical-align: top; }
.scroll { overflow-x: auto; max-width: 100%; }
img.chart { max-width: 100%; height: auto; }
.note { color: #555; }
summary { cursor: pointer; padding: .4rem 0; }
"""


def chart_png(weeks: list[WeekFigures]) -> bytes:
    """Three charts, one above the other: the counts per week (conversations and messages, bars), then each share
    (not understood, rated helpful) in % on an axis of its own, each point labelled with its sample size."""
    with warnings.catch_warnings():  # matplotlib's dependencies warn about their own deprecations
        warnings.simplefilter("ignore")
        import matplotlib

        matplotlib.use("Agg")  # no display: a file only
        import matplotlib.pyplot as plt

    from matplotlib.ticker import MaxNLocator

    figure, (counts_axis, *share_axes) = plt.subplots(3, 1, figsize=(8, 9), sharex=True)
    labels = [week.week for week in weeks]
    positions = list(range(len(weeks)))
    width = 0.38
    for shift, counts, label, colour in (
        (-width / 2, [week.conversations for week in weeks], "conversations", "#7f9cc7"),
        (width / 2, [week.turns for week in weeks], "messages des visiteurs", "#c9d6e8"),
    ):
        bars = counts_axis.bar([x + shift for x in positions], counts, width, color=colour, label=label)
        counts_axis.bar_label(bars, fontsize=8, padding=2)
    counts_axis.set_title("Conversations et messages des visiteurs, par semaine")
    counts_axis.set_ylabel("nombre")
    counts_axis.yaxis.set_major_locator(MaxNLocator(integer=True))
    counts_axis.set_ylim(0, max([1, *(week.turns for week in weeks)]) * 1.4)
    counts_axis.legend(loc="upper left", frameon=False, fontsize=9, ncol=2)

    for axis, parts, wholes, title, unit, colour in (
        (share_axes[0], [week.not_understood for week in weeks], [week.turns for week in weeks],
         "Part des messages non compris", "messages", "#c0392b"),
        (share_axes[1], [week.helpful for week in weeks], [week.helpful + week.not_helpful for week in weeks],
         "Part des réponses notées jugées utiles", "réponses notées", "#27ae60"),
    ):  # fmt: skip
        values = [part / whole * 100 if whole else float("nan") for part, whole in zip(parts, wholes, strict=True)]
        axis.plot(positions, values, "o-", color=colour)
        for x, value, whole in zip(positions, values, wholes, strict=True):
            if whole:
                axis.annotate(f"{value:.0f} % de {whole} {unit}", (x, value), textcoords="offset points",
                              xytext=(0, 8), ha="center", fontsize=9, color=colour)  # fmt: skip
        axis.set_ylim(0, 120)
        axis.set_yticks([0, 25, 50, 75, 100])
        axis.set_ylabel("%")
        axis.set_title(title)
    share_axes[1].set_xticks(positions, labels)
    figure.suptitle("Assistant de la Cité des Métiers : usage par semaine")
    figure.tight_layout()
    image = io.BytesIO()
    figure.savefig(image, format="png", dpi=100)
    plt.close(figure)
    return image.getvalue()


def knowledge_lines(today: date | None = None) -> tuple[list[str], list[str]]:
    """From one fresh read of the knowledge file: its sources not checked for SOURCE_MAX_AGE_DAYS days (365),
    with what rests on them, and its facts past their end date (`valid_until`), which the bot no longer says."""
    from actions import settings as actions_settings
    from actions.knowledge.loading import KnowledgeError, load_knowledge
    from actions.knowledge.sources import (
        DEFAULT_SOURCE_MAX_AGE_DAYS,
        describe_ending_facts,
        describe_stale_sources,
        ending_facts,
        source_max_age_from_environment,
        stale_sources,
    )

    today = today or date.today()
    try:
        max_age = source_max_age_from_environment()
    except ValueError:  # `python -m actions.knowledge --stale` says what is wrong with it
        max_age = DEFAULT_SOURCE_MAX_AGE_DAYS
    try:
        # Read afresh, not the action server's cached copy: the review page runs for days, the file is edited.
        knowledge = load_knowledge(actions_settings.load().knowledge_file)
    except KnowledgeError as error:  # the report still gives its counts
        return (
            [f"Le fichier de connaissances n'a pas pu être lu ({error}) : lancer `make validate`."],
            ["Le fichier de connaissances n'a pas pu être lu : lancer `make validate`."],  # the sources say why
        )
    stale = describe_stale_sources(stale_sources(knowledge, today, max_age), today, max_age).splitlines()
    return stale, describe_ending_facts(ending_facts(knowledge, today, within_days=None), today)


def stale_source_lines(today: date | None = None) -> list[str]:
    """The knowledge file's sources not checked for SOURCE_MAX_AGE_DAYS days (365), with what rests on them."""
    return knowledge_lines(today)[0]


def ended_fact_lines(today: date | None = None) -> list[str]:
    """The facts past their end date (`valid_until`), which the bot no longer says, with what to do."""
    return knowledge_lines(today)[1]


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
    stale, ended = knowledge_lines()
    markdown = report_markdown(weeks, stale, ended)
    args.out.mkdir(parents=True, exist_ok=True)
    (args.out / "report.md").write_text(markdown, encoding="utf-8")
    (args.out / "report.png").write_bytes(chart_png(weeks))
    (args.out / "report.html").write_text(report_page(weeks, stale, ended), encoding="utf-8")
    print(markdown)
    print(f"Écrit : {args.out / 'report.md'}, {args.out / 'report.png'}, {args.out / 'report.html'}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
