"""rasa_extensions/gc_freeze.py: once the Rasa server has started (its model loaded), what it holds is out of the
garbage collector's rounds."""

from __future__ import annotations

import asyncio
import gc
import weakref

from rasa.core.channels.channel import UserMessage

from rasa_extensions import gc_freeze
from rasa_extensions.input_channels import VisitorRestInput, VisitorSocketIOInput


async def _ignore(_: UserMessage) -> None:
    return None


def test_each_channel_freezes_the_server_once_it_has_started():
    for channel in (VisitorRestInput(), VisitorSocketIOInput()):
        blueprint = channel.blueprint(_ignore)
        assert [
            listener.event for listener in blueprint._future_listeners if listener.listener is gc_freeze.freeze
        ] == ["after_server_start"]


def test_the_objects_of_that_moment_are_frozen_and_later_ones_collected():
    try:
        asyncio.run(gc_freeze.freeze(None, None))  # type: ignore[arg-type]
        frozen = gc.get_freeze_count()
        assert frozen > 10_000  # this test process's modules, pytest's, Rasa's
        garbage: list[list[object]] = [[] for _ in range(1000)]
        for item in garbage:
            item.append(item)  # cycles: only the collector frees them
        del garbage, item
        assert gc.collect() >= 1000
        assert gc.get_freeze_count() == frozen
    finally:
        gc.unfreeze()


class _Agent:
    """Stands for the Rasa server's agent, its model: a big cycle the collector alone can free."""

    def __init__(self) -> None:
        self.model: list[object] = [self]


def test_a_model_loaded_while_the_server_runs_frees_the_old_one_at_the_next_message():
    """`make publish` swaps the model (`PUT /model`): the frozen old agent must not stay in memory beside the new."""

    class App:
        class ctx:  # noqa: N801 (Sanic's name)
            agent = _Agent()

    try:
        asyncio.run(gc_freeze.freeze(App, None))  # type: ignore[arg-type]
        assert not gc_freeze.refreeze_if_the_model_changed(App.ctx.agent)  # the same model: nothing to do
        old = weakref.ref(App.ctx.agent)
        App.ctx.agent = _Agent()
        assert old() is not None  # frozen with the rest: the collector does not see it
        gc.collect()
        assert old() is not None
        assert gc_freeze.refreeze_if_the_model_changed(App.ctx.agent)
        assert old() is None
        assert not gc_freeze.refreeze_if_the_model_changed(App.ctx.agent)  # once
        assert not gc_freeze.refreeze_if_the_model_changed(None)  # outside a server
    finally:
        gc.unfreeze()
