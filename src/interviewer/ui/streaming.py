"""A turn's stream that every page run can read again: Streamlit reruns the script mid-reply.

A click or an answer while the interviewer is still speaking starts a new run while the old one is
still waiting on the stream. The buffer gives each reader the whole text so far, then the rest as it
arrives; the readers take turns on the stream under a lock, so no text is lost or read twice.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator

from ..turns import Restart, Text, TurnStream


class ReplyBuffer:
    """Wraps one ``TurnStream`` so that several readers can follow it."""

    def __init__(self, turn: TurnStream) -> None:
        self.turn = turn
        self._events = turn.events()
        self._lock = threading.Lock()
        self._version = 0
        self._over = False
        self._error: BaseException | None = None
        self.text = ""
        """What the current attempt has said so far."""
        self.restart_reason = ""
        """Set when a cut-off reply is being asked for again."""

    def snapshots(self) -> Iterator[str]:
        """The reply's text so far, each time it grows (after a restart, the new attempt's text).

        Raises:
            Whatever the turn raised, to every reader.
        """
        seen = -1
        while True:
            with self._lock:
                if seen == self._version:
                    if self._over:
                        if self._error is not None:
                            raise self._error
                        return
                    self._advance()
                seen, snapshot = self._version, self.text
            yield snapshot

    def _advance(self) -> None:
        try:
            event = next(self._events)
        except StopIteration:
            self._over = True
            return
        except BaseException as exc:
            self._over, self._error = True, exc
            self._version += 1
            return
        if isinstance(event, Text):
            self.text += event.text
        elif isinstance(event, Restart):
            self.text, self.restart_reason = "", event.reason
        self._version += 1
