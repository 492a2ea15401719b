"""Takes what the Rasa server holds once started (its model, pipeline and libraries) out of the garbage
collector's rounds.

Python's full collection walks every object the process holds. With the model loaded, each took about 350 ms
and came every 10 to 30 seconds under load, every conversation waiting meanwhile (32 conversations, `make
bench`; docs/performance.md). `gc.freeze()`, called once the model is loaded, moves the objects of that moment
into a generation the collector no longer walks; what each turn creates is collected as before. A model
replaced while the server runs (Rasa's `PUT /model`, which this deployment does not use) would then stay in
memory beside the new one.
"""

from __future__ import annotations

import asyncio
import gc

from sanic import Sanic


async def freeze(_app: Sanic, _loop: asyncio.AbstractEventLoop) -> None:
    """An `after_server_start` listener: it runs after Rasa's `before_server_start` one, which loads the model."""
    gc.collect()
    gc.freeze()
