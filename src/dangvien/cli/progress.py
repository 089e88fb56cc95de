from __future__ import annotations

import sys
import time


def _n(value: int) -> str:
    return f"{value:,}".replace(",", ".")


class ProgressBar:
    """A one-line progress bar on stderr (only when stderr is a terminal, or forced): the
    share, and with a unit the counts ("12.000/64.000 dòng") and the time left."""

    def __init__(self, label: str, *, unit: str = "", enabled: bool | None = None) -> None:
        self.label = label
        self.unit = unit
        self.enabled = sys.stderr.isatty() if enabled is None else enabled
        self.started = time.monotonic()
        self._last = 0.0

    def __call__(self, done: int, total: int) -> None:
        if not self.enabled:
            return
        now = time.monotonic()
        if now - self._last < 0.2 and done < total:
            return
        self._last = now
        share = min(1.0, done / total) if total else 1.0
        bar = "█" * int(share * 30) + "░" * (30 - int(share * 30))
        elapsed = now - self.started
        text = f"\r{self.label} {bar} {share * 100:5.1f}%".replace(".", ",")
        if self.unit:
            text += f" {_n(done)}/{_n(total)} {self.unit}"
        if 0.02 < share < 1:
            text += f" (~{elapsed / share - elapsed:.0f} s)"
        else:
            text += f" ({elapsed:.0f} s)"
        sys.stderr.write(text + "   ")
        if done >= total:
            sys.stderr.write("\n")
        sys.stderr.flush()
