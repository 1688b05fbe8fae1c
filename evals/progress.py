"""A progress bar on stderr for long runs: redrawn in place on a terminal, a line now and then otherwise."""

from __future__ import annotations

import sys
import time
from typing import TextIO

MIN_ITEMS = 20
"""Runs shorter than this show no bar."""
TERMINAL_INTERVAL = 0.1
LOG_INTERVAL = 10.0
"""Seconds between lines when stderr is not a terminal (a CI log), so fast runs print nothing."""


class ProgressBar:
    """Call with (done, total); prints to ``stream`` (stderr by default).

    Args:
        label: what is being done, shown before the bar.
        stream: where to draw.
        enabled: False to stay silent.
    """

    def __init__(self, label: str, stream: TextIO | None = None, enabled: bool = True) -> None:
        self.label = label
        self.stream = stream or sys.stderr
        self.enabled = enabled
        self.terminal = self.stream.isatty()
        self.started = time.monotonic()
        self.last = self.started
        self.drawn = False

    def __call__(self, done: int, total: int) -> None:
        """Draw the bar for ``done`` of ``total`` items, if it is time to."""
        if not self.enabled or total < MIN_ITEMS:
            return
        now = time.monotonic()
        finished = done >= total
        interval = TERMINAL_INTERVAL if self.terminal else LOG_INTERVAL
        if not finished and now - self.last < interval:
            return
        if finished and not self.drawn and not self.terminal:
            return
        self.last = now
        self.drawn = True
        elapsed = now - self.started
        if self.terminal:
            width = 30
            filled = int(width * done / total)
            bar = "#" * filled + "-" * (width - filled)
            end = "\n" if finished else ""
            self.stream.write(f"\r{self.label} [{bar}] {done}/{total} {elapsed:5.1f}s{end}")
        else:
            self.stream.write(f"{self.label}: {done}/{total} graded after {elapsed:.0f}s\n")
        self.stream.flush()
