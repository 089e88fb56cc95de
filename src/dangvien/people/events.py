"""What the writes of people announce (core/events.py). Listener: reports/listeners.py."""

from __future__ import annotations

from dataclasses import dataclass

from dangvien.core.events import Event


@dataclass(frozen=True)
class PeopleChanged(Event):
    """A counted fact of these people (sex, birth date, ethnicity, religion, education)
    changed: every figure they were ever counted in may be wrong."""

    person_ids: tuple[int, ...]
