"""Domain events: how a lower package tells the packages above it what happened.

A package may import only the packages below it (the layers in pyproject.toml, drawn in
docs/architecture.md). When a write in a lower package has consequences that belong to a
higher one (a member's death closes her recognition dossier in `cases`; any change of a
count stamps the kept figures in `reports`), the lower package *announces* an event, a
frozen dataclass it defines in its own `events.py`, and the higher package *listens* to it
(its `listeners.py`, imported by its AppConfig.ready).

Listeners run at once, in the announcer's transaction and in the order they were
registered: what they write commits or rolls back with the write that caused it, and a
listener that raises refuses the whole write (a `ServiceError` reaches the user as any
other refusal). Side effects outside the database (mail) are for `transaction.on_commit`
inside a listener, never here.

Why our own small dispatcher rather than Django's signals: an event is a typed object
whose fields mypy checks at both ends, a listener's exception is never swallowed, and
`listeners_of` lets a test (and docs/architecture.md) list who listens to what.
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable, Iterator
from contextvars import ContextVar
from dataclasses import dataclass
from typing import TypeVar

__all__ = ["Event", "announce", "announced_once", "listen", "listeners_of", "registered"]


@dataclass(frozen=True)
class Event:
    """Base of every domain event. Subclasses are frozen dataclasses of plain values (ids,
    dates, codes), never model instances whose state could change under a listener."""


E = TypeVar("E", bound=Event)
Listener = Callable[[E], None]

_listeners: dict[type[Event], list[Callable[[Event], None]]] = {}


def listen(kind: type[E]) -> Callable[[Listener[E]], Listener[E]]:
    """Register the decorated function to be called with every announced `kind` (and its
    subclasses). Registering the same function twice keeps one registration."""

    def register(fn: Listener[E]) -> Listener[E]:
        found = _listeners.setdefault(kind, [])
        if fn not in found:
            found.append(fn)  # type: ignore[arg-type]  # called only with a `kind`
        return fn

    return register


# Inside announced_once(): the kinds held back, and the distinct events held, in order.
_held: ContextVar[tuple[tuple[type[Event], ...], list[Event]] | None] = ContextVar(
    "held_events", default=None
)


def announce(event: Event) -> None:
    """Call the listeners of the event's class and of its bases, now, in this transaction.
    An exception from a listener propagates to the announcer (and rolls it back)."""
    held = _held.get()
    if held is not None and type(event) in held[0]:
        if event not in held[1]:
            held[1].append(event)
        return
    for kind in type(event).__mro__:
        for fn in _listeners.get(kind, ()):
            fn(event)


@contextlib.contextmanager
def announced_once(*kinds: type[Event]) -> Iterator[None]:
    """Inside the block, events of exactly these classes are announced once each (equal
    events are one), when the block ends, still in the writer's transaction; nothing is
    announced if the block raises (its transaction rolls back). Other events are announced
    at once, as usual.

    For a bulk writer that makes the same change many times in one transaction: an
    organizations file of 100,000 rows announced `TreeChanged` 100,000 times, and each
    wrote a new tree token over the same row, which PostgreSQL then found at the end of a
    chain of that row's versions growing with every write (the nation's tree: 82
    organizations a second at the start, slower at each). Only for a writer that reads
    nothing the held listeners write before the block ends."""
    if _held.get() is not None:  # already inside one: the outer block announces
        yield
        return
    events: list[Event] = []
    token = _held.set((kinds, events))
    try:
        yield
    finally:
        _held.reset(token)
    for event in events:
        announce(event)


def listeners_of(kind: type[Event]) -> list[str]:
    """The listeners of `kind`, as dotted names (for tests and the architecture page)."""
    return [f"{fn.__module__}.{fn.__qualname__}" for fn in _listeners.get(kind, [])]


def registered() -> dict[type[Event], list[str]]:
    return {kind: listeners_of(kind) for kind in _listeners}
