"""Publishing the staff's changes in one step (`make publish`, `cdm-publish`, the review page's « Publier »).

Each step is said in French, as the staff read it in the terminal or on the review page:
1. validate the knowledge file (the action server's own loader, its French messages with line and field) and the
   training data (`rasa data validate --fail-on-warnings`, as `make validate`, in a subprocess: the staff's tools
   import no Rasa);
2. train if needed (scripts/train.sh, on the review's data folder REVIEW_DATA_DIR, into the folder of models the
   runner serves, RASA_MODEL): it says when no training is needed;
3. the gates on a new model, the fast part of `make evaluate`: the held-out intent macro-F1, in French and in
   English, and the test conversations, with the figures devtools/evaluate.sh sets (read by staff/gates.py).
   A model that did not change (the facts alone were edited) is not judged again, and the staff are told so;
4. the swap: a running assistant (`make run`) loads the new model through Rasa's HTTP API (`PUT /model`, with the
   address and token its runner left in PUBLISH_ACCESS_FILE). Rasa replaces its agent in place; the
   conversations live in the tracker store, so none is lost or cut. With no assistant running, the next
   `make run` serves the newest model. Saved facts need no swap: the action server reloads the knowledge file.
On any failure the running assistant keeps its model, a rejected new model moves to <models>/rejected/ (the next
start does not pick it up), the reason is said in plain French (which gate, its figure and its threshold) and
the exit status is 1. Two publications never run at once: the second is refused (a lock in the models folder).

    .venv/bin/cdm-publish          # what `make publish` runs
"""

from __future__ import annotations

import fcntl
import io
import json
import shutil
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol

from actions import settings as actions_settings
from actions.knowledge.loading import KnowledgeError, load_knowledge
from ops import settings as ops_settings
from ops.models import newest_model
from staff.gates import failed_conversations, gate, intent_macro_f1

PROJECT_ROOT = Path(__file__).resolve().parent.parent
RASA = str(Path(sys.executable).parent / "rasa")
# Where a model the gates refused goes, inside the models folder; and the lock of a publication.
REJECTED = "rejected"
LOCK_FILE = ".publication.lock"
# Held-out examples and test conversations, as devtools/evaluate.sh reads them.
HOLDOUT = {"fr": "tests/nlu/holdout.yml", "en": "tests/nlu/holdout_en.yml"}
TEST_STORIES = "tests/test_stories.yml"
# The gates of devtools/evaluate.sh publishing applies, by language.
MACRO_F1_GATES = {"fr": "MIN_MACRO_F1", "en": "MIN_EN_MACRO_F1"}
LANGUAGE_WORDS = {"fr": "en français", "en": "en anglais"}
# Seconds each step may take before it counts as failed.
VALIDATE_TIMEOUT_S = 600
TRAIN_TIMEOUT_S = 3600
GATES_TIMEOUT_S = 1200
# Loading a model in the running Rasa server takes some seconds; its HTTP API answers once it is done.
LOAD_TIMEOUT_S = 600
# The lines of a failed tool's output shown with the reason.
OUTPUT_TAIL_LINES = 12

EXIT_PUBLISHED = 0
EXIT_NOT_PUBLISHED = 1
EXIT_SETTINGS = 2


class Refused(Exception):
    """The publication stops here: the message says why, in French. The running assistant is left as it was."""


@dataclass(frozen=True)
class Places:
    """What publishing reads and writes, as the running servers see it."""

    data_dir: Path  # the training data the review writes into (REVIEW_DATA_DIR)
    knowledge_file: Path  # the action server's (CDM_KNOWLEDGE_FILE)
    models: Path  # the folder of models the runner serves (RASA_MODEL)
    access_file: Path  # where the runner leaves its HTTP API's address and token (PUBLISH_ACCESS_FILE)

    @classmethod
    def from_settings(cls) -> Places:
        read = ops_settings.load()
        models = Path(read.rasa_model)
        return cls(
            data_dir=read.review_data_dir,
            knowledge_file=actions_settings.load().knowledge_file,
            models=models if models.is_absolute() else PROJECT_ROOT / models,
            access_file=read.publish_access_file,
        )


@dataclass(frozen=True)
class Ran:
    """A tool's exit status and its output (standard output and error together)."""

    status: int
    output: str

    def tail(self) -> str:
        lines = [line for line in self.output.splitlines() if line.strip()][-OUTPUT_TAIL_LINES:]
        return "\n".join(f"    {line}" for line in lines)


def run_commands(commands: Sequence[list[str]], timeout_s: float) -> list[Ran]:
    """The commands, run at the same time in the project's folder; each one's status and output."""
    with tempfile.TemporaryDirectory(prefix="cdm-publish-") as folder:
        started = []
        for number, command in enumerate(commands):
            output = (Path(folder) / f"{number}.log").open("w+b")
            process = subprocess.Popen(command, cwd=PROJECT_ROOT, stdout=output, stderr=subprocess.STDOUT)
            started.append((process, output))
        deadline = time.monotonic() + timeout_s
        done = []
        for process, output in started:
            try:
                status = process.wait(timeout=max(0.0, deadline - time.monotonic()))
            except subprocess.TimeoutExpired:
                process.kill()
                status = process.wait()
                output.write(f"\n(arrêté au bout de {timeout_s:.0f} s)\n".encode())
            output.seek(0)
            done.append(Ran(status, output.read().decode("utf-8", "replace")))
            output.close()
        return done


class Assistant(Protocol):
    """A running assistant, as publishing sees it."""

    def served_model(self) -> str: ...

    def load(self, model: Path) -> None: ...


class RunningAssistant:
    """The Rasa server of `make run`, through its HTTP API (the runner's address and token of this start)."""

    def __init__(self, url: str, token: str) -> None:
        self.url = url
        self._token = token

    @classmethod
    def found(cls, access_file: Path) -> RunningAssistant | None:
        """The assistant its runner left the access of, if it answers (None: none is running)."""
        try:
            access = json.loads(access_file.read_text(encoding="utf-8"))
            assistant = cls(str(access["url"]), str(access["token"]))
            assistant.served_model()
        except (OSError, ValueError, KeyError, TypeError):
            return None
        return assistant

    def _request(self, method: str, path: str, body: dict[str, str] | None, timeout_s: float) -> bytes:
        data = json.dumps(body).encode() if body is not None else None
        request = urllib.request.Request(
            f"{self.url}{path}?token={self._token}",
            data=data,
            method=method,
            headers={"Content-Type": "application/json"},
        )
        with urllib.request.urlopen(request, timeout=timeout_s) as response:
            answer: bytes = response.read()
            return answer

    def served_model(self) -> str:
        """The file name of the model it serves."""
        return str(json.loads(self._request("GET", "/status", None, 10))["model_file"])

    def load(self, model: Path) -> None:
        """Replaces its model (OSError when it cannot: it then keeps the one it had)."""
        self._request("PUT", "/model", {"model_file": str(model.resolve())}, LOAD_TIMEOUT_S)


def duration(seconds: float) -> str:
    """A duration as the staff read it: "45 s", "4 min 47 s"."""
    minutes, rest = divmod(round(seconds), 60)
    return f"{minutes} min {rest} s" if minutes else f"{rest} s"


def _seconds(started: float) -> str:
    return duration(time.monotonic() - started)


@dataclass
class Publisher:
    places: Places
    say: Callable[[str], None] = print
    run: Callable[[Sequence[list[str]], float], list[Ran]] = run_commands
    find_assistant: Callable[[Path], Assistant | None] = RunningAssistant.found

    def publish(self) -> bool:
        """All the steps; True when published. Said as it goes; a refusal is said last, with its reason."""
        started = time.monotonic()
        try:
            with self.lock():
                self.publish_unlocked()
        except Refused as refusal:
            self.say(f"PAS PUBLIÉ : {refusal}")
            return False
        self.say(f"PUBLIÉ en {_seconds(started)}.")
        return True

    @contextmanager
    def lock(self) -> Iterator[None]:
        if not self.places.models.is_dir():
            raise Refused(
                f"RASA_MODEL doit désigner un dossier de modèles pour publier ; {self.places.models} n'en est pas un."
            )
        with (self.places.models / LOCK_FILE).open("a") as lock:
            try:
                fcntl.flock(lock, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except BlockingIOError:
                raise Refused("une publication est déjà en cours : attendez qu'elle finisse, puis réessayez.") from None
            yield

    def publish_unlocked(self) -> None:
        self.validate()
        assistant = self.find_assistant(self.places.access_file)
        served = assistant.served_model() if assistant is not None else None
        before = newest_model(self.places.models)
        model = self.train()
        changed = model.name != (served or (before.name if before else None))
        if changed:
            try:
                self.check_gates(model)
                self.swap(assistant, model)
            except Refused:
                self.reject(model)
                raise
        else:
            self.say("3/4 Contrôles de qualité : le modèle n'a pas changé (aucun nouvel exemple) ; pas besoin.")
            if assistant is None:
                self.say("4/4 Aucun assistant en marche : le prochain « make run » utilisera ce modèle.")
            else:
                self.say("4/4 L'assistant en marche utilise déjà ce modèle : rien à recharger.")
        self.say(
            "Les faits enregistrés, eux, sont déjà en ligne : l'assistant relit le fichier de connaissances de "
            "lui-même dans les secondes qui suivent chaque enregistrement."
        )

    def validate(self) -> None:
        started = time.monotonic()
        self.say("1/4 Vérification du fichier de connaissances et des données d'entraînement…")
        try:
            load_knowledge(self.places.knowledge_file)
        except KnowledgeError as error:
            raise Refused(f"le fichier de connaissances n'est pas valide.\n{error.summary()}") from None
        entities, validation = (
            [sys.executable, "-m", "scripts.build_entity_data", "--data", str(self.places.data_dir)],
            [RASA, "data", "validate", "--domain", "domain.yml", "--data", str(self.places.data_dir),
             "--config", "config.yml", "--fail-on-warnings"],
        )  # fmt: skip
        for command in (entities, validation):
            (ran,) = self.run([command], VALIDATE_TIMEOUT_S)
            if ran.status != 0:
                raise Refused(
                    "les données d'entraînement ne passent pas la vérification (« make validate » en dit autant) ; "
                    f"ses derniers messages :\n{ran.tail()}"
                )
        self.say(f"    Tout est valide ({_seconds(started)}).")

    def train(self) -> Path:
        """The model for the current data: trained now, or the one that already matches."""
        started = time.monotonic()
        self.say("2/4 Entraînement du modèle si les exemples ont changé (quelques minutes s'il le faut)…")
        (ran,) = self.run(
            [["scripts/train.sh", "--data", str(self.places.data_dir), "--out", str(self.places.models)]],
            TRAIN_TIMEOUT_S,
        )
        model = newest_model(self.places.models)
        if ran.status != 0 or model is None:
            raise Refused(f"l'entraînement a échoué ; ses derniers messages :\n{ran.tail()}")
        if "no training needed" in ran.output:
            self.say(f"    Pas d'entraînement : un modèle correspond déjà aux exemples ({model.name}).")
        else:
            self.say(f"    Nouveau modèle entraîné en {_seconds(started)} ({model.name}).")
        return model

    def check_gates(self, model: Path) -> None:
        """The held-out intent macro-F1 in each language and the test conversations, run side by side."""
        started = time.monotonic()
        self.say("3/4 Contrôles de qualité du nouveau modèle (exemples réservés, conversations de test)…")
        with tempfile.TemporaryDirectory(prefix="cdm-gates-") as folder:
            out = Path(folder)
            commands = [
                [RASA, "test", "nlu", "--model", str(model), "--nlu", HOLDOUT[language],
                 "--out", str(out / language), "--no-plot"]
                for language in HOLDOUT
            ]  # fmt: skip
            commands.append(
                [RASA, "test", "core", "--model", str(model), "--stories", TEST_STORIES,
                 "--out", str(out / "conversations"), "--no-plot"]
            )  # fmt: skip
            runs = self.run(commands, GATES_TIMEOUT_S)
            for ran in runs:
                if ran.status != 0:
                    raise Refused(
                        f"les contrôles de qualité n'ont pas pu tourner ; leurs derniers messages :\n{ran.tail()}"
                    )
            problems = []
            for language, gate_name in MACRO_F1_GATES.items():
                figure, threshold = intent_macro_f1(out / language), gate(gate_name)
                line = (
                    f"compréhension des messages {LANGUAGE_WORDS[language]} (exemples réservés) : macro-F1 "
                    f"{figure:.3f}, seuil {threshold:.2f}"
                )
                self.say(f"    {'OK' if figure >= threshold else 'ÉCHEC'} — {line}")
                if figure < threshold:
                    problems.append(line.replace(", seuil", ", sous le seuil de"))
            failed = failed_conversations(out / "conversations")
            if failed:
                problems.append(f"{len(failed)} conversation(s) de test échouée(s) : {', '.join(failed)}")
                self.say(f"    ÉCHEC — conversations de test : {len(failed)} échouée(s)")
            else:
                self.say("    OK — conversations de test : toutes réussies")
        if problems:
            raise Refused(
                "le nouveau modèle ne passe pas les contrôles de qualité — "
                + " ; ".join(problems)
                + ". Revoyez les derniers exemples ajoutés sur la page de relecture (un sujet mal choisi ?), ou "
                "demandez à un développeur (« make evaluate » donne le détail)."
            )
        self.say(f"    Contrôles réussis ({_seconds(started)}).")

    def swap(self, assistant: Assistant | None, model: Path) -> None:
        if assistant is None:
            self.say("4/4 Aucun assistant en marche : le prochain « make run » utilisera le nouveau modèle.")
            return
        started = time.monotonic()
        self.say("4/4 L'assistant en marche charge le nouveau modèle, sans interrompre les conversations…")
        try:
            assistant.load(model)
            served = assistant.served_model()
        except (OSError, ValueError, KeyError) as error:
            raise Refused(
                f"l'assistant en marche n'a pas pu charger le nouveau modèle ({error}) ; il garde l'ancien."
            ) from None
        if served != model.name:
            raise Refused(f"l'assistant en marche sert encore {served} après le chargement ; il garde l'ancien.")
        self.say(f"    L'assistant répond maintenant avec le nouveau modèle ({_seconds(started)}).")

    def reject(self, model: Path) -> None:
        """Moves a refused model out of the served folder: the next start does not pick it up."""
        rejected = self.places.models / REJECTED
        rejected.mkdir(exist_ok=True)
        shutil.move(str(model), str(rejected / model.name))
        self.say(f"    Le modèle refusé est mis de côté dans {rejected} ; l'assistant garde le modèle qu'il avait.")


def main(argv: list[str] | None = None) -> int:
    args = sys.argv[1:] if argv is None else argv
    if args:
        print(__doc__)
        return 0 if args in (["-h"], ["--help"]) else EXIT_SETTINGS
    # Each step's line as soon as it is said: the review page shows them while the publication runs.
    if isinstance(sys.stdout, io.TextIOWrapper):
        sys.stdout.reconfigure(line_buffering=True)
    try:
        places = Places.from_settings()
    except (ops_settings.SettingsError, actions_settings.SettingsError) as error:
        print(f"ERROR: {error}", file=sys.stderr)
        return EXIT_SETTINGS
    return EXIT_PUBLISHED if Publisher(places).publish() else EXIT_NOT_PUBLISHED


if __name__ == "__main__":
    sys.exit(main())
