from __future__ import annotations

import sys
import time


class ProgressBar:
    """A one-line progress bar on stderr (only when stderr is a terminal, or forced)."""

    def __init__(self, label: str, *, enabled: bool | None = None) -> None:
        self.label = label
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
        share = done / total if total else 1.0
        bar = "█" * int(share * 30) + "░" * (30 - int(share * 30))
        sys.stderr.write(f"\r{self.label} {bar} {share * 100:5.1f}% ({now - self.started:.0f} s)")
        if done >= total:
            sys.stderr.write("\n")
        sys.stderr.flush()
