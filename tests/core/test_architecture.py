"""docs/architecture.md tells a newcomer who announces what and who listens; this keeps it
true, and keeps every event listened to."""

from __future__ import annotations

import importlib
import inspect
import re
from pathlib import Path

from dangvien.core.events import Event, listeners_of

ROOT = Path(__file__).resolve().parents[2]
SRC = ROOT / "src" / "dangvien"


def _events() -> dict[str, type[Event]]:
    found = {}
    for path in SRC.glob("*/events.py"):
        package = path.parent.name
        module = importlib.import_module(f"dangvien.{package}.events")
        for name, value in vars(module).items():
            mine = inspect.isclass(value) and value.__module__ == module.__name__
            if mine and issubclass(value, Event) and value is not Event:
                found[f"{package}.{name}"] = value
    return found


def test_every_event_has_a_listener_and_its_row_in_the_architecture_page():
    events = _events()
    assert len(events) >= 8
    page = (ROOT / "docs" / "architecture.md").read_text()
    section = page.split("## The events", 1)[1].split("\n## ", 1)[0]
    row = re.compile(r"^\| `([a-z]+\.[A-Za-z]+)` \|.*\| (.*) \|$", re.M)
    rows = {m.group(1): m.group(2) for m in row.finditer(section)}
    assert set(rows) == set(events), "docs/architecture.md: one row per event"
    for name, kind in events.items():
        listeners = listeners_of(kind)
        assert listeners, f"{name} is announced to nobody"
        for dotted in listeners:
            short = dotted.removeprefix("dangvien.")
            assert f"`{short}`" in rows[name], f"{name}: {short} missing from its row"
