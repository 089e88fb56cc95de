"""Small guards every service shares."""

from __future__ import annotations

import datetime as dt
from typing import TypeVar

from django.db import models
from django.utils import timezone

from dangvien.core.errors import ServiceError

U = TypeVar("U", bound=models.Model)


def recorded_by(actor: U | None) -> U | None:
    """The user to store as author: None for the command line (no saved user)."""
    return actor if actor is not None and actor.pk else None


def not_future(on: dt.date, field: str) -> None:
    """Acts are recorded after they happen: a date after today is a typing mistake."""
    if on > timezone.localdate():
        raise ServiceError("core.date_in_future", field=field)
