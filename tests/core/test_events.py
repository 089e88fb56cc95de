"""core.events.announced_once: a bulk writer's repeated event announced once, at the end of
its block, still in its transaction; nothing announced when the block fails."""

from __future__ import annotations

from dataclasses import dataclass

import pytest

from dangvien.core.events import Event, announce, announced_once, listen


@dataclass(frozen=True)
class Held(Event):
    n: int = 0


@dataclass(frozen=True)
class Other(Event):
    pass


heard: list[Event] = []


@listen(Held)
def _held(event: Held) -> None:
    heard.append(event)


@listen(Other)
def _other(event: Other) -> None:
    heard.append(event)


@pytest.fixture(autouse=True)
def _clear() -> None:
    heard.clear()


def test_equal_events_are_announced_once_when_the_block_ends_and_others_at_once():
    with announced_once(Held):
        announce(Held())
        announce(Held(1))
        announce(Held())
        announce(Other())
        assert heard == [Other()]  # not held: at once
    assert heard == [Other(), Held(), Held(1)]  # each distinct one, in the order first seen


def test_a_block_that_fails_announces_nothing_it_held():
    with pytest.raises(RuntimeError), announced_once(Held):
        announce(Held())
        raise RuntimeError
    assert heard == []


def test_an_inner_block_leaves_the_announcing_to_the_outer_one():
    with announced_once(Held):
        with announced_once(Held):
            announce(Held())
        assert heard == []
    assert heard == [Held()]
    announce(Held())  # outside any block: at once
    assert heard == [Held(), Held()]
