"""The Rasa server and the action server are deployed apart: the Rasa server's extensions (channels/,
nlu_components/) must run without the action server's package, and say what the knowledge file says."""

from __future__ import annotations

import subprocess
import sys

import yaml

from actions.knowledge import load_knowledge
from channels.connectors import VisitorRestInput, VisitorSocketIOInput
from tests.conftest import PROJECT_ROOT

EXTENSIONS = [
    "channels.connectors",
    "channels.guard",
    "channels.locks",
    "channels.privacy",
    "channels.speedups",
    "channels.wording",
    "nlu_components.spacy_nlp",
]


def test_the_rasa_server_extensions_import_nothing_of_the_action_server():
    # A fresh interpreter: what importing the extensions pulls in, directly or through one another.
    check = (
        f"import importlib, sys\nfor name in {EXTENSIONS!r}: importlib.import_module(name)\n"
        "print(sorted(m for m in sys.modules if m == 'actions' or m.startswith('actions.')))"
    )
    result = subprocess.run([sys.executable, "-c", check], cwd=PROJECT_ROOT, capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip().splitlines()[-1] == "[]"


def test_the_channels_name_the_website_of_the_knowledge_file():
    credentials = yaml.safe_load((PROJECT_ROOT / "credentials.yml").read_text(encoding="utf-8"))
    website = load_knowledge().organisation.website
    for channel_class in (VisitorRestInput, VisitorSocketIOInput):
        key = f"{channel_class.__module__}.{channel_class.__name__}"
        channel = channel_class.from_credentials(credentials[key])
        assert channel.website == website, key
