"""Publishing in one step (staff/publish.py, `make publish`, the review page's « Publier »), with fake tools: a gate
that fails keeps the old model serving and sets the new one aside; a publication of facts alone neither trains
nor judges; each step and each refusal is said in French; two publications never run at once. Also the runner's
side (ops/run.py): the HTTP API's token of a start, in a file only its user reads; and the page's button."""

from __future__ import annotations

import fcntl
import json
import os
import sys
import time
from collections.abc import Iterator, Sequence
from pathlib import Path

import pytest

from actions.knowledge.loading import DEFAULT_KNOWLEDGE_FILE
from ops import processes, run
from ops import settings as ops_settings
from staff import publish_web
from staff.gates import gate
from staff.publish import LOCK_FILE, REJECTED, Places, Publisher, Ran, duration
from staff.review_web import ReviewPageHandler, form_token
from tests.conftest import serving
from tests.test_review import request

OLD = "20260101-000000-aaaaaaaaaaaa.tar.gz"
NEW = "20260102-000000-bbbbbbbbbbbb.tar.gz"
ONE_FAILED = "stories:\n- story: adresse du centre (tests/test_stories.yml)\n  steps: []\n"
ALL_PASSED = "# None of the test stories failed - all good!\n"


class FakeTools:
    """Stands for the tools publishing runs: `rasa data validate`, scripts/train.sh, `rasa test`. Each writes what the
    real one would: a model, the reports."""

    def __init__(self, models: Path, trains: bool = True, valid: bool = True, f1: dict[str, float] | None = None,
                 failed_stories: str = ALL_PASSED) -> None:  # fmt: skip
        self.models, self.trains, self.valid = models, trains, valid
        self.f1 = f1 or {"fr": 0.97, "en": 0.96}
        self.failed_stories = failed_stories
        self.commands: list[list[str]] = []

    def __call__(self, commands: Sequence[list[str]], timeout_s: float) -> list[Ran]:
        return [self.one(command) for command in commands]

    def one(self, command: list[str]) -> Ran:
        self.commands.append(command)
        if command[0] == "scripts/train.sh":
            if not self.trains:
                return Ran(0, f"The model {self.models / OLD} matches the current data and config: no training needed.")
            (self.models / NEW).write_bytes(b"new")
            os.utime(self.models / NEW, (time.time() + 5, time.time() + 5))
            return Ran(0, "Training a model for data and config bbbbbbbbbbbb...")
        if command[1:3] == ["data", "validate"]:
            return Ran(0, "") if self.valid else Ran(1, "UserWarning: Issue found in 'data/nlu/reviewed.yml': ...")
        if command[1:3] == ["test", "nlu"]:
            out = Path(command[command.index("--out") + 1])
            out.mkdir(parents=True)
            language = "en" if command[command.index("--nlu") + 1].endswith("_en.yml") else "fr"
            report = {"macro avg": {"f1-score": self.f1[language]}}
            (out / "intent_report.json").write_text(json.dumps(report), encoding="utf-8")
        if command[1:3] == ["test", "core"]:
            out = Path(command[command.index("--out") + 1])
            out.mkdir(parents=True)
            (out / "failed_test_stories.yml").write_text(self.failed_stories, encoding="utf-8")
        return Ran(0, "")

    def ran(self, *words: str) -> bool:
        return any(all(word in command for word in words) for command in self.commands)


class FakeAssistant:
    """The running assistant of `make run`, through its HTTP API."""

    def __init__(self, served: str, loads: bool = True) -> None:
        self.served, self.loads = served, loads
        self.loaded: list[Path] = []

    def served_model(self) -> str:
        return self.served

    def load(self, model: Path) -> None:
        if not self.loads:
            raise OSError("HTTP Error 500: Internal Server Error")
        self.loaded.append(model)
        self.served = model.name


@pytest.fixture
def places(tmp_path: Path) -> Places:
    models = tmp_path / "models"
    models.mkdir()
    (models / OLD).write_bytes(b"old")
    return Places(tmp_path / "data", DEFAULT_KNOWLEDGE_FILE, models, tmp_path / "publish-access.json")


def publisher(places: Places, tools: FakeTools, assistant: FakeAssistant | None) -> tuple[Publisher, list[str]]:
    said: list[str] = []
    return Publisher(places, said.append, tools, lambda _: assistant), said


def test_a_new_model_that_passes_the_gates_is_loaded_by_the_running_assistant(places: Places):
    tools, assistant = FakeTools(places.models), FakeAssistant(OLD)
    published, said = publisher(places, tools, assistant)
    assert published.publish()
    assert assistant.loaded == [places.models / NEW]
    assert tools.ran("validate", str(places.data_dir)) and tools.ran("--data", str(places.data_dir), "--out")
    french = "compréhension des messages en français (exemples réservés)"
    assert f"    OK — {french} : macro-F1 0.970, seuil {gate('MIN_MACRO_F1'):.2f}" in said
    assert "    OK — conversations de test : toutes réussies" in said
    assert said[-1].startswith("PUBLIÉ en ")
    assert not (places.models / LOCK_FILE).read_text()  # the lock holds nothing; it is released with its file


@pytest.mark.parametrize(
    ("tools_args", "reason"),
    [
        ({"f1": {"fr": 0.912, "en": 0.96}}, "compréhension des messages en français (exemples réservés) : macro-F1 "
         f"0.912, sous le seuil de {gate('MIN_MACRO_F1'):.2f}"),
        ({"f1": {"fr": 0.97, "en": 0.5}}, "en anglais (exemples réservés) : macro-F1 0.500, sous le seuil de"),
        ({"failed_stories": ONE_FAILED}, "1 conversation(s) de test échouée(s) : adresse du centre"),
    ],
)  # fmt: skip
def test_a_failed_gate_keeps_the_old_model_and_sets_the_new_one_aside(places: Places, tools_args, reason: str):
    tools, assistant = FakeTools(places.models, **tools_args), FakeAssistant(OLD)
    published, said = publisher(places, tools, assistant)
    assert not published.publish()
    assert assistant.loaded == [] and assistant.served == OLD
    assert sorted(path.name for path in places.models.glob("*.tar.gz")) == [OLD]  # the next start serves the old
    assert (places.models / REJECTED / NEW).exists()
    assert said[-1].startswith("PAS PUBLIÉ : le nouveau modèle ne passe pas les contrôles de qualité — ")
    assert reason in said[-1]
    assert any("mis de côté" in line and "garde le modèle qu'il avait" in line for line in said)


def test_a_model_the_running_assistant_cannot_load_is_set_aside_and_the_old_one_kept(places: Places):
    tools, assistant = FakeTools(places.models), FakeAssistant(OLD, loads=False)
    published, said = publisher(places, tools, assistant)
    assert not published.publish()
    assert (places.models / REJECTED / NEW).exists() and assistant.served == OLD
    assert said[-1] == (
        "PAS PUBLIÉ : l'assistant en marche n'a pas pu charger le nouveau modèle (HTTP Error 500: Internal Server "
        "Error) ; il garde l'ancien."
    )


def test_facts_alone_need_neither_training_nor_gates_nor_a_swap(places: Places):
    tools, assistant = FakeTools(places.models, trains=False), FakeAssistant(OLD)
    published, said = publisher(places, tools, assistant)
    assert published.publish()
    assert not tools.ran("test") and assistant.loaded == []
    assert f"    Pas d'entraînement : un modèle correspond déjà aux exemples ({OLD})." in said
    assert "3/4 Contrôles de qualité : le modèle n'a pas changé (aucun nouvel exemple) ; pas besoin." in said
    assert "4/4 L'assistant en marche utilise déjà ce modèle : rien à recharger." in said
    assert any(line.startswith("Les faits enregistrés, eux, sont déjà en ligne") for line in said)


def test_with_no_assistant_running_the_next_start_serves_the_new_model(places: Places):
    tools = FakeTools(places.models)
    published, said = publisher(places, tools, None)
    assert published.publish()
    assert tools.ran("test", "nlu")  # judged against the newest model before training
    assert "4/4 Aucun assistant en marche : le prochain « make run » utilisera le nouveau modèle." in said


def test_a_broken_knowledge_file_is_said_with_its_line_and_nothing_is_trained(places: Places, tmp_path: Path):
    broken = tmp_path / "knowledge.yml"
    original = DEFAULT_KNOWLEDGE_FILE.read_text(encoding="utf-8")
    broken.write_text(original.replace("    text_en: ", "    txt_en: ", 1), encoding="utf-8")
    tools = FakeTools(places.models)
    published, said = publisher(Places(places.data_dir, broken, places.models, places.access_file), tools, None)
    assert not published.publish()
    assert said[-1].startswith("PAS PUBLIÉ : le fichier de connaissances n'est pas valide.\nLe fichier de")
    assert "ligne" in said[-1]
    assert tools.commands == []


def test_training_data_that_fail_validation_stop_before_training(places: Places):
    tools = FakeTools(places.models, valid=False)
    published, said = publisher(places, tools, None)
    assert not published.publish()
    assert said[-1].startswith("PAS PUBLIÉ : les données d'entraînement ne passent pas la vérification")
    assert "reviewed.yml" in said[-1]
    assert not tools.ran("scripts/train.sh")


def test_durations_read_in_minutes_and_seconds():
    assert [duration(seconds) for seconds in (4.4, 59.6, 287, 3600)] == ["4 s", "1 min 0 s", "4 min 47 s", "60 min 0 s"]


def test_two_publications_never_run_at_once(places: Places):
    tools = FakeTools(places.models)
    published, said = publisher(places, tools, None)
    with (places.models / LOCK_FILE).open("a") as held:
        fcntl.flock(held, fcntl.LOCK_EX | fcntl.LOCK_NB)  # another publication, from the terminal or the page
        assert not published.publish()
    assert said == ["PAS PUBLIÉ : une publication est déjà en cours : attendez qu'elle finisse, puis réessayez."]
    assert tools.commands == []
    assert published.publish()  # once it has finished


def test_publishing_needs_a_folder_of_models(places: Places):
    published, said = publisher(Places(places.data_dir, places.knowledge_file, places.models / OLD,
                                       places.access_file), FakeTools(places.models), None)  # fmt: skip
    assert not published.publish()
    assert "RASA_MODEL doit désigner un dossier de modèles" in said[-1]


# --- The runner's side: the HTTP API of `make run`, for publishing ---------------------------------------------


def test_make_run_protects_its_http_api_with_a_token_of_each_start(monkeypatch: pytest.MonkeyPatch):
    for name in ("RASA_ENABLE_API", "RASA_API_TOKEN", "RASA_JWT_SECRET"):
        monkeypatch.delenv(name, raising=False)
    read = ops_settings.load()
    (args, token), (_, other) = run.served_api(read, "serve"), run.served_api(read, "serve")
    assert token is not None and len(token) >= 40 and args == ["--enable-api", f"--auth-token={token}"]
    assert other != token
    assert run.served_api(read, "rasa") == ([], None)  # a server alone keeps the API off unless told
    monkeypatch.setenv("RASA_ENABLE_API", "true")
    monkeypatch.setenv("RASA_API_TOKEN", "the-operators-own")
    assert run.served_api(ops_settings.load(), "serve") == (
        ["--enable-api", "--auth-token=the-operators-own"],
        "the-operators-own",
    )


def test_rasa_reads_a_token_that_starts_with_a_dash_as_the_token():
    """One random token in 64 starts with "-": given as a separate argument, `rasa run` took it for an option and
    refused to start (seen once in a fresh clone's end-to-end tests)."""
    from rasa.__main__ import create_argument_parser

    token = "-starts-with-a-dash"
    api_args = ["--enable-api", processes.secret_option("--auth-token", token)]
    parsed = create_argument_parser().parse_args(["run", "--model", "models", *api_args])
    assert parsed.auth_token == token and parsed.enable_api


def test_the_access_file_is_its_users_alone_and_goes_with_its_start(tmp_path: Path):
    access = tmp_path / "var" / "publish-access.json"
    run.write_publish_access(access, 5123, "token-of-this-start")
    assert access.stat().st_mode & 0o777 == 0o600
    assert json.loads(access.read_text()) == {"url": "http://127.0.0.1:5123", "token": "token-of-this-start"}
    run.remove_publish_access(access, "token-of-another-start")  # another runner's: left
    assert access.exists()
    run.remove_publish_access(access, "token-of-this-start")
    assert not access.exists()


# --- The review page's button -------------------------------------------------------------------------------

SECRET = "secret-de-publication"


@pytest.fixture
def page(monkeypatch: pytest.MonkeyPatch) -> Iterator[str]:
    """The review page, whose publications run a stand-in of staff/publish.py that says two steps."""
    script = "import time; print('1/4 Vérification…', flush=True); time.sleep(1.5); print('PUBLIÉ en 2 s.')"
    monkeypatch.setattr(ReviewPageHandler, "publications", publish_web.Publications([sys.executable, "-c", script]))
    monkeypatch.setattr(ReviewPageHandler, "secret", SECRET)
    with serving(ReviewPageHandler) as url:
        yield url


def test_the_button_publishes_and_the_page_follows_until_the_verdict(page: str):
    status, body = request(page + "/publier", SECRET)
    assert status == 200 and "Aucune publication depuis le démarrage de la page." in body
    assert request(page + "/publier", SECRET, {"jeton": "faux"})[0] == 403  # another site cannot publish
    status, body = request(page + "/publier", SECRET, {"jeton": form_token(SECRET)})  # 303, followed
    assert status == 200 and 'http-equiv="refresh"' in body and "Publication en cours" in body
    assert not ReviewPageHandler.publications.start()  # one at a time
    deadline = time.monotonic() + 20
    while "Publication en cours" in body and time.monotonic() < deadline:
        time.sleep(0.3)
        body = request(page + "/publier", SECRET)[1]
    assert "Publié en" in body and "1/4 Vérification…\nPUBLIÉ en 2 s." in body
    assert 'http-equiv="refresh"' not in body
    assert "Publier de nouveau" in body


def test_a_refused_publication_says_so_on_the_page():
    publications = publish_web.Publications(
        [sys.executable, "-c", "print('PAS PUBLIÉ : <le seuil>'); raise SystemExit(1)"]
    )
    assert publications.start()
    last = publications.last
    assert last is not None
    while last.running:
        time.sleep(0.1)
    body = publish_web.publish_page(last, "jeton", "")
    assert "Pas publié : l'assistant garde ce qu'il avait." in body
    assert "PAS PUBLIÉ : &lt;le seuil&gt;" in body  # escaped
