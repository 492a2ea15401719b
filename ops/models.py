"""The model Rasa serves from RASA_MODEL: the file itself, or a folder's newest model. One reading of it for the
runner, the shell's kept servers, publishing and the profiler. Imports nothing of the project."""

from __future__ import annotations

from pathlib import Path


def newest_model(path: Path) -> Path | None:
    """The model file Rasa serves for `path`: the file itself, or the folder's newest model, as Rasa picks it;
    None when there is none."""
    if path.is_file():
        return path
    models = list(path.glob("*.tar.gz")) if path.is_dir() else []
    return max(models, key=lambda model: model.stat().st_mtime) if models else None
