"""Takes what the Rasa server holds once started (its model, pipeline and libraries) out of the garbage
collector's rounds.

Python's full collection walks every object the process holds. With the model loaded, each took about 350 ms
and came every 10 to 30 seconds under load, every conversation waiting meanwhile (32 conversations, `make
bench`; docs/performance.md). `gc.freeze()`, called once the model is loaded, moves the objects of that moment
into a generation the collector no longer walks; what each turn creates is collected as before. A model
replaced while the server runs (Rasa's `PUT /model`, what `make publish` does) would then stay in memory beside
the new one: so the guard, at each message, calls `refreeze_if_the_model_changed`, which the first message after
a swap answers with one full collection (the old model goes), then a new freeze.
"""

from __future__ import annotations

import asyncio
import gc
import weakref
from typing import Any

from sanic import Sanic

# The agent (its model) the server held when its objects were frozen: a weak reference, not to keep it alive.
_frozen_with: list[weakref.ref[Any]] = []


async def freeze(_app: Sanic, _loop: asyncio.AbstractEventLoop) -> None:
    """An `after_server_start` listener: it runs after Rasa's `before_server_start` one, which loads the model."""
    gc.collect()
    gc.freeze()
    agent = getattr(getattr(_app, "ctx", None), "agent", None)
    _frozen_with[:] = [weakref.ref(agent)] if agent is not None else []


def refreeze_if_the_model_changed(agent: Any) -> bool:
    """When the server's agent is no longer the one frozen with (`PUT /model` replaced it): the frozen objects back
    to the collector, a full collection (the old model is freed), a new freeze. True when it did."""
    if agent is None or not _frozen_with or _frozen_with[0]() is agent:
        return False
    gc.unfreeze()
    gc.collect()
    gc.freeze()
    _frozen_with[:] = [weakref.ref(agent)]
    return True
