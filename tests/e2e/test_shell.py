"""`make shell` as an adviser uses it: a real terminal (tmux) of 80 columns, the action server started for them,
every message through the visitors' guard (masking, length limit, apology), the conversations kept in memory;
answers shown whole, buttons as numbered choices, nothing but one line before the prompt."""

from __future__ import annotations

import os
import re
import shlex
import shutil
import signal
import subprocess
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import pytest

from actions.knowledge_store import get_knowledge
from ops.processes import RUNNER, free_port
from tests.conftest import PROJECT_ROOT

PROMPT = "Vous >"  # "Vous > ": tmux drops the space at the end of a line
EXITED = "SHELL-EXITED-"
COLUMNS = 80


@dataclass
class Terminal:
    """`cdm-run shell` in a tmux session: what an adviser types, and what their screen shows."""

    session: str
    actions_port: int
    rasa_port: int
    prompts: int = 1  # the prompts expected on the screen: one more after each answer

    def screen(self) -> str:
        # -J joins the lines the terminal wrapped; the history holds the servers' start-up messages too.
        return subprocess.run(
            ["tmux", "capture-pane", "-p", "-J", "-S", "-3000", "-t", self.session], capture_output=True, text=True
        ).stdout

    def wait_for(self, text: str, count: int = 1, timeout: float = 240) -> str:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            screen = self.screen()
            if screen.count(text) >= count:
                return screen
            time.sleep(1)
        pytest.fail(f"{text!r} did not appear {count} time(s) in the terminal:\n{self.screen()[-3000:]}")

    def keys(self, *keys: str) -> None:
        subprocess.run(["tmux", "send-keys", "-t", self.session, *keys], check=True)

    def type(self, text: str, timeout: float = 60) -> str:
        """Types a message and Enter; the screen once the bot has answered and the next prompt is shown."""
        self.keys(text, "Enter")
        self.prompts += 1
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            screen = self.screen()
            if screen.count(PROMPT) >= self.prompts:
                return screen
            time.sleep(1)
        pytest.fail(f"no answer to {text[:80]!r} within {timeout:g}s:\n{self.screen()[-3000:]}")

    def answer_to(self, text: str) -> str:
        """What the screen shows between the message typed and the next prompt (with the end of a message
        too long for one line: the prompt breaks its lines itself, so they do not join)."""
        after_prompt = self.type(text).split(PROMPT)[-2]
        return after_prompt.split(text, 1)[-1]

    def stop(self, *keys: str) -> None:
        """Quits as an adviser does (/stop, or Ctrl-C: "C-c"); the runner must exit with 0."""
        self.keys(*(keys or ("/stop", "Enter")))
        self.wait_for(f"{EXITED}0", timeout=60)

    def settings(self, tmp_path: Path) -> list[str]:
        tracker_db = tmp_path / "var" / "db.sqlite"
        return [f"ACTIONS_PORT={self.actions_port}", f"RASA_PORT={self.rasa_port}", f"TRACKER_DB={tracker_db}"]

    def close(self) -> None:
        subprocess.run(["tmux", "kill-session", "-t", self.session], capture_output=True)

    def before_prompt(self) -> list[str]:
        """The lines shown before the first prompt."""
        return self.screen().split(PROMPT)[0].strip().splitlines()

    def rasa_server(self) -> list[str]:
        """The pid of the shell's Rasa server on this terminal's port (a list: empty, or more than one, is wrong)."""
        pattern = f"ops.shell_server rasa run .*--port {self.rasa_port}( |$)"
        return subprocess.run(["pgrep", "-f", "--", pattern], capture_output=True, text=True).stdout.split()

    def servers_left(self, timeout: float = 30) -> str:
        """The servers still running after `timeout` (they stop in seconds when the terminal closes)."""
        # The runner starts `rasa run actions ... --port <actions_port>` and `rasa run ... --port <rasa_port>`.
        ports = f"--port ({self.actions_port}|{self.rasa_port})( |$)"
        deadline = time.monotonic() + timeout
        while True:
            left = subprocess.run(["pgrep", "-af", "--", ports], capture_output=True, text=True).stdout.strip()
            if not left or time.monotonic() > deadline:
                return left
            time.sleep(1)


def open_terminal(tmp_path: Path, actions_port: int, rasa_port: int, *options: str) -> Terminal:
    """`cdm-run shell [options]` in a new tmux session, with TRACKER_DB pointing into an empty folder of the
    test's: the shell must never write it."""
    assert shutil.which("tmux"), "tmux is needed for this test (.ci/run installs it)"
    shell = Terminal(session=f"shell-{uuid.uuid4().hex[:8]}", actions_port=actions_port, rasa_port=rasa_port)
    # tmux starts the command in its server's environment, not this one's: the settings go on the command line.
    runner = shlex.join(["env", *shell.settings(tmp_path), *RUNNER, "shell", *options])
    command = f"cd {PROJECT_ROOT} && {runner}; echo {EXITED}$?; sleep 120"
    size = ["-x", str(COLUMNS), "-y", "50"]
    subprocess.run(["tmux", "new-session", "-d", "-s", shell.session, *size, command], check=True)
    return shell


@contextmanager
def shell_in_tmux(tmp_path: Path, *options: str) -> Iterator[Terminal]:
    """A terminal with `cdm-run shell [options]` on free ports; at the end, the shell's servers are stopped
    (`cdm-run shell --stop`: they would otherwise stay ready for the next console) and none may be left."""
    shell = open_terminal(tmp_path, free_port(), free_port(), *options)
    try:
        shell.wait_for(PROMPT)
        yield shell
    finally:
        shell.close()
        stop = subprocess.run(
            ["env", *shell.settings(tmp_path), *RUNNER, "shell", "--stop"], cwd=PROJECT_ROOT, capture_output=True
        )
        assert stop.returncode == 0, stop
    assert not shell.servers_left(), "a server was left running"
    assert not (tmp_path / "var").exists(), "the shell wrote conversations to the tracker store"


@pytest.fixture
def terminal(trained_model: None, tmp_path: Path) -> Iterator[Terminal]:
    with shell_in_tmux(tmp_path) as shell:
        yield shell


@pytest.fixture
def terminal_with_topic(trained_model: None, tmp_path: Path) -> Iterator[Terminal]:
    with shell_in_tmux(tmp_path, "--topic") as shell:
        yield shell


def flat(answer: str) -> str:
    """An answer's words, as one line: the console wraps them to the terminal's width."""
    return " ".join(answer.split())


def test_shell_answers_in_a_terminal_and_stops_cleanly(terminal: Terminal):
    # Before the prompt: one line, then how to answer and quit; none of the servers' logs or warnings.
    before_prompt = terminal.before_prompt()
    assert (
        before_prompt[0]
        == ("Démarrage de l'assistant pour la console (~25 s, une seule fois : il reste prêt 30 minutes)…")
        and len(before_prompt) <= 2
    ), before_prompt
    assert not re.search("warn|error|info", "\n".join(before_prompt), re.IGNORECASE), before_prompt
    assert "Oui, Gap fait partie des 7 centres associés" in flat(terminal.answer_to("Avez-vous un centre à Gap ?"))
    assert "Oui, Istres fait partie des 7 centres associés" in flat(terminal.answer_to("et à Istres ?"))
    # English is answered in English, as through REST.
    assert "Yes, it's free" in flat(terminal.answer_to("Is it free?"))
    terminal.stop()


def test_shell_shows_what_the_visitors_guard_does(terminal: Terminal):
    # Personal data: the notice first, then the answer to the rest of the question.
    answer = flat(terminal.answer_to("je m'appelle Karim, mon numéro c'est 06 12 34 56 78, c'est gratuit ?"))
    notice, _, rest = answer.partition("Oui, c'est gratuit")
    assert notice.startswith("Pour protéger votre anonymat, j'ai effacé de votre message"), answer
    assert "votre numéro de téléphone" in notice, answer
    assert rest, answer

    # A message over MAX_MESSAGE_CHARS (2,000 by default): a request to shorten it, no answer.
    too_long = " ".join(["Avez-vous un centre à Gap ?"] * 80)
    answer = flat(terminal.answer_to(too_long))
    assert (
        f"Votre message est trop long pour moi ({len(too_long)} caractères, 2000 au plus). "
        "Pouvez-vous poser votre question en quelques phrases ?"
    ) in answer, answer
    assert "Oui, Gap fait partie" not in answer

    # The action server goes down: the apology with the website, as visitors get it (test_faults.py).
    actions = subprocess.run(
        ["pgrep", "-f", f"run actions --actions actions --port {terminal.actions_port}( |$)"],
        capture_output=True,
        text=True,
    ).stdout.split()
    assert actions, "the action server is not running"
    for pid in actions:
        os.kill(int(pid), signal.SIGTERM)
    answer = flat(terminal.answer_to("Avez-vous un centre à Istres ?"))
    assert answer.endswith(
        "Désolé, un problème technique m'empêche de vous répondre pour le moment. Réessayez dans quelques "
        f"minutes, ou consultez le site de la Cité des Métiers : {get_knowledge().organisation.website}"
    ), answer
    terminal.stop("C-c")


def lines_of(answer: str) -> list[str]:
    return [line for line in answer.splitlines() if line.strip()]


def test_a_long_answer_is_shown_whole_at_80_columns_with_numbered_choices(terminal_with_topic: Terminal):
    terminal = terminal_with_topic
    knowledge = get_knowledge()
    answer = terminal.answer_to("c'est quoi la cité des métiers ?")
    lines = lines_of(answer)
    topic = r"\[compris : Présentation de la Cité des Métiers \(ask_presentation, [01]\.\d\d\)\]"
    assert re.fullmatch(topic, lines[0]), answer
    assert knowledge.fact("space").text in " ".join(lines), answer  # every word, in order, none cut
    assert all(len(line) <= COLUMNS for line in lines), answer
    more = re.search(r"^  (\d+)\. En savoir plus$", answer, re.MULTILINE)
    assert more, answer

    answer = terminal.answer_to(more[1])
    lines = lines_of(answer)
    assert lines[0] == "  → En savoir plus", answer
    assert knowledge.fact("missions").text in " ".join(lines[2:]), answer  # over four lines of 80 columns
    assert "  1. 👍 Utile" in lines and "  2. 👎 Pas utile" in lines, answer

    screen = terminal.screen()
    assert "rate_answer" not in screen and "/ask_" not in screen  # no payload on the screen
    terminal.stop()


def test_the_next_console_reuses_the_running_servers(terminal: Terminal, tmp_path: Path):
    """The servers stay ready after the console closes: the next one connects to the same Rasa server, at once
    (the time is measured by hand: docs/performance.md)."""
    (rasa_server,) = terminal.rasa_server()
    assert "Oui, Gap fait partie" in flat(terminal.answer_to("Avez-vous un centre à Gap ?"))
    terminal.stop()
    again = open_terminal(tmp_path, terminal.actions_port, terminal.rasa_port)
    try:
        again.wait_for(PROMPT, timeout=60)
        before_prompt = again.before_prompt()
        assert before_prompt[0] == "Assistant déjà démarré pour la console : prêt." and len(before_prompt) <= 2
        assert again.rasa_server() == [rasa_server]  # no new Rasa server, on the same port
        answer = flat(again.answer_to("Avez-vous un centre à Istres ?"))
        assert "Oui, Istres fait partie des 7 centres associés" in answer, answer
        again.stop()
    finally:
        again.close()
